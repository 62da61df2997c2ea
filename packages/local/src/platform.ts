import { appendFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import type { TaskName } from '@jiandu/pipeline/definition';
import { DEFAULT_SCHEDULES, SCHEDULED_JOBS } from '@jiandu/pipeline/schedules';
import { DynamoPendingCollisions, documentClientOf } from '@jiandu/store';
import { AUDIT_TABLE_SHAPE } from '@jiandu/store/table';
import { controlApi, type PlatformControl } from './control.js';
import { type DemoGenerator, loadDemoGenerator, seedDemoCounty } from './demo.js';
import { createDynamoDbClient, type DynamoDbLocal, ensureTable, startDynamoDbLocal } from './dynamodb.js';
import { removeEndpointFile, writeEndpointFile } from './endpoint-file.js';
import {
  LOCAL_REGION,
  objectCreatedFromRecord,
  objectCreatedReason,
  type S3NotificationRecord,
  scheduledEvent,
} from './events.js';
import { ExecutionQueue, type ExecutionRecord } from './executions.js';
import { FaultInjector, startFaultProxy } from './faults.js';
import { backgroundLane, functionWorkerCount, startFunctionHost } from './functions-host.js';
import { type DemoUser, startIssuer } from './issuer.js';
import { freePort } from './ports.js';
import { createS3Client, type LocalS3, S3RVER_CREDENTIALS, startS3rver } from './s3.js';
import { hostJobRunner, type ScheduleSpec, type Schedules, startSchedules } from './scheduler.js';
import { ensurePlatformSecret } from './secrets.js';
import { countSetting } from './settings.js';
import { LOCAL_STATE_MACHINE_ARN, serveSfnApi } from './sfn-api.js';
import { staffWebConfig, type WebMount, webApps, withWebPages } from './web.js';
import {
  BACKGROUND_TASKS,
  createWorkflow,
  hostTaskHandlers,
  TASK_NAMES,
  type TaskHandler,
  type TaskHandlers,
  taskFunctionName,
} from './workflow.js';

/** The table name, as in the deployed stack. */
export const TABLE_NAME = 'jiandu';
/** The audit log's own table (append-only; see `AUDIT_TABLE_SHAPE`). */
export const AUDIT_TABLE_NAME = 'jiandu-audit';
/** The buckets departments upload to and the pipeline writes to. */
export const BUCKETS = { upload: 'jiandu-uploads', data: 'jiandu-data' } as const;
/** Only objects under this prefix of the upload bucket start the workflow (the EventBridge rule's filter). */
export const UPLOAD_PREFIX = 'uploads/';
/**
 * Quiet period of a burst of uploads on this platform (`COLLISION_QUIET_SECONDS`, deployed 60):
 * one person at one machine uploads a folder in seconds, and `cli upload` ends the burst itself.
 */
export const LOCAL_COLLISION_QUIET_SECONDS = 2;
/** The scheduled job that starts a burst's collision once it is quiet (`SCHEDULED_JOBS`). */
const COLLISION_STARTER = 'CollisionStarter';
/** Lifetime of the demo inspector's token minted at start (`platform.inspectorToken`), in seconds. */
export const INSPECTOR_TOKEN_SECONDS = 12 * 3600;
/** The environment variable that sets {@link PlatformOptions.concurrentExecutions}. */
export const CONCURRENT_EXECUTIONS_ENV = 'JIANDU_CONCURRENT_EXECUTIONS';
/** The hono app module (repository-root relative); its named export `app` is served (in the function host). */
export const API_APP_ENTRY = 'functions/api-app.ts';

/** Anything with a fetch handler, like a hono app. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** Options of {@link startPlatform}. */
export interface PlatformOptions {
  /** Where DynamoDB Local's database, s3rver's objects and the demo marker are kept. */
  readonly dataDir: string;
  /** API port on 127.0.0.1; default 3000, 0 picks a free one. */
  readonly port?: number;
  /** Don't upload the demo county on first start. */
  readonly empty?: boolean;
  /** Recurring triggers; default the deployed `DEFAULT_SCHEDULES`. */
  readonly schedules?: readonly ScheduleSpec[];
  /**
   * When the `SCHEDULED_JOBS` run (by job name); default each job's deployed expression.
   * `[]` runs none on a schedule (`runJob` still works).
   */
  readonly jobSchedules?: readonly ScheduleSpec[];
  /** No console output (execution lines and handler logs at ERROR only). */
  readonly quiet?: boolean;
  /**
   * Port of the local token issuer on 127.0.0.1; 0 (default) picks a free one. Its URL is the
   * tokens' `iss`: keep it to keep tokens valid across restarts.
   */
  readonly issuerPort?: number;
  /** Handler log level (`LOG_LEVEL`); default INFO, or ERROR when quiet. */
  readonly logLevel?: string;
  /**
   * The functions' own settings, added to their environment as the deployed stack sets them
   * (e.g. `RULE_CONFIG`, `CADENCE_CONFIG`, `REPORT_DEADLINES`, `LEAD_LIST_MIN_SCORE`).
   */
  readonly functionSettings?: Readonly<Record<string, string>>;
  /** DynamoDB Local's port; 0 (default) picks a free one. */
  readonly dynamodbPort?: number;
  /** s3rver's port; 0 (default) picks a free one. */
  readonly s3Port?: number;
  /** The local Step Functions API's port; 0 (default) picks a free one. */
  readonly sfnPort?: number;
  /** Where log lines go; default console.log unless quiet. */
  readonly log?: (line: string) => void;
  /**
   * Also append every log line of the functions (structured JSON) and of the platform to this
   * file, at INFO even when quiet (quiet keeps them off the console). Default the
   * `JIANDU_FUNCTION_LOG` environment variable, e.g. for a log scan over a whole test run.
   */
  readonly logFile?: string;
  /**
   * Told when a task invocation ends (task name, epoch ms it started and ended, whether it
   * succeeded): the county benchmark times the workflow's stages with it.
   */
  readonly onTask?: (event: TaskTiming) => void;
  /** Tests only: replace some task handlers instead of invoking `functions/pipeline/*`. */
  readonly taskHandlers?: Partial<Record<TaskName, TaskHandler>>;
  /**
   * Web apps served next to the API on its port; default the repository's villagers' page at
   * `/` and staff dashboard at `/staff/` (their Vite builds, `npm run build:web`).
   */
  readonly web?: readonly WebMount[];
  /** Tests only: serve this app instead of importing {@link API_APP_ENTRY}. */
  readonly apiApp?: FetchApp;
  /** Tests only: the demo county generator instead of `@jiandu/demo`. */
  readonly demo?: DemoGenerator;
  /**
   * Tests only: fault injection (`platform.faults`): the functions reach DynamoDB and S3
   * through fault proxies, and task invocations go through the injector. Off by default.
   */
  readonly faults?: boolean;
  /**
   * How many function invocations (task states, scheduled jobs) run at once, each in its own
   * worker thread as each Lambda invocation has its own container: MatchShard iterations of
   * the inline Map then use every core. The API is served from a worker of its own besides.
   * Default the `JIANDU_FUNCTION_WORKERS` environment variable, else one per core
   * (`os.availableParallelism()`); a whole number ≥ 1.
   */
  readonly functionWorkers?: number;
  /**
   * The workers of their own that background invocations (the disclosure sync beside the
   * collision, `BACKGROUND_TASKS`) run in, besides `functionWorkers`, so they never hold a
   * worker the collision's tasks wait for; 0 shares the pool (a free worker takes a background
   * invocation only when nothing else waits). Default the `JIANDU_BACKGROUND_WORKERS`
   * environment variable, else 1.
   */
  readonly backgroundWorkers?: number;
  /**
   * The nice value (0–19) of the background workers' threads (Linux): the cores go to the
   * collision's tasks first. Default the `JIANDU_BACKGROUND_NICE` environment variable, else 10.
   */
  readonly backgroundNice?: number;
  /**
   * How many workflow executions run at once (in arrival order); default the
   * `JIANDU_CONCURRENT_EXECUTIONS` environment variable, else as many as function workers: a
   * county's files normalize side by side, as in AWS (what a file's rows say does not depend
   * on the order they are read in: a divisions upload reads the others again). 1 runs them one
   * at a time, for a log easy to follow.
   */
  readonly concurrentExecutions?: number;
  /** Tests only: `TimeoutSeconds` of every state of these tasks (locally 60 s by default). */
  readonly taskTimeoutSeconds?: Partial<Record<TaskName, number>>;
}

/** One task invocation's timing (see {@link PlatformOptions.onTask}). */
export interface TaskTiming {
  readonly task: TaskName;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ok: boolean;
}

/** Wrap every handler so `onTask` hears when each invocation ends. */
function timedHandlers(handlers: TaskHandlers, onTask: (event: TaskTiming) => void): TaskHandlers {
  const timed =
    (task: TaskName): TaskHandler =>
    async (input) => {
      const startedAt = Date.now();
      let ok = false;
      try {
        const output = await handlers[task](input);
        ok = true;
        return output;
      } finally {
        onTask({ task, startedAt, endedAt: Date.now(), ok });
      }
    };
  return Object.fromEntries(TASK_NAMES.map((task) => [task, timed(task)])) as unknown as TaskHandlers;
}

/** A running local platform. */
export interface Platform {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly s3Endpoint: string;
  /** The emulated Step Functions API (StartExecution, DescribeExecution, ListExecutions). */
  readonly sfnEndpoint: string;
  readonly stateMachineArn: string;
  readonly buckets: { readonly upload: string; readonly data: string };
  readonly tableName: string;
  /** A bearer token (ID token, {@link INSPECTOR_TOKEN_SECONDS} valid) of the demo inspector, minted at start. */
  readonly inspectorToken: string;
  /** The local issuer (`iss` of local tokens): `/.well-known/jwks.json`, `POST /token`. */
  readonly issuerUrl: string;
  /** The demo users of every role with their local passwords. */
  readonly demoUsers: readonly DemoUser[];
  /** A fresh bearer token (one hour) for a demo user, without the password round trip. */
  tokenFor(username: string): Promise<string>;
  /**
   * Resolve once no execution is queued or running, no S3 request (hence event) is pending and
   * no collision is pending: while a burst's collision waits for its quiet period, the
   * `CollisionStarter` job is run as its schedule would (also when job schedules are off).
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Every execution so far, oldest first. */
  executions(): ExecutionRecord[];
  /** The fault injector, when started with `faults: true`. */
  readonly faults?: FaultInjector;
  /** Run a scheduled job (`SCHEDULED_JOBS`) now, as its schedule would; resolves with its result. */
  runJob(name: string): Promise<unknown>;
  /** Stop schedules, abort executions, close the API and the emulators (the Java process exits). */
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How long the platform must stay idle before `waitForIdle` believes it (late S3 events, chained timers). */
const SETTLE_MS = 75;

/** While a burst waits for its quiet period, `waitForIdle` ticks its starter this often. */
const STARTER_TICK_MS = 200;

/**
 * The functions' whole environment on this platform: what the deployed stack sets on each
 * function, pointed at the local emulators and issuer. Handed to the function host, never
 * written into this process's `process.env`.
 */
export function handlerEnvironment(params: {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  sfnEndpoint: string;
  /** Where the API verifies bearer tokens: the local issuer. */
  identity: { issuer: string; audience: string; jwksUrl: string };
  logLevel: string;
  /** The functions' own settings (see {@link PlatformOptions.functionSettings}). */
  settings?: Readonly<Record<string, string>>;
  /** The master secret's file (`ensurePlatformSecret`). */
  platformSecretFile: string;
  /** The local issuer's staff list (the API checks assignees against it). */
  staffDirectoryFile: string;
}): Record<string, string> {
  return {
    COLLISION_QUIET_SECONDS: String(LOCAL_COLLISION_QUIET_SECONDS),
    ...params.settings,
    TABLE_NAME,
    AUDIT_TABLE_NAME,
    UPLOAD_BUCKET: BUCKETS.upload,
    DATA_BUCKET: BUCKETS.data,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: params.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: params.s3Endpoint,
    AWS_ENDPOINT_URL_SFN: params.sfnEndpoint,
    STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
    JWT_ISSUER: params.identity.issuer,
    JWT_AUDIENCE: params.identity.audience,
    JWKS_URL: params.identity.jwksUrl,
    POWERTOOLS_SERVICE_NAME: 'jiandu',
    LOG_LEVEL: params.logLevel,
    PLATFORM_SECRET_FILE: params.platformSecretFile,
    STAFF_DIRECTORY_FILE: params.staffDirectoryFile,
    // The functions' own environment replaces the process's: carry the SDK's switch for its
    // Node-version notice (set by scripts/node-support.mjs) so the notice is not printed again.
    ...(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
      ? {
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
            process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
        }
      : {}),
  };
}

function listen(app: FetchApp, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) =>
      done({ server: server as Server, port: info.port }),
    ) as Server;
    server.once('error', fail);
  });
}

/** DynamoDB Local takes a port number: pick a free one, and pick again if it was taken meanwhile. */
async function startDynamoDbOnPort(dbPath: string, port: number): Promise<DynamoDbLocal> {
  if (port !== 0) return startDynamoDbLocal({ dbPath, port });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDynamoDbLocal({ dbPath, port: await freePort() });
    } catch (error) {
      const taken = error instanceof Error && /BindException|Address already in use/.test(error.message);
      if (!taken || attempt === 3) throw error;
    }
  }
}

/**
 * Start the whole platform on localhost: DynamoDB Local and s3rver persisting under
 * `dataDir`, the collision workflow (the deployed ASL, interpreted locally) fed by S3 upload
 * events and schedules, and the inspectors' HTTP API. Seeds the demo county on first start.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const logFile = options.logFile ?? process.env.JIANDU_FUNCTION_LOG;
  const print = options.log ?? (options.quiet ? () => undefined : (line: string) => console.log(line));
  const log = logFile
    ? (line: string) => {
        appendFileSync(logFile, `${line}\n`);
        print(line);
      }
    : print;
  const dataDir = resolve(options.dataDir);
  // Validated before anything starts: a bad setting fails the start, not the first upload.
  const functionWorkers = functionWorkerCount(options.functionWorkers);
  const background = backgroundLane(
    BACKGROUND_TASKS.map((task) => taskFunctionName(task)),
    {
      ...(options.backgroundWorkers !== undefined ? { workers: options.backgroundWorkers } : {}),
      ...(options.backgroundNice !== undefined ? { nice: options.backgroundNice } : {}),
    },
  );
  const concurrentExecutions = countSetting({
    option: options.concurrentExecutions,
    optionName: 'concurrentExecutions',
    envName: CONCURRENT_EXECUTIONS_ENV,
    env: process.env[CONCURRENT_EXECUTIONS_ENV],
    fallback: functionWorkers,
  });
  mkdirSync(dataDir, { recursive: true });

  // Everything started so far, stopped in reverse order if a later step fails.
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        log(`[local] error while stopping: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  try {
    // The identity provider first: the functions' environment names it.
    const issuer = await startIssuer({ dataDir, port: options.issuerPort ?? 0 });
    cleanups.push(() => issuer.stop());
    const inspectorToken = await issuer.mint('inspector', INSPECTOR_TOKEN_SECONDS);
    log(`[local] token issuer ${issuer.url} (audience ${issuer.audience})`);
    const [dynamo, s3] = await Promise.allSettled([
      startDynamoDbOnPort(join(dataDir, 'dynamodb'), options.dynamodbPort ?? 0),
      startS3rver({
        directory: join(dataDir, 's3'),
        port: options.s3Port ?? 0,
        buckets: [BUCKETS.upload, BUCKETS.data],
      }),
    ]);
    if (dynamo.status === 'fulfilled') cleanups.push(() => dynamo.value.stop());
    if (s3.status === 'fulfilled') cleanups.push(() => s3.value.stop());
    if (dynamo.status === 'rejected') throw dynamo.reason;
    if (s3.status === 'rejected') throw s3.reason;
    const dynamodbLocal: DynamoDbLocal = dynamo.value;
    const localS3: LocalS3 = s3.value;

    const dynamodbClient = createDynamoDbClient(dynamodbLocal.endpoint);
    cleanups.push(() => dynamodbClient.destroy());
    const table = await ensureTable(dynamodbClient, TABLE_NAME);
    const pendingCollisions = new DynamoPendingCollisions(documentClientOf(dynamodbClient), TABLE_NAME);
    const auditTable = await ensureTable(dynamodbClient, AUDIT_TABLE_NAME, AUDIT_TABLE_SHAPE);
    log(
      `[local] DynamoDB Local ${dynamodbLocal.endpoint} (table ${TABLE_NAME} ${table}, ${AUDIT_TABLE_NAME} ${auditTable})`,
    );
    log(`[local] s3rver ${localS3.endpoint} (buckets ${BUCKETS.upload}, ${BUCKETS.data})`);

    // The Step Functions API before the functions: they start executions through it. Its
    // queue only calls the task handlers once an execution runs.
    let handlers: TaskHandlers | undefined;
    const queue = new ExecutionQueue(
      createWorkflow(
        Object.fromEntries(
          TASK_NAMES.map((task) => [task, (input: unknown) => (handlers as TaskHandlers)[task](input)]),
        ) as unknown as TaskHandlers,
        options.taskTimeoutSeconds ? { taskTimeoutSeconds: options.taskTimeoutSeconds } : {},
      ),
      log,
      concurrentExecutions,
    );
    cleanups.push(() => queue.stop());
    // The control routes answer once the platform below is complete.
    let control: PlatformControl | undefined;
    const sfn = await serveSfnApi(
      queue,
      options.sfnPort ?? 0,
      controlApi(() => control),
    );
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          sfn.server.close(() => done());
          sfn.server.closeAllConnections();
        }),
    );
    const sfnEndpoint = sfn.endpoint;
    log(`[local] Step Functions API ${sfnEndpoint} (${LOCAL_STATE_MACHINE_ARN})`);
    log(
      `[local] functions: the API in its own worker, up to ${functionWorkers} invocation(s) at once` +
        (background.workers > 0
          ? ` and ${background.workers} background one(s) (${BACKGROUND_TASKS.join(', ')})` +
            `${process.platform === 'linux' ? ` at nice ${background.nice}` : ''}; `
          : `; ${BACKGROUND_TASKS.join(', ')} waits behind the others; `) +
        `up to ${concurrentExecutions} execution(s) at once`,
    );

    // With fault injection, the functions reach DynamoDB and S3 through the fault proxies.
    const faults = options.faults ? new FaultInjector() : undefined;
    let functionEndpoints = { dynamodb: dynamodbLocal.endpoint, s3: localS3.endpoint };
    if (faults) {
      const [dynamodbProxy, s3Proxy] = await Promise.all([
        startFaultProxy('dynamodb', dynamodbLocal.endpoint, faults),
        startFaultProxy('s3', localS3.endpoint, faults),
      ]);
      cleanups.push(
        () => dynamodbProxy.stop(),
        () => s3Proxy.stop(),
      );
      functionEndpoints = { dynamodb: dynamodbProxy.endpoint, s3: s3Proxy.endpoint };
      log(`[local] fault injection on: DynamoDB via ${dynamodbProxy.endpoint}, S3 via ${s3Proxy.endpoint}`);
    }

    // The functions run in their own environment, as in Lambda: nothing is written into ours.
    const functions = startFunctionHost({
      repoRoot: REPO_ROOT,
      workers: functionWorkers,
      background,
      env: handlerEnvironment({
        dynamodbEndpoint: functionEndpoints.dynamodb,
        s3Endpoint: functionEndpoints.s3,
        sfnEndpoint,
        identity: { issuer: issuer.url, audience: issuer.audience, jwksUrl: issuer.jwksUrl },
        logLevel: options.logLevel ?? process.env.LOG_LEVEL ?? (options.quiet && !logFile ? 'ERROR' : 'INFO'),
        ...(options.functionSettings ? { settings: options.functionSettings } : {}),
        platformSecretFile: ensurePlatformSecret(dataDir),
        staffDirectoryFile: issuer.staffDirectoryFile,
      }),
      ...(logFile ? { logFile } : {}),
      ...(options.quiet && logFile ? { console: false } : {}),
      log,
    });
    cleanups.push(() => functions.stop());
    const served: TaskHandlers = { ...hostTaskHandlers(functions), ...options.taskHandlers };
    handlers = faults
      ? (Object.fromEntries(
          TASK_NAMES.map((task) => [task, faults.wrapTask(task, served[task])]),
        ) as unknown as TaskHandlers)
      : served;
    if (options.onTask) handlers = timedHandlers(handlers, options.onTask);

    const s3Client = createS3Client(localS3.endpoint);
    cleanups.push(() => s3Client.destroy());

    // S3 → EventBridge → Step Functions: one execution per new object under uploads/.
    let bridging = 0;
    let accepting = true;
    const bridge = async (record: S3NotificationRecord): Promise<void> => {
      const { bucket, object } = record.s3;
      let fallback: { size?: number; etag?: string } = {};
      if (object.size === undefined || object.eTag === undefined) {
        // s3rver leaves the ETag out of copy notifications; EventBridge always has it.
        const head = await s3Client.send(new HeadObjectCommand({ Bucket: bucket.name, Key: object.key }));
        fallback = {
          ...(head.ContentLength !== undefined ? { size: head.ContentLength } : {}),
          etag: head.ETag ?? '',
        };
      }
      const event = objectCreatedFromRecord(record, fallback);
      if (event && accepting) queue.enqueue(event);
    };
    localS3.onRecord((record) => {
      if (!accepting || record.s3.bucket.name !== BUCKETS.upload) return;
      if (!objectCreatedReason(record.eventName) || !record.s3.object.key.startsWith(UPLOAD_PREFIX)) return;
      bridging += 1;
      bridge(record)
        .catch((error: unknown) => {
          log(
            `[bridge] could not forward an S3 event: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => {
          bridging -= 1;
        });
    });
    cleanups.push(() => {
      accepting = false;
    });

    const schedules: Schedules = startSchedules(options.schedules ?? DEFAULT_SCHEDULES, (name) => {
      const summary = `Scheduled Event jiandu-${name}`;
      // A tick while the previous one still waits adds nothing: it would run the same collision.
      if (!accepting || queue.hasQueued(summary)) return;
      queue.enqueue(scheduledEvent(`jiandu-${name}`));
    });
    cleanups.push(() => schedules.stop());
    for (const job of schedules.describe()) {
      log(`[local] schedule ${job.name} '${job.pattern}' UTC, next ${job.nextRun?.toISOString() ?? 'never'}`);
    }

    // The scheduled jobs' own Lambda entries, invoked in the function host like the tasks.
    const jobs = hostJobRunner(functions, SCHEDULED_JOBS);
    const jobSchedules = startSchedules(options.jobSchedules ?? SCHEDULED_JOBS, (name) => {
      if (!accepting || jobs.running(name)) return;
      jobs.run(name).catch((error: unknown) => {
        log(`[job] ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    cleanups.push(() => jobSchedules.stop());
    for (const job of jobSchedules.describe()) {
      log(`[local] job ${job.name} '${job.pattern}' UTC, next ${job.nextRun?.toISOString() ?? 'never'}`);
    }

    let apiPort: number;
    // The dashboard logs in at the local issuer (authorization code + PKCE, `authorize.ts`).
    const web = options.web ?? webApps(REPO_ROOT, staffWebConfig(issuer.url, issuer.audience));
    if (options.apiApp) {
      const api = await listen(withWebPages(options.apiApp, web), options.port ?? 3000);
      cleanups.push(
        () =>
          new Promise<void>((done) => {
            api.server.close(() => done());
            api.server.closeAllConnections();
          }),
      );
      apiPort = api.port;
    } else {
      // Served from the function host, so the API reads its configuration from there too.
      apiPort = await functions.serve(API_APP_ENTRY, options.port ?? 3000, web);
    }
    const apiUrl = `http://127.0.0.1:${apiPort}`;

    if (!options.empty) {
      try {
        const generate = options.demo ?? (await loadDemoGenerator());
        await seedDemoCounty({ s3: s3Client, bucket: BUCKETS.upload, dataDir, generate, log });
      } catch (error) {
        // The platform is still useful without demo data; no marker is written, so the next start retries.
        const message = error instanceof Error ? error.message : String(error);
        (options.log ?? console.error)(
          `[demo] could not upload the demo county (${message}); continuing empty`,
        );
      }
    }

    // Lets the staff command line find this platform (`npm run cli -- upload <folder>`).
    writeEndpointFile(dataDir, {
      apiUrl,
      issuerUrl: issuer.url,
      dynamodbEndpoint: dynamodbLocal.endpoint,
      tableName: TABLE_NAME,
      s3Endpoint: localS3.endpoint,
      sfnEndpoint,
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      region: LOCAL_REGION,
      buckets: { ...BUCKETS },
      credentials: { ...S3RVER_CREDENTIALS },
      inspectorToken,
      pid: process.pid,
    });
    cleanups.push(() => removeEndpointFile(dataDir));

    const idle = (): boolean =>
      !queue.busy() && bridging === 0 && localS3.inFlight() === 0 && !jobs.running();
    let stopping: Promise<void> | undefined;
    const platform: Platform = {
      apiUrl,
      dynamodbEndpoint: dynamodbLocal.endpoint,
      s3Endpoint: localS3.endpoint,
      sfnEndpoint,
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      buckets: { ...BUCKETS },
      tableName: TABLE_NAME,
      inspectorToken,
      issuerUrl: issuer.url,
      demoUsers: issuer.users,
      tokenFor: (username) => issuer.mint(username),
      executions: () => queue.records(),
      ...(faults ? { faults } : {}),
      runJob: (name) => jobs.run(name),
      waitForIdle: async (timeoutMs = 120_000) => {
        const deadline = Date.now() + timeoutMs;
        let idleSince: number | undefined;
        for (;;) {
          const now = Date.now();
          let poll = 20;
          if (idle() && (await pendingCollisions.get()) !== undefined) {
            // A burst waits for its quiet period: tick its starter, as the schedule does.
            idleSince = undefined;
            poll = STARTER_TICK_MS;
            jobs.run(COLLISION_STARTER).catch((error: unknown) => {
              log(
                `[job] ${COLLISION_STARTER} failed: ${error instanceof Error ? error.message : String(error)}`,
              );
            });
          } else if (idle()) {
            idleSince ??= now;
            if (now - idleSince >= SETTLE_MS) return;
          } else {
            idleSince = undefined;
          }
          if (now > deadline) {
            const running = queue.records().filter((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
            const pending = await pendingCollisions.get();
            throw new Error(
              `Platform not idle after ${timeoutMs} ms: ${running.length} execution(s) queued or running, ` +
                `${bridging} S3 event(s) being forwarded, ${localS3.inFlight()} S3 request(s) open` +
                (pending ? `, a collision pending for ${pending.kinds.join(', ')}` : ''),
            );
          }
          await new Promise((r) => setTimeout(r, poll));
        }
      },
      stop: () => {
        stopping ??= cleanup();
        return stopping;
      },
    };
    control = platform;
    return platform;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
