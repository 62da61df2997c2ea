/**
 * A department's data on the real local platform (DynamoDB Local, s3rver, the deployed ASL,
 * the real handlers, the HTTP API with the local issuer's tokens): upload, list its versions,
 * download rejects, replace a version through a presigned URL, withdraw it (its leads are
 * superseded with the reason), re-upload the same bytes and repeat the same S3 event — and
 * the versions, rows and leads are exactly right. Then the progress board and the
 * scheduled lateness check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Lead } from '@jiandu/domain/model';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { createS3Client } from '@jiandu/local/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { captureLogLines, piiIn } from '../support/pii-scan.js';

// 甲 dies 2023-02-10 and is paid through June (R01: April–June); 乙 is alive. 丙's ID is broken.
const JIA = testId('1950-03-01', 11);
const YI = testId('1960-12-31', 33);
const BROKEN = '43119919500301001';

const divisions = [
  '区划代码,名称,级别,上级区划代码',
  '431199000000,青山县,县,',
  '431199100000,青山镇,乡镇,431199000000',
  '431199100201,红星村,村,431199100000',
  '431199100202,白沙村,村,431199100000',
].join('\n');
const registry = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王建国,男,H001,户主,青山镇,红星村委会`,
  `${YI},张伟,男,H003,户主,青山镇,白沙村`,
].join('\n');
const deaths = ['身份证号,姓名,死亡日期,数据来源', `${JIA},王建国,2023/2/10,公安注销`].join('\n');

/** Payments by village code (resolved through the divisions), 甲 up to `lastMonth`. */
function payments(lastMonth: string): string {
  const months = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'];
  const rows = months.flatMap((m) => [
    ...(m <= lastMonth ? [`农村低保,王建国,${JIA},431199100000,431199100201,"1,200.00",${m}-05`] : []),
    `农村低保,张伟,${YI},431199100000,431199100202,800,${m}-05`,
  ]);
  return [
    'xx县2023年上半年农村低保发放花名册',
    '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
    ...rows,
    `农村低保,李四,${BROKEN},431199100000,431199100202,800,2023-06-05`,
    '合计,,,,,,',
  ].join('\n');
}

type VersionView = DatasetVersion & { links: { rejects: string | null } };

describe('department data on the local platform', () => {
  let dataDir: string;
  let platform: Platform;
  let s3: S3Client;
  let civil: string;
  let police: string;
  const firstPayments = payments('2023-06');
  const correctedPayments = payments('2023-05');
  let original: VersionView;

  const call = async (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${platform.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
  const get = async <T>(token: string, path: string): Promise<T> => {
    const res = await call(token, path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: platform.buckets.upload, Key: key, Body: body }));
  const versions = async (token: string, query = '') =>
    (await get<{ items: VersionView[] }>(token, `/api/v1/versions${query}`)).items;
  const r01Leads = async (): Promise<Lead[]> => {
    const list = await get<{ items: { leadId: string }[] }>(
      platform.inspectorToken,
      '/api/v1/leads?rule=R01&includeSuperseded=true&minScore=0&limit=100',
    );
    return Promise.all(
      list.items.map((l) => get<Lead>(platform.inspectorToken, `/api/v1/leads/${l.leadId}`)),
    );
  };

  // The PII scan: every log line the handlers write while the pipeline runs (at INFO).
  const logs = captureLogLines();
  const platformLines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-datasets-'));
    platform = await startPlatform({
      dataDir,
      port: 0,
      empty: true,
      // Not quiet: the functions' log lines must reach this process's stdout for the scan
      // below (quiet sends them only to the run's PII journal file).
      logLevel: 'INFO',
      log: (line) => platformLines.push(line),
      jobSchedules: [],
      // The functions' configuration, as the stack sets it: village finance is owed by one township.
      functionSettings: {
        CADENCE_CONFIG: JSON.stringify({ village_finance: { departments: ['township-431199100'] } }),
      },
    });
    s3 = createS3Client(platform.s3Endpoint);
    civil = await platform.tokenFor('civil-affairs');
    police = await platform.tokenFor('police');
    // Reference data first, one at a time, so every file sees the divisions.
    await put('uploads/civil-affairs/divisions/区划.csv', divisions);
    await platform.waitForIdle();
    // One at a time too: executions overlap, and the listing below is in upload order.
    await put('uploads/police/household_registry/户籍.csv', registry);
    await platform.waitForIdle();
    await put('uploads/police/death_records/死亡.csv', deaths);
    await platform.waitForIdle();
    await put('uploads/civil-affairs/subsidy_payments/2023H1.csv', firstPayments);
    await platform.waitForIdle();
  }, 180_000);

  afterAll(async () => {
    logs.restore();
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists a department's own versions with quality reports, and nobody else's", async () => {
    const own = await versions(civil);
    expect(own.map((v) => `${v.kind}:${v.status}`)).toEqual(['divisions:active', 'subsidy_payments:active']);
    original = own[1] as VersionView;
    expect(original.quality).toMatchObject({ rowsRead: 13, accepted: 12, rejected: 1 });
    expect(original.history).toEqual([
      expect.objectContaining({ action: 'registered', by: 'civil-affairs' }),
    ]);
    expect((await versions(police)).map((v) => v.kind)).toEqual(['household_registry', 'death_records']);
    expect((await call(police, `/api/v1/versions/${original.versionId}`)).status).toBe(404);
    expect((await call(civil, '/api/v1/versions?department=police')).status).toBe(403);
  });

  it('downloads the rejects file with the original row and the reason', async () => {
    const res = await call(civil, original.links.rejects ?? 'missing');
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('行号');
    expect(lines[1]).toContain(BROKEN);
  });

  it('resolves village codes through the divisions and finds the deceased recipient', async () => {
    const [lead, ...others] = await r01Leads();
    expect(others).toEqual([]);
    expect(lead).toMatchObject({ subjectKey: `${JIA}|DIBAO_RURAL`, amount: 3 * 1200, status: 'new' });
    expect(lead?.village).toBe('红星村');
    expect(lead?.township).toBe('青山镇');
  });

  it('replaces a version through a presigned URL, recording who asked and why', async () => {
    const res = await call(civil, '/api/v1/uploads', {
      method: 'POST',
      body: JSON.stringify({
        kind: 'subsidy_payments',
        fileName: '2023H1-更正.csv',
        size: Buffer.byteLength(correctedPayments),
        replaces: original.versionId,
        reason: '6月名单有误',
      }),
    });
    expect(res.status).toBe(201);
    const ticket = (await res.json()) as {
      url: string;
      key: string;
      method: string;
      headers: Record<string, string>;
    };
    expect(ticket.key).toBe('uploads/civil-affairs/subsidy_payments/2023H1-更正.csv');
    expect(ticket.headers).toEqual({
      'If-None-Match': '*',
      'Content-Length': String(Buffer.byteLength(correctedPayments)),
    });
    // fetch sets Content-Length from the body itself.
    const upload = await fetch(ticket.url, {
      method: ticket.method,
      headers: { 'If-None-Match': ticket.headers['If-None-Match'] as string },
      body: correctedPayments,
    });
    expect(upload.status).toBe(200);
    await platform.waitForIdle();

    const all = await versions(civil, '?kind=subsidy_payments');
    expect(all.map((v) => v.status)).toEqual(['replaced', 'active']);
    const [old, fresh] = all as [VersionView, VersionView];
    expect(old.replacedBy).toBe(fresh.versionId);
    expect(old.history.map((e) => [e.action, e.by, e.reason])).toEqual([
      ['registered', 'civil-affairs', undefined],
      ['replacement_requested', 'local-civil-affairs', '6月名单有误'],
      ['replaced', 'local-civil-affairs', '6月名单有误'],
    ]);
    expect(fresh.history[0]).toMatchObject({
      action: 'registered',
      by: 'local-civil-affairs',
      byName: '县民政局数据员',
      replacement: original.versionId,
    });
    expect(fresh.quality).toMatchObject({ rowsRead: 12, accepted: 11, rejected: 1 });

    const [lead] = await r01Leads();
    expect(lead).toMatchObject({ status: 'new', amount: 2 * 1200 });
    expect(
      new Set(lead?.evidence.filter((e) => e.kind === 'subsidy_payments').map((e) => e.versionId)),
    ).toEqual(new Set([fresh.versionId]));
  });

  it('withdraws a version with a reason; its leads are superseded with that reason', async () => {
    const [, fresh] = (await versions(civil, '?kind=subsidy_payments')) as [VersionView, VersionView];
    const before = platform.executions().length;
    const res = await call(civil, `/api/v1/versions/${fresh.versionId}/withdraw`, {
      method: 'POST',
      body: JSON.stringify({ reason: '发放对象核查中，暂缓使用' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: DatasetVersion; collision: { executionId?: string } };
    expect(body.version.status).toBe('withdrawn');
    expect(body.collision.executionId).toBeTruthy();
    await platform.waitForIdle();

    const run = platform.executions().slice(before);
    expect(run.map((e) => [e.summary, e.status])).toEqual([['Version Withdrawn', 'SUCCEEDED']]);
    const [lead, ...others] = await r01Leads();
    expect(others).toEqual([]);
    expect(lead?.status).toBe('superseded');
    expect(lead?.statusReason).toContain('发放对象核查中，暂缓使用');
    expect(lead?.statusReason).toContain('2023H1-更正.csv');

    const again = await call(civil, `/api/v1/versions/${fresh.versionId}/withdraw`, {
      method: 'POST',
      body: JSON.stringify({ reason: '再次撤回' }),
    });
    expect(again.status).toBe(409);
  });

  it('brings a withdrawn version back when its bytes are uploaded again; further copies change nothing', async () => {
    const key = 'uploads/civil-affairs/subsidy_payments/2023H1-更正.csv';
    const withdrawn = (await versions(civil, '?kind=subsidy_payments')).at(-1) as VersionView;
    expect(withdrawn.status).toBe('withdrawn');
    const executions = platform.executions().length;
    // The department withdrew by mistake and uploads the very same file again, under a new name.
    await put('uploads/civil-affairs/subsidy_payments/2023H1-副本.csv', correctedPayments);
    await platform.waitForIdle();
    const restored = (await versions(civil, '?kind=subsidy_payments')).find(
      (v) => v.versionId === withdrawn.versionId,
    ) as VersionView;
    expect(restored.status).toBe('active');
    expect(restored.history.map((e) => e.action)).toEqual(['registered', 'withdrawn', 'restored']);
    expect(restored.history.at(-1)?.reason).toBe('重新上传了与该版本字节相同的文件 2023H1-副本.csv');
    const [lead, ...others] = await r01Leads();
    expect(others).toEqual([]);
    expect(lead?.status).not.toBe('superseded');

    // Writing the same object again makes s3rver (like S3) emit another Object Created event for
    // the same key and bytes: the version is in force already, so nothing changes. Sequential,
    // because s3rver (unlike S3) does not replace an object atomically while it is being read.
    const before = await versions(civil);
    await put(key, correctedPayments);
    await platform.waitForIdle();
    await put(key, correctedPayments);
    await platform.waitForIdle();
    const runs = platform.executions().slice(executions);
    // The restoring upload, its burst's collision, then two uploads that change nothing (no collision).
    expect(runs.map((e) => [e.input['detail-type'], e.status])).toEqual([
      ['Object Created', 'SUCCEEDED'],
      ['Collision Pending', 'SUCCEEDED'],
      ['Object Created', 'SUCCEEDED'],
      ['Object Created', 'SUCCEEDED'],
    ]);
    const after = await versions(civil);
    expect(after.map((v) => [v.versionId, v.status, v.history.length])).toEqual(
      before.map((v) => [v.versionId, v.status, v.history.length]),
    );
  });

  it('replays the very same S3 event twice without a second version or any lead change', async () => {
    const original = platform.executions().find((e) => e.summary.endsWith('/2023H1.csv'));
    expect(original?.input.source).toBe('aws.s3');
    const before = await versions(civil);
    const leadsBefore = await r01Leads();
    const executions = platform.executions().length;
    // At-least-once delivery: EventBridge hands the state machine the identical event again.
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: platform.sfnEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (let i = 0; i < 2; i++) {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: platform.stateMachineArn,
          input: JSON.stringify(original?.input),
        }),
      );
    }
    sfn.destroy();
    await platform.waitForIdle();

    const replays = platform.executions().slice(executions);
    expect(replays.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(replays.map((e) => (e.output as { version?: { outcome?: string } }).version?.outcome)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect(await versions(civil)).toEqual(before);
    expect(await r01Leads()).toEqual(leadsBefore);
  });

  it('shows the progress board, and the scheduled check flags what is late exactly once', async () => {
    const board = await get<{ items: Record<string, unknown>[] }>(civil, '/api/v1/progress');
    expect(board.items.map((e) => e.kind)).toEqual(['divisions', 'subsidy_payments']);
    // The corrected file, withdrawn and then restored by its re-upload, is the last one received.
    const restored = (await versions(civil, '?kind=subsidy_payments')).find((v) => v.status === 'active');
    expect(board.items[1]).toMatchObject({
      versions: { total: 2, active: 1, replaced: 1, withdrawn: 0, rejected: 0 },
      rowsRead: 25,
      rowsRejected: 2,
      errorRate: 0.08,
      lastVersionId: restored?.versionId,
      overdue: false,
    });

    expect(await platform.runJob('DataLateness')).toMatchObject({ overdue: 1, flagged: 1 });
    expect(await platform.runJob('DataLateness')).toMatchObject({ overdue: 1, flagged: 0, resolved: 0 });
    const late = await get<{ items: Record<string, unknown>[] }>(
      platform.inspectorToken,
      '/api/v1/progress?overdue=true',
    );
    expect(late.items).toEqual([
      expect.objectContaining({
        department: 'township-431199100',
        kind: 'village_finance',
        expected: true,
        lastReceivedAt: null,
        flaggedLateAt: expect.any(String),
      }),
    ]);
  });

  it('reads the payments again when the divisions are withdrawn and restored through the API', async () => {
    const [divisions] = await versions(civil, '?kind=divisions');
    const change = async (action: 'withdraw' | 'restore', reason: string) => {
      const executions = platform.executions().length;
      const res = await call(civil, `/api/v1/versions/${divisions?.versionId}/${action}`, {
        method: 'POST',
        body: JSON.stringify({ reason }),
      });
      expect(res.status).toBe(200);
      await platform.waitForIdle();
      // The re-read, then the burst's collision over what it read again.
      expect(
        platform
          .executions()
          .slice(executions)
          .map((e) => [e.input['detail-type'], e.status]),
      ).toEqual([
        ['Divisions Changed', 'SUCCEEDED'],
        ['Collision Pending', 'SUCCEEDED'],
      ]);
      const active = (await versions(civil, '?kind=subsidy_payments')).find((v) => v.status === 'active');
      expect(active?.history.at(-1)?.action).toBe('resolved');
      const [lead, ...others] = await r01Leads();
      expect(others).toEqual([]);
      return lead;
    };
    // Without divisions the village codes stay codes.
    expect((await change('withdraw', '区划代码待核对'))?.village).not.toBe('红星村');
    expect(await change('restore', '核对无误')).toMatchObject({ village: '红星村', township: '青山镇' });
  });

  it('PII scan: no log line of the pipeline or the API holds an ID number, a name or a phone', () => {
    logs.restore();
    const lines = [...logs.lines(), ...platformLines];
    // The handlers did log at INFO (versions registered, collisions stored).
    expect(lines.some((l) => l.includes('collision stored'))).toBe(true);
    const markers = { names: ['王建国', '张伟'], receiptCodes: [] };
    for (const line of lines) expect(piiIn(line, markers), line.slice(0, 200)).toEqual([]);
    expect(lines.join('\n')).not.toContain(BROKEN);
  });
});
