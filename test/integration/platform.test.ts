/**
 * The local platform end to end: real DynamoDB Local (Java) and s3rver, the shared ASL run by
 * aws-local-stepfunctions, the S3 → EventBridge bridge and the scheduler. Task handlers are
 * replaced by contract-checking fakes so this suite doesn't depend on the pipeline's logic.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ExecutionRecord, Platform, PlatformOptions, TaskHandler } from '@jiandu/local';
import { DEMO_MARKER, type DemoFile, startPlatform } from '@jiandu/local';
import {
  NormalizeInput,
  type NormalizeOutput,
  PlanInput,
  type PlanOutput,
  RecordPendingInput,
  type RecordPendingOutput,
  ScoreAndStoreInput,
  ShardTask,
  SyncDisclosureInput,
} from '@jiandu/pipeline/contracts';
import type { TaskName } from '@jiandu/pipeline/definition';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const objectCreatedSample = JSON.parse(readFileSync(join(REPO, 'events/s3-object-created.json'), 'utf8'));
const scheduledSample = JSON.parse(readFileSync(join(REPO, 'events/scheduled-event.json'), 'utf8'));

/** The nested key structure of a JSON value with leaf types, to compare events with the samples. */
function keyShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyShape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, keyShape((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

/** Fakes that validate their inputs against the contracts, record calls and return contract outputs. */
function fakeHandlers() {
  const calls: { task: TaskName; input: unknown }[] = [];
  let active = 0;
  let maxActive = 0;
  const handlers: Record<TaskName, TaskHandler> = {
    Normalize: async (raw) => {
      calls.push({ task: 'Normalize', input: raw });
      active += 1;
      maxActive = Math.max(maxActive, active);
      try {
        const input = NormalizeInput.parse(raw);
        await new Promise((r) => setTimeout(r, 30));
        const [, department = '', kind = ''] = input.key.split('/');
        const output: NormalizeOutput = {
          outcome: input.key.includes('unreadable') ? 'rejected' : 'registered',
          versionId: `v-${input.key}`,
          department,
          kind,
          kinds: [kind],
          accepted: 1,
          rejected: 0,
        };
        return output;
      } finally {
        active -= 1;
      }
    },
    RecordPending: async (raw) => {
      calls.push({ task: 'RecordPending', input: raw });
      const input = RecordPendingInput.parse(raw);
      const output: RecordPendingOutput = { kinds: input.kinds, revision: 1, lastMarkedAt: 'now' };
      return output;
    },
    PlanCollision: async (raw) => {
      calls.push({ task: 'PlanCollision', input: raw });
      PlanInput.parse(raw);
      const plan: PlanOutput = {
        runId: `run-${calls.length}`,
        manifestKey: 'runs/manifest.json',
        shards: [0, 1, 2].map((shard) => ({
          runId: `run-${calls.length}`,
          manifestKey: 'runs/manifest.json',
          shard,
        })),
      };
      return plan;
    },
    MatchShard: async (raw) => {
      calls.push({ task: 'MatchShard', input: raw });
      const task = ShardTask.parse(raw);
      return { shard: task.shard, findingsKey: `runs/findings-${task.shard}.json`, findings: task.shard + 1 };
    },
    ScoreAndStore: async (raw) => {
      calls.push({ task: 'ScoreAndStore', input: raw });
      const input = ScoreAndStoreInput.parse(raw);
      const findings = input.shards.reduce((sum, shard) => sum + shard.findings, 0);
      return {
        runId: input.runId,
        leadsNew: findings,
        leadsUpdated: 0,
        leadsUnchanged: 0,
        leadsSuperseded: 0,
        findings,
      };
    },
    SyncDisclosure: async (raw) => {
      calls.push({ task: 'SyncDisclosure', input: raw });
      SyncDisclosureInput.parse(raw);
      return { unitsAdded: 0, unitsRemoved: 0 };
    },
  };
  return { handlers, calls, maxActive: () => maxActive };
}

const api = new Hono().get('/health', (c) => c.json({ ok: true }));

function clients(platform: Platform) {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    s3: new S3Client({
      endpoint: platform.s3Endpoint,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    dynamodb: new DynamoDBClient({ endpoint: platform.dynamodbEndpoint, region: 'us-east-1', credentials }),
  };
}

function baseOptions(dataDir: string, fakes: ReturnType<typeof fakeHandlers>): PlatformOptions {
  return {
    dataDir,
    port: 0,
    empty: true,
    quiet: true,
    schedules: [],
    taskHandlers: fakes.handlers,
    apiApp: api,
    // The stand-in API answers every path itself (no web pages beside it).
    web: [],
    // Executions one at a time (the default overlaps as many as function workers): the tests
    // below read them in order.
    concurrentExecutions: 1,
  };
}

const newExecutions = (platform: Platform, before: number): ExecutionRecord[] =>
  platform.executions().slice(before);

describe('local platform', () => {
  const fakes = fakeHandlers();
  let dataDir: string;
  let platform: Platform;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;

  const environment = { ...process.env };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-platform-'));
    platform = await startPlatform(baseOptions(dataDir, fakes));
    ({ s3, dynamodb } = clients(platform));
  });

  afterAll(async () => {
    s3?.destroy();
    dynamodb?.destroy();
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the table as the stack does: keys, both GSIs with ALL projection, on-demand, TTL', async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: platform.tableName }));
    expect(platform.tableName).toBe('jiandu');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((gsi) => ({
      name: gsi.IndexName,
      keys: gsi.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
      projection: gsi.Projection?.ProjectionType,
    }));
    expect(indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      { name: 'GSI1', keys: ['GSI1PK:HASH', 'GSI1SK:RANGE'], projection: 'ALL' },
      { name: 'GSI2', keys: ['GSI2PK:HASH', 'GSI2SK:RANGE'], projection: 'ALL' },
    ]);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: platform.tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('creates the audit log its own table: same keys and GSIs, nothing ever expires', async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'jiandu-audit' }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['PK', 'SK']);
    expect((Table?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName).sort()).toEqual([
      'GSI1',
      'GSI2',
    ]);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'jiandu-audit' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('creates both buckets and leaves this process environment alone', async () => {
    expect(platform.buckets).toEqual({ upload: 'jiandu-uploads', data: 'jiandu-data' });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'jiandu-uploads' }))).resolves.toBeDefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'jiandu-data' }))).resolves.toBeDefined();
    // The functions get their configuration in their own environment (the function host).
    expect(process.env).toEqual(environment);
  });

  it('serves the API on 127.0.0.1', async () => {
    expect(platform.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${platform.apiUrl}/health`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('pages through ListObjectsV2 with continuation tokens (patched s3rver cipher)', async () => {
    const keys = Array.from(
      { length: 7 },
      (_, i) => `manifests/page-test/${String(i).padStart(2, '0')}.json`,
    );
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: 'jiandu-data', Key: key, Body: '{}' }));
    }
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: 'jiandu-data', Prefix: 'manifests/page-test/' },
    )) {
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(keys);
    // A forged token is refused as S3 does, not answered with a server error.
    await expect(
      s3.send(
        new ListObjectsV2Command({
          Bucket: 'jiandu-data',
          ContinuationToken: Buffer.alloc(40, 7).toString('base64'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('turns an upload under uploads/ into one execution with the EventBridge event as input', async () => {
    const before = platform.executions().length;
    const key = 'uploads/civil-affairs/subsidy_payments/2018年7月 农村低保+补发.csv';
    const body = Buffer.from('姓名,身份证号,金额\n', 'utf8');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'jiandu-uploads', Key: key, Body: body }));
    await platform.waitForIdle(20_000);

    const executions = newExecutions(platform, before);
    expect(executions).toHaveLength(1);
    const [execution] = executions as [ExecutionRecord];
    expect(execution.status).toBe('SUCCEEDED');
    expect(keyShape(execution.input)).toEqual(keyShape(objectCreatedSample));
    expect(execution.input).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::jiandu-uploads'],
      detail: {
        bucket: { name: 'jiandu-uploads' },
        object: { key, size: body.length, etag: put.ETag?.replace(/"/g, '') },
        reason: 'PutObject',
      },
    });
    expect(execution.input.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The ASL handed Normalize the bucket, the key exactly as stored (EventBridge doesn't
    // URL-encode it) and the event time.
    const normalize = fakes.calls.filter((call) => call.task === 'Normalize').at(-1);
    expect(normalize?.input).toEqual({ bucket: 'jiandu-uploads', key, eventTime: execution.input.time });
    // A registered upload marks its kind pending: the burst's collision runs later, once.
    const recorded = fakes.calls.filter((call) => call.task === 'RecordPending').at(-1);
    expect(recorded?.input).toEqual({ versionId: `v-${key}`, kinds: ['subsidy_payments'] });
    expect(execution.output).toMatchObject({
      version: { outcome: 'registered', kind: 'subsidy_payments' },
      pending: { kinds: ['subsidy_payments'] },
    });
    expect(execution.startedAt && execution.stoppedAt).toBeTruthy();
  });

  it('ignores objects outside uploads/ and objects in other buckets', async () => {
    const before = platform.executions().length;
    await s3.send(
      new PutObjectCommand({ Bucket: 'jiandu-uploads', Key: 'staging/civil-affairs/x.csv', Body: 'a' }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: 'jiandu-data', Key: 'uploads/civil-affairs/x/y.csv', Body: 'a' }),
    );
    await platform.waitForIdle(20_000);
    expect(newExecutions(platform, before)).toEqual([]);
  });

  it('starts an execution for a copy into uploads/ too, with size and ETag filled in', async () => {
    const before = platform.executions().length;
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'jiandu-uploads',
        Key: 'uploads/police/death_records/deaths.csv',
        CopySource: 'jiandu-uploads/staging/civil-affairs/x.csv',
      }),
    );
    await platform.waitForIdle(20_000);
    const [execution] = newExecutions(platform, before);
    expect(execution?.input).toMatchObject({
      detail: { object: { key: 'uploads/police/death_records/deaths.csv', size: 1 }, reason: 'CopyObject' },
    });
    expect(execution?.input.source === 'aws.s3' && execution.input.detail.object.etag).toMatch(
      /^[0-9a-f]{32}$/,
    );
  });

  it('runs executions one at a time in upload order and records failures', async () => {
    const before = platform.executions().length;
    const keys = ['a', 'unreadable', 'c'].map((name) => `uploads/hrss/social_insurance/${name}.csv`);
    await Promise.all(
      keys.map((key) => s3.send(new PutObjectCommand({ Bucket: 'jiandu-uploads', Key: key, Body: key }))),
    );
    await platform.waitForIdle(20_000);
    const executions = newExecutions(platform, before);
    expect(executions).toHaveLength(3);
    expect(fakes.maxActive()).toBe(1);
    // One at a time: each starts after the previous one stopped.
    for (let i = 1; i < executions.length; i += 1) {
      expect(Date.parse(executions[i]?.startedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(executions[i - 1]?.stoppedAt ?? ''),
      );
    }
    const byKey = new Map(
      executions.map((e) => [e.input.source === 'aws.s3' ? e.input.detail.object.key : '', e] as const),
    );
    expect(byKey.get(keys[1] ?? '')).toMatchObject({ status: 'FAILED', error: { error: 'FileRejected' } });
    expect(byKey.get(keys[0] ?? '')?.status).toBe('SUCCEEDED');
    expect(byKey.get(keys[2] ?? '')?.status).toBe('SUCCEEDED');
  });
});

describe('local platform restart and schedules', () => {
  let dataDir: string;
  let platform: Platform | undefined;

  // Created here, not at collection time, so a filtered run leaves no folder behind.
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-restart-'));
  });

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps objects and items across a restart, and fires scheduled executions', async () => {
    const first = await startPlatform(baseOptions(dataDir, fakeHandlers()));
    platform = first;
    const firstClients = clients(first);
    await firstClients.s3.send(
      new PutObjectCommand({ Bucket: 'jiandu-data', Key: 'versions/kept.json', Body: '{"kept":true}' }),
    );
    await firstClients.dynamodb.send(
      new PutItemCommand({
        TableName: 'jiandu',
        Item: { PK: { S: 'TEST#1' }, SK: { S: 'KEPT' }, note: { S: '保留' } },
      }),
    );
    firstClients.s3.destroy();
    firstClients.dynamodb.destroy();
    const ports = {
      dynamodbPort: Number(new URL(first.dynamodbEndpoint).port),
      s3Port: Number(new URL(first.s3Endpoint).port),
    };
    await first.stop();
    platform = undefined;

    // The Java process is gone: nothing answers on its port any more.
    const probe = new DynamoDBClient({
      endpoint: first.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(probe.send(new ListTablesCommand({}))).rejects.toThrow();
    probe.destroy();

    const fakes = fakeHandlers();
    const second = await startPlatform({
      ...baseOptions(dataDir, fakes),
      ...ports,
      schedules: [{ name: 'EverySecond', expression: '* * * * * *' }],
    });
    platform = second;
    const { s3, dynamodb } = clients(second);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'jiandu-data', Key: 'versions/kept.json' }));
    expect(await object.Body?.transformToString()).toBe('{"kept":true}');
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: 'jiandu', Key: { PK: { S: 'TEST#1' }, SK: { S: 'KEPT' } } }),
    );
    expect(item.Item?.note).toEqual({ S: '保留' });
    s3.destroy();
    dynamodb.destroy();

    const deadline = Date.now() + 10_000;
    while (!second.executions().some((e) => e.status === 'SUCCEEDED') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const scheduled = second.executions().find((e) => e.status === 'SUCCEEDED');
    expect(scheduled).toBeDefined();
    expect(keyShape(scheduled?.input)).toEqual(keyShape(scheduledSample));
    expect(scheduled?.input).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
      resources: ['arn:aws:events:us-east-1:000000000000:rule/jiandu-EverySecond'],
    });
    // A scheduled run skips Normalize and goes straight to the collision.
    expect(fakes.calls[0]).toEqual({
      task: 'PlanCollision',
      input: { trigger: 'Scheduled Event', eventTime: scheduled?.input.time, detail: {} },
    });
    expect(fakes.calls.some((call) => call.task === 'Normalize')).toBe(false);
  }, 120_000); // two starts of DynamoDB Local
});

describe('local platform demo county', () => {
  let dataDir: string;
  let platform: Platform | undefined;

  // Created here, not at collection time, so a filtered run leaves no folder behind.
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-demo-'));
  });

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const file = (department: string, kind: string, fileName: string): DemoFile => ({
    department,
    kind,
    fileName,
    body: new TextEncoder().encode(`${kind}\n`),
  });
  // Deliberately not in dependency order: the platform must upload the references first.
  const files = [
    file('civil-affairs', 'subsidy_payments', '2018-07.csv'),
    file('police', 'death_records', 'deaths.csv'),
    file('township-001', 'village_finance', 'finance.xlsx'),
    file('police', 'household_registry', 'hukou.csv'),
    file('civil-affairs', 'divisions', 'divisions.csv'),
  ];

  it('uploads the demo county once, reference datasets first, through the event path', async () => {
    let generated = 0;
    const demo = () => {
      generated += 1;
      return { files };
    };
    const first = await startPlatform({ ...baseOptions(dataDir, fakeHandlers()), empty: false, demo });
    platform = first;
    await first.waitForIdle(30_000);
    const keys = first
      .executions()
      .map((e) => (e.input.source === 'aws.s3' ? e.input.detail.object.key : ''));
    expect(keys).toEqual([
      'uploads/civil-affairs/divisions/divisions.csv',
      'uploads/police/household_registry/hukou.csv',
      'uploads/police/death_records/deaths.csv',
      // Upload rank (the kind registry): village books before payments.
      'uploads/township-001/village_finance/finance.xlsx',
      'uploads/civil-affairs/subsidy_payments/2018-07.csv',
    ]);
    expect(first.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
    expect(existsSync(join(dataDir, DEMO_MARKER))).toBe(true);
    const ports = {
      dynamodbPort: Number(new URL(first.dynamodbEndpoint).port),
      s3Port: Number(new URL(first.s3Endpoint).port),
    };
    await first.stop();

    const second = await startPlatform({
      ...baseOptions(dataDir, fakeHandlers()),
      ...ports,
      empty: false,
      demo,
    });
    platform = second;
    await second.waitForIdle(30_000);
    expect(second.executions()).toEqual([]);
    expect(generated).toBe(1);
  }, 120_000); // two starts of DynamoDB Local
});
