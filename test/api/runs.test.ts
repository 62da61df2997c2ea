/**
 * Failed workflow executions over the API: listed with the reason in Chinese and redriven,
 * through the real Step Functions adapter against the local Step Functions API (the same
 * `RedriveExecution` the deployed API calls), over the local interpreter of the real ASL.
 */
import type { Server } from 'node:http';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type ApiDeps, createApp } from '@jiandu/api';
import { objectCreatedEvent, scheduledEvent } from '@jiandu/local/events';
import { ExecutionQueue } from '@jiandu/local/executions';
import { S3RVER_CREDENTIALS } from '@jiandu/local/s3';
import { LOCAL_STATE_MACHINE_ARN, serveSfnApi } from '@jiandu/local/sfn-api';
import { createWorkflow, type TaskHandlers } from '@jiandu/local/workflow';
import { StepFunctionsExecutions } from '@jiandu/store';
import type { MemoryAuditLog } from '@jiandu/store/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';

const calls = {
  Normalize: 0,
  RecordPending: 0,
  PlanCollision: 0,
  MatchShard: 0,
  ScoreAndStore: 0,
  SyncDisclosure: 0,
};
/** RecordPending (the upload's step after Normalize) fails with a bug-like error on its first call only. */
let pendingFails = true;
/** The nightly run's disclosure sync fails beside the collision and once more after it, then works. */
let syncFailures = 2;

const handlers: TaskHandlers = {
  Normalize: async (input) => {
    calls.Normalize += 1;
    const key = (input as { key: string }).key;
    const outcome = key.includes('bad') ? 'rejected' : 'registered';
    return {
      outcome,
      versionId: 'v-1',
      department: 'police',
      kind: 'death_records',
      kinds: ['death_records'],
      accepted: 1,
      rejected: 0,
    };
  },
  RecordPending: async () => {
    calls.RecordPending += 1;
    if (pendingFails) {
      pendingFails = false;
      throw new TypeError("Cannot read properties of undefined (reading 'kinds')");
    }
    return { kinds: ['death_records'], revision: 1, lastMarkedAt: '2024-03-01T00:00:00.000Z' };
  },
  PlanCollision: async () => {
    calls.PlanCollision += 1;
    return { runId: 'r-1', manifestKey: 'm', shards: [{ runId: 'r-1', manifestKey: 'm', shard: 0 }] };
  },
  MatchShard: async () => {
    calls.MatchShard += 1;
    return { shard: 0, findingsKey: 'f', findings: 0 };
  },
  ScoreAndStore: async () => {
    calls.ScoreAndStore += 1;
    return { runId: 'r-1', leadsNew: 0, leadsUpdated: 0, leadsUnchanged: 0, leadsSuperseded: 0, findings: 0 };
  },
  SyncDisclosure: async () => {
    calls.SyncDisclosure += 1;
    if (syncFailures > 0) {
      syncFailures -= 1;
      const error = new Error('ValidationException: Item size has exceeded the maximum allowed size');
      error.name = 'DisclosureSyncFailed';
      throw error;
    }
    return { unitsAdded: 3, unitsRemoved: 0 };
  },
};

const queue = new ExecutionQueue(createWorkflow(handlers), () => undefined);
let server: Server;
let app: ReturnType<typeof createApp>;
let deps: ApiDeps;
const INSPECTOR = { authorization: 'Bearer inspector' };
const OFFICER = { authorization: 'Bearer officer' };

async function idle(): Promise<void> {
  while (queue.busy()) await new Promise((r) => setTimeout(r, 10));
}

const upload = (key: string) =>
  objectCreatedEvent({
    bucket: 'jiandu-uploads',
    key,
    size: 1,
    etag: 'e',
    time: new Date('2024-03-01T00:00:00Z'),
  });

beforeAll(async () => {
  const sfn = await serveSfnApi(queue, 0);
  server = sfn.server;
  const client = new SFNClient({
    endpoint: sfn.endpoint,
    region: 'cn-north-1',
    credentials: S3RVER_CREDENTIALS,
  });
  deps = memoryApiDeps({
    executions: new StepFunctionsExecutions(client, LOCAL_STATE_MACHINE_ARN),
    authenticator: principalsAuthenticator({
      inspector: { subject: 'u1', name: '检查员', roles: ['inspector'] },
      officer: {
        subject: 'u2',

        name: '乡镇',
        roles: ['township_officer'],
        township: '青山镇',
      },
    }),
  });
  app = createApp(deps);
  queue.enqueue(upload('uploads/police/death_records/2024年3月.csv'), 'upload-march');
  queue.enqueue(upload('uploads/police/death_records/bad.csv'), 'upload-bad');
  queue.enqueue(scheduledEvent('jiandu-NightlyCollision', new Date('2024-03-02T00:00:00Z')), 'nightly');
  await idle();
});

afterAll(async () => {
  await queue.stop();
  server.closeAllConnections();
  server.close();
});

describe('failed workflow executions', () => {
  it('lists them newest first with the reason in Chinese, the file, and whether a redrive can help', async () => {
    const response = await app.request('/api/v1/runs/failed', { headers: INSPECTOR });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Record<string, unknown>[] };
    expect(items.map((i) => i.id)).toEqual(['nightly', 'upload-bad', 'upload-march']);
    // The nightly run stored its leads; its disclosure sync failed beside the collision and after it.
    expect(items[0]).toMatchObject({
      trigger: 'Scheduled Event',
      error: 'DisclosureSyncFailed',
      detail: expect.stringContaining('Item size'),
      reason: expect.stringContaining('公示数据同步失败（线索已入库'),
      redrivable: true,
    });
    expect(calls).toMatchObject({ ScoreAndStore: 1, SyncDisclosure: 2 });
    expect(items[1]).toMatchObject({
      trigger: 'Object Created',
      file: 'uploads/police/death_records/bad.csv',
      error: 'FileRejected',
      reason: expect.stringContaining('文件无法按其数据类型读取'),
      redrivable: false,
      redriveCount: 0,
    });
    expect(items[2]).toMatchObject({
      file: 'uploads/police/death_records/2024年3月.csv',
      error: 'TypeError',
      detail: expect.stringContaining('kinds'),
      reason: '处理步骤出错；请查看详情，排除原因后重新驱动',
      redrivable: true,
    });
  });

  it('is for county staff only', async () => {
    expect((await app.request('/api/v1/runs/failed', { headers: OFFICER })).status).toBe(403);
    expect(
      (await app.request('/api/v1/runs/failed/upload-march/redrive', { method: 'POST', headers: OFFICER }))
        .status,
    ).toBe(403);
  });

  it('refuses to redrive a rejected file or an unknown execution, in Chinese', async () => {
    const rejected = await app.request('/api/v1/runs/failed/upload-bad/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(rejected.status).toBe(409);
    expect(((await rejected.json()) as { error: { message: string } }).error.message).toContain(
      '无法重新驱动',
    );
    const unknown = await app.request('/api/v1/runs/failed/no-such-run/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(unknown.status).toBe(404);
    const bad = await app.request('/api/v1/runs/failed/..%2F..%2Fx/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(bad.status).toBe(400);
  });

  it('redrives from the step that failed: the file is not read again, the run completes', async () => {
    const before = { ...calls };
    const response = await app.request('/api/v1/runs/failed/upload-march/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id: 'upload-march', redrivenAt: expect.any(String) });
    await idle();
    const record = queue.records().find((r) => r.id === 'upload-march');
    expect(record).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    // On the audit log before anything runs: who asked to redrive which execution (refused attempts too).
    const audit = (deps.workflow.audit as MemoryAuditLog).entries().filter((e) => e.action === 'run.redrive');
    expect(audit.map((e) => [e.actor, e.target.executionId])).toEqual([
      ['u1', 'upload-bad'],
      ['u1', 'no-such-run'],
      ['u1', 'upload-march'],
    ]);
    expect(calls.Normalize).toBe(before.Normalize);
    expect(calls.RecordPending).toBe(before.RecordPending + 1);
    const { items } = (await (await app.request('/api/v1/runs/failed', { headers: INSPECTOR })).json()) as {
      items: { id: string }[];
    };
    expect(items.map((i) => i.id)).toEqual(['nightly', 'upload-bad']);
    // Succeeded now: a second redrive is refused.
    const again = await app.request('/api/v1/runs/failed/upload-march/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(again.status).toBe(409);
  });

  it('redrives a failed disclosure sync alone: the collision is not run again, the projections catch up', async () => {
    const before = { ...calls };
    const response = await app.request('/api/v1/runs/failed/nightly/redrive', {
      method: 'POST',
      headers: INSPECTOR,
    });
    expect(response.status).toBe(202);
    await idle();
    const record = queue.records().find((r) => r.id === 'nightly');
    expect(record).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(record?.output).toMatchObject({ runId: 'r-1', leadsNew: 0, disclosure: { unitsAdded: 3 } });
    expect(calls).toEqual({ ...before, SyncDisclosure: before.SyncDisclosure + 1 });
    const { items } = (await (await app.request('/api/v1/runs/failed', { headers: INSPECTOR })).json()) as {
      items: { id: string }[];
    };
    expect(items.map((i) => i.id)).toEqual(['upload-bad']);
  });
});
