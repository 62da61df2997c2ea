/**
 * Disclosure on a platform of its own (it withdraws data, so not the shared one): files
 * uploaded through S3 become public rows, totals and finance items exactly; a withdrawal
 * through the API removes them; the personal lookup works over DynamoDB, leaves no raw ID in
 * the table and nothing of the request in the logs; a sync that finds another holding the
 * sync lease waits in the workflow's Retry (the real functions, the real ASL) and runs after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient } from '@jiandu/local/dynamodb';
import { type Platform, startPlatform, type TaskTiming } from '@jiandu/local/platform';
import { createS3Client } from '@jiandu/local/s3';
import { DISCLOSURE_SYNC_LEASE } from '@jiandu/pipeline/disclosure-lease';
import { DynamoLeases } from '@jiandu/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIVISIONS,
  FINANCE,
  FULL_NAMES,
  IDS,
  NOTICES,
  PAYMENTS,
  POVERTY,
  PROJECTS,
  REGISTRY,
  WANG,
} from '../support/disclosure-files.js';
import { piiIn } from '../support/pii-scan.js';

type Row = Record<string, unknown>;

describe('disclosure on the local platform', () => {
  let dataDir: string;
  let platform: Platform;
  let s3: S3Client;
  const lines: string[] = [];
  const tasks: TaskTiming[] = [];

  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: platform.buckets.upload, Key: key, Body: body }));
  const get = async (path: string) => {
    const res = await fetch(`${platform.apiUrl}${path}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as { items: Row[]; nextCursor?: string | null } & Row;
  };
  const lookup = async (name: string, idNumber: string) => {
    const res = await fetch(`${platform.apiUrl}/api/v1/public/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, idNumber }),
    });
    return { status: res.status, body: (await res.json()) as { items: Row[] } };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-disclosure-'));
    platform = await startPlatform({
      dataDir,
      port: 0,
      empty: true,
      quiet: true,
      logLevel: 'INFO',
      log: (line) => lines.push(line),
      onTask: (t) => tasks.push(t),
      jobSchedules: [],
      schedules: [],
      functionSettings: { DISCLOSURE_CONFIG: JSON.stringify({ programs: { LINSHI: { publish: false } } }) },
    });
    s3 = createS3Client(platform.s3Endpoint);
    await put('uploads/civil-affairs/divisions/区划.csv', DIVISIONS);
    await platform.waitForIdle();
    await put('uploads/police/household_registry/户籍.csv', REGISTRY);
    await put('uploads/rural-revitalization/poverty_registry/建档立卡.csv', POVERTY);
    await put('uploads/rural-revitalization/livelihood_projects/项目库.csv', PROJECTS);
    await platform.waitForIdle();
    await put('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', PAYMENTS);
    await put('uploads/township-431199100/village_finance/红星村2024.csv', FINANCE);
    await put('uploads/township-431199100/notices/公开.csv', NOTICES);
    await platform.waitForIdle();
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('discloses exactly the uploaded rows, totals and finance line items', async () => {
    const jan = await get('/api/v1/public/payments?month=2024-01');
    expect(jan.items.map((i) => [i.name, i.village, i.program, i.amount])).toEqual([
      ['张*', '白沙村', 'DIBAO_RURAL', 300],
      ['王**', '红星村', 'DIBAO_RURAL', 300],
      ['李**', '红星村', 'GAOLING', 100],
    ]);
    const feb = await get('/api/v1/public/payments?month=2024-02&township=石门乡');
    expect(feb.items.map((i) => i.amount)).toEqual([1200.5]);
    const totals = await get('/api/v1/public/totals?year=2024&by=program');
    expect(totals.items.map((i) => [i.key, i.amount, i.recipients, i.payments])).toEqual([
      ['DIBAO_RURAL', 2100.5, 2, 4],
      ['GAOLING', 100, 1, 1],
    ]);
    const finance = await get('/api/v1/public/village-finance?village=431199100201&year=2024');
    expect(finance.items.map((i) => [i.voucherNo, i.amount, i.counterparty])).toEqual([
      ['记-0001', 100000, '青山县财政局'],
      ['记-0012', 48000, '赵**'],
      ['记-0015', 860, '青山饭店'],
      ['记-0016', 12000, '湖南青山建设工程有限公司'],
    ]);
    expect(finance.expenditure).toMatchObject({ total: 60860 });
    expect((await get('/api/v1/public/poverty')).items).toHaveLength(2);
    expect((await get('/api/v1/public/projects')).items).toHaveLength(2);
    expect((await get('/api/v1/public/notices?q=低保')).items).toHaveLength(1);
    // Every burst's run stored its leads and, in its own step beside them, synced the projections.
    const runs = platform.executions().filter((e) => e.input['detail-type'] !== 'Object Created');
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs)
      expect(run).toMatchObject({
        status: 'SUCCEEDED',
        output: { runId: expect.any(String), disclosure: { unitsAdded: expect.any(Number) } },
      });
    expect(runs.at(-1)?.output).toMatchObject({ disclosure: { paymentsWritten: 5 } });
  });

  it('looks up own and household payments without keeping the ID or logging the request', async () => {
    const before = lines.length;
    const own = await lookup('王建国', WANG);
    expect(own.status).toBe(200);
    expect(own.body.items.map((i) => [i.relation, i.period, i.program])).toEqual([
      ['self', '2024-02', 'DIBAO_RURAL'],
      ['self', '2024-01', 'DIBAO_RURAL'],
      ['household', '2024-01', 'GAOLING'],
    ]);
    expect((await lookup('王建军', WANG)).body).toEqual({ items: [] });
    const requestLines = lines.slice(before).join('\n');
    expect(requestLines).not.toContain(WANG);
    expect(requestLines).not.toContain('王建国');

    // Nothing the disclosure writes holds an ID number or a full name: not the projections,
    // not the lookup index, not the rate-limit counters.
    const doc = DynamoDBDocumentClient.from(createDynamoDbClient(platform.dynamodbEndpoint));
    const items: Row[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new ScanCommand({ TableName: platform.tableName, ExclusiveStartKey: start }),
      );
      items.push(...((out.Items ?? []) as Row[]));
      start = out.LastEvaluatedKey;
    } while (start);
    const disclosure = items.filter((i) =>
      /^(PAY|PERSONPAY#|TOTALS#|LOOKUP|POVERTY|PROJECTS|FINANCE|NOTICES|DISCLOSURE|LIMIT#)/.test(
        String(i.PK),
      ),
    );
    for (const packed of ['PAYPAGE#', 'PERSONPAY#', 'LOOKUPB#', 'POVERTYPAGE', 'FINANCEPAGE#'])
      expect(
        disclosure.some((i) => String(i.PK).startsWith(packed)),
        packed,
      ).toBe(true);
    const text = JSON.stringify(disclosure);
    expect(piiIn(text, { names: FULL_NAMES, receiptCodes: [] })).toEqual([]);
    for (const id of IDS) expect(text).not.toContain(id);
  });

  it('removes what a withdrawal takes out of force', async () => {
    const admin = await platform.tokenFor('admin');
    const list = await fetch(`${platform.apiUrl}/api/v1/versions?kind=subsidy_payments`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const [version] = ((await list.json()) as { items: { versionId: string }[] }).items;
    const res = await fetch(`${platform.apiUrl}/api/v1/versions/${version?.versionId}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '名单有误，撤回' }),
    });
    expect(res.status).toBe(200);
    await platform.waitForIdle();
    // The withdrawal's run: its sync took the version's units out.
    expect(platform.executions().at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      input: { 'detail-type': 'Version Withdrawn' },
      output: { disclosure: { unitsRemoved: expect.any(Number) } },
    });
    expect((await get('/api/v1/public/payments?month=2024-01')).items).toEqual([]);
    expect((await get('/api/v1/public/totals?year=2024&by=program')).items).toEqual([]);
    expect((await lookup('王建国', WANG)).body).toEqual({ items: [] });
    // Other kinds stay disclosed.
    expect((await get('/api/v1/public/village-finance?village=431199100201&year=2024')).items).toHaveLength(
      4,
    );
  });

  it('runs a sync that found the lease held after the holder releases it, with what came meanwhile', async () => {
    const leases = new DynamoLeases(
      DynamoDBDocumentClient.from(createDynamoDbClient(platform.dynamodbEndpoint)),
      platform.tableName,
    );
    const now = Math.floor(Date.now() / 1000);
    // Another sync (here: the test) holds the lease.
    expect(await leases.acquire(DISCLOSURE_SYNC_LEASE, 'other-sync', now, now + 960)).toEqual({
      acquired: true,
    });
    const before = tasks.length;
    await put(
      'uploads/township-431199100/notices/补充公开.csv',
      [
        '公开层级,乡镇,村,公开类别,标题,内容,公开日期',
        '村级,青山镇,红星村,村务,道路硬化工程公示,工程已验收,2024-05-06',
      ].join('\n'),
    );
    const idle = platform.waitForIdle(180_000);
    // The burst's sync fails DisclosureSyncBusy (across the function host, by name) and is retried.
    const failedSyncs = () => tasks.slice(before).filter((t) => t.task === 'SyncDisclosure' && !t.ok);
    await expect.poll(() => failedSyncs().length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(1);
    expect((await get('/api/v1/public/notices?q=道路')).items).toEqual([]);
    expect(await leases.release(DISCLOSURE_SYNC_LEASE, 'other-sync')).toBe(true);
    await idle;
    expect(platform.executions().at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      output: { disclosure: { unitsAdded: 1 } },
    });
    expect((await get('/api/v1/public/notices?q=道路')).items).toHaveLength(1);
    // The sync released its own lease: the next one takes it at once.
    expect((await leases.acquire(DISCLOSURE_SYNC_LEASE, 'next', now, now + 1)).acquired).toBe(true);
  }, 200_000);
});
