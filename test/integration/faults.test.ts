/**
 * Fault injection on the local platform (issue 13 "Faults", issue 10 "Transient faults don't
 * lose work"): the real functions, DynamoDB Local, s3rver and the deployed ASL, with faults
 * switched on only here (`faults: true`). Every case loads the same small county and must
 * end with the same versions, rows and leads as one clean run — nothing lost, nothing
 * doubled — and a run that failed for good is visible (API and CLI) and re-drivable.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type DemoFile, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import { ENDPOINT_FILE } from '@jiandu/local/endpoint-file';
import type { FaultPlan } from '@jiandu/local/faults';
import { type Platform, type PlatformOptions, startPlatform } from '@jiandu/local/platform';
import { createS3Client, S3RVER_CREDENTIALS } from '@jiandu/local/s3';
import { shardKey } from '@jiandu/pipeline/shards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A small county: 21 files of every kind, two months of payments.
const COUNTY = generateDemoCounty({ persons: 100, seed: 11, months: 2 });
const FILES = demoFilesInUploadOrder(COUNTY.files);
const REGISTRY = FILES.find((f) => f.kind === 'household_registry') as DemoFile;
/** A newer registry snapshot: the same file less its last person (a snapshot replaces the older one). */
const REGISTRY_V2: DemoFile = {
  ...REGISTRY,
  fileName: REGISTRY.fileName.replace('20230101', '20230301'),
  body: (() => {
    const lines = new TextDecoder().decode(REGISTRY.body).trimEnd().split('\n');
    return new TextEncoder().encode(`${lines.slice(0, -1).join('\n')}\n`);
  })(),
};

/** Every case runs on its own platform; all share the master secret, so lead ids are comparable. */
const dirs: string[] = [];
let secretFile: string | undefined;

async function platformFor(options: Partial<PlatformOptions> = {}): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jiandu-faults-'));
  dirs.push(dataDir);
  if (secretFile) {
    mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
    copyFileSync(secretFile, join(dataDir, 'secrets', 'platform-secret'));
  } else {
    secretFile = join(dataDir, 'secrets', 'platform-secret');
  }
  return startPlatform({
    dataDir,
    port: 0,
    quiet: true,
    empty: true,
    schedules: [],
    jobSchedules: [],
    faults: true,
    ...options,
  });
}

const put = (s3: S3Client, platform: Platform, file: DemoFile) =>
  s3.send(
    new PutObjectCommand({ Bucket: platform.buckets.upload, Key: demoUploadKey(file), Body: file.body }),
  );

/**
 * Load the county as departments do (each file dropped into the upload bucket): the files one
 * by one, or the divisions first and then the other twenty at once; then — once those are
 * done — the newer registry snapshot.
 *
 * Divisions go first either way, as the CLI sends them (a file read before them would be read
 * again once they arrive, which this test does not set out to exercise).
 */
async function loadCounty(platform: Platform, s3: S3Client, mode: 'one by one' | 'at once' = 'one by one') {
  if (mode === 'at once') {
    const [divisions, ...others] = FILES;
    await put(s3, platform, divisions as DemoFile);
    await Promise.all(others.map((f) => put(s3, platform, f)));
  } else {
    for (const f of FILES) await put(s3, platform, f);
  }
  await platform.waitForIdle(180_000);
  await put(s3, platform, REGISTRY_V2);
  await platform.waitForIdle(60_000);
}

async function apiGet(platform: Platform, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${platform.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${platform.inspectorToken}` },
  });
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** Every item of a paginated list route (`cursor`). */
async function all(platform: Platform, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page = await apiGet(platform, `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...(page.items as Record<string, unknown>[]));
    cursor = (page.cursor as string | null) ?? null;
  } while (cursor);
  return items;
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/**
 * The end state in comparable form: each version (status, rows per shard, quality counts),
 * the rows themselves (a hash of every shard object of every version), and the leads in
 * force (everything but timestamps). Sorted, so arrival order does not matter.
 */
async function endState(platform: Platform, s3: S3Client) {
  const versions = await all(platform, '/api/v1/versions?limit=100');
  const rows: string[] = [];
  for (const v of versions) {
    const shardRows = v.shardRows as number[];
    for (const [shard, count] of shardRows.entries()) {
      if (count === 0) continue;
      const object = await s3.send(
        new GetObjectCommand({ Bucket: platform.buckets.data, Key: shardKey(v.versionId as string, shard) }),
      );
      rows.push(
        `${v.versionId}/${shard}:${count}:${sha(await (object.Body?.transformToByteArray() ?? new Uint8Array()))}`,
      );
    }
  }
  const leads = await all(platform, '/api/v1/leads?minScore=0&limit=100');
  return {
    versions: versions
      .map((v) => {
        const quality = v.quality as { accepted?: number; rejected?: number } | undefined;
        return [
          v.versionId,
          v.department,
          v.kind,
          v.fileName,
          v.status,
          (v.shardRows as number[]).join(' '),
          quality?.accepted,
          quality?.rejected,
        ].join('|');
      })
      .sort(),
    rows: rows.sort(),
    leads: leads
      .map((l) =>
        [
          l.leadId,
          l.rule,
          l.subject,
          l.idNumber,
          l.township,
          l.village,
          l.amount,
          l.score,
          l.match,
          l.status,
          l.evidenceCount,
        ].join('|'),
      )
      .sort(),
  };
}
type EndState = Awaited<ReturnType<typeof endState>>;

let clean: EndState;

beforeAll(async () => {
  // The clean run: the same platform (fault proxies in place, no fault planned).
  const platform = await platformFor();
  const s3 = createS3Client(platform.s3Endpoint);
  try {
    await loadCounty(platform, s3);
    clean = await endState(platform, s3);
    expect(platform.executions().filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
  } finally {
    s3.destroy();
    await platform.stop();
  }
}, 240_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the clean run', () => {
  it('has every file as a version, rows in shards and leads of several rules', () => {
    expect(clean.versions).toHaveLength(FILES.length + 1);
    expect(clean.versions.filter((v) => v.includes('|superseded|') || v.includes('|replaced|'))).toHaveLength(
      1,
    );
    expect(clean.rows.length).toBeGreaterThan(FILES.length);
    expect(new Set(clean.leads.map((l) => l.split('|')[1])).size).toBeGreaterThanOrEqual(4);
  });
});

/** Run one case on a fresh platform: `act` loads the county under faults; the end state must be the clean one. */
async function faultCase(
  act: (platform: Platform, s3: S3Client) => Promise<void>,
  options: Partial<PlatformOptions> = {},
): Promise<Platform> {
  const platform = await platformFor(options);
  const s3 = createS3Client(platform.s3Endpoint);
  try {
    await act(platform, s3);
    expect(await endState(platform, s3)).toEqual(clean);
    return platform;
  } finally {
    s3.destroy();
    await platform.stop();
  }
}

const inject = (platform: Platform, plan: FaultPlan) => {
  expect(platform.faults).toBeDefined();
  platform.faults?.inject(plan);
};

describe('transient faults: retried, nothing lost, nothing doubled', () => {
  it('every task throwing once after its work, a task timing out, resets and throttling in the adapters; then every S3 event again', async () => {
    await faultCase(
      async (platform, s3) => {
        inject(platform, {
          tasks: [
            { task: 'Normalize', kind: 'throw', error: 'transient' },
            { task: 'PlanCollision', kind: 'hang', ms: 6_000 },
            { task: 'MatchShard', kind: 'throw', error: 'transient' },
            { task: 'ScoreAndStore', kind: 'throw', error: 'transient' },
            { task: 'PlanCollision', kind: 'throw', error: 'transient', when: 'before' },
            { task: 'SyncDisclosure', kind: 'throw', error: 'transient' },
          ],
          services: [
            // Absorbed by the SDK's own retries.
            { service: 'dynamodb', kind: 'reset', match: 'PutItem|UpdateItem|Query', times: 2 },
            // More than the SDK's four attempts: the task surfaces a TransientError, the workflow retries it.
            {
              service: 'dynamodb',
              kind: 'throttle',
              match: 'BatchWriteItem|PutItem|TransactWriteItems',
              times: 5,
            },
            { service: 's3', kind: 'reset', match: '^GET /jiandu-data/versions/[^/]+/shards/', times: 4 },
            { service: 's3', kind: 'throttle', match: '^PUT /jiandu-data/', times: 2 },
          ],
        });
        await loadCounty(platform, s3);
        expect(platform.faults?.counts()).toEqual({ tasks: [1, 1, 1, 1, 1, 1], services: [2, 5, 4, 2] });
        // Retried by the SDK and the workflow: no execution failed.
        expect(platform.executions().filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
        platform.faults?.clear();

        // EventBridge delivers at least once: every upload's event again, as a new execution.
        const uploads = platform.executions().filter((e) => e.input.source === 'aws.s3');
        expect(uploads).toHaveLength(FILES.length + 1);
        const sfn = new SFNClient({
          endpoint: platform.sfnEndpoint,
          region: 'cn-north-1',
          credentials: S3RVER_CREDENTIALS,
        });
        for (const e of uploads) {
          await sfn.send(
            new StartExecutionCommand({
              stateMachineArn: platform.stateMachineArn,
              input: JSON.stringify(e.input),
            }),
          );
        }
        sfn.destroy();
        await platform.waitForIdle(60_000);
        const again = platform.executions().slice(-uploads.length);
        expect(
          again.map((e) => [e.status, (e.output as { version?: { outcome?: string } })?.version?.outcome]),
        ).toEqual(uploads.map(() => ['SUCCEEDED', 'duplicate']));
      },
      { taskTimeoutSeconds: { PlanCollision: 5 } },
    );
  }, 240_000);
});

describe('twenty uploads at once, one of them failing for good', () => {
  it('is listed with its reason (API and CLI), and redriving it — after a newer snapshot arrived — reaches the clean end state', async () => {
    await faultCase(async (platform, s3) => {
      // The older registry's run fails for good (not a transient error), so the newer one arrives first.
      inject(platform, {
        tasks: [
          { task: 'Normalize', kind: 'throw', error: 'fatal', when: 'before', match: REGISTRY.fileName },
        ],
      });
      expect(FILES.length - 1).toBeGreaterThanOrEqual(20);
      await loadCounty(platform, s3, 'at once');
      expect(platform.faults?.counts().tasks).toEqual([1]);

      const failed = platform.executions().filter((e) => e.status === 'FAILED');
      expect(failed).toHaveLength(1);
      const registryRun = failed[0] as { id: string; summary: string };
      expect(registryRun.summary).toContain(demoUploadKey(REGISTRY));

      // Visible over the API, with the reason in Chinese.
      const listed = (await apiGet(platform, '/api/v1/runs/failed')).items as Record<string, unknown>[];
      expect(listed.map((i) => i.id).sort()).toEqual(failed.map((e) => e.id).sort());
      expect(listed.find((i) => i.id === registryRun.id)).toMatchObject({
        file: demoUploadKey(REGISTRY),
        redrivable: true,
        reason: expect.stringMatching(/[\u4e00-\u9fff]/),
        detail: expect.stringContaining('注入的故障'),
      });

      // … and over the CLI, which redrives them.
      const endpointFile = join(dirs.at(-1) as string, ENDPOINT_FILE);
      const list = await runCli(['runs', 'failed', '--endpoint-file', endpointFile]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('失败的处理流程 1 个');
      expect(list.stdout).toContain(REGISTRY.fileName);
      expect(list.stdout).toContain(`npm run cli -- runs redrive ${registryRun.id}`);
      for (const e of failed) {
        const redrive = await runCli(['runs', 'redrive', e.id, '--endpoint-file', endpointFile]);
        expect(redrive.code, redrive.stderr).toBe(0);
        expect(redrive.stdout).toContain(`已重新驱动 ${e.id}`);
        await platform.waitForIdle(60_000);
      }
      expect(platform.executions().filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
      const after = await runCli(['runs', 'failed', '--endpoint-file', endpointFile]);
      expect(after.stdout).toContain('没有失败的处理流程');
    });
  }, 180_000);
});

describe('a disclosure sync failing for good', () => {
  it('leaves the leads stored, fails only its own step visibly, and a redrive through the CLI syncs', async () => {
    await faultCase(async (platform, s3) => {
      // Beside the collision and once more after it: the first run's sync fails for good.
      inject(platform, {
        tasks: [{ task: 'SyncDisclosure', kind: 'throw', error: 'fatal', when: 'before', times: 2 }],
      });
      await loadCounty(platform, s3);
      expect(platform.faults?.counts().tasks).toEqual([2]);

      const failed = platform.executions().filter((e) => e.status !== 'SUCCEEDED');
      expect(failed).toHaveLength(1);
      const run = failed[0] as (typeof failed)[number];
      expect(run.failedAt).toMatchObject({ state: 'SyncDisclosureAgain', type: 'Task' });
      // The collision beside it was not stopped: the leads are the clean run's.
      expect((await endState(platform, s3)).leads).toEqual(clean.leads);

      const listed = (await apiGet(platform, '/api/v1/runs/failed')).items as Record<string, unknown>[];
      expect(listed).toEqual([
        expect.objectContaining({
          id: run.id,
          redrivable: true,
          detail: expect.stringContaining('注入的故障'),
        }),
      ]);
      const endpointFile = join(dirs.at(-1) as string, ENDPOINT_FILE);
      const redrive = await runCli(['runs', 'redrive', run.id, '--endpoint-file', endpointFile]);
      expect(redrive.code, redrive.stderr).toBe(0);
      await platform.waitForIdle(60_000);
      // Only the sync ran again: the run's output is the collision's summary and the sync's figures.
      const redriven = platform.executions().find((e) => e.id === run.id);
      expect(redriven).toMatchObject({
        status: 'SUCCEEDED',
        redriveCount: 1,
        output: { runId: expect.any(String), disclosure: { seconds: expect.any(Number) } },
      });
      expect(platform.executions().filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
      expect((await endState(platform, s3)).leads).toEqual(clean.leads);
    });
  }, 180_000);
});
