/**
 * Reports (一键举报) on the real local platform (DynamoDB Local behind the real
 * `functions/api-app.ts`, tokens from the local issuer): an anonymous citizen files a report
 * without an account and keeps the receipt code; 青山镇's office acknowledges and concludes
 * it with an answer; the citizen reads the answer with the code; the inspector's statistics
 * count it; another township's officer can't reach it; a village supervisor files for a
 * villager and follows it; two officers acknowledging at once can't both win; linking a lead
 * shows the report in the lead's detail until it is unlinked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient } from '@jiandu/local/dynamodb';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { DynamoLeadRepository } from '@jiandu/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('reports on the local platform', () => {
  let dataDir: string;
  let platform: Platform;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-reports-'));
    platform = await startPlatform({
      dataDir,
      port: 0,
      empty: true,
      quiet: true,
      schedules: [],
      jobSchedules: [],
    });
    for (const user of ['inspector', 'qingshan', 'shimen', 'supervisor'])
      tokens[user] = await platform.tokenFor(user);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Call the API as a demo user, or anonymously without `who`. */
  const call = (path: string, init: { who?: string; body?: unknown } = {}) =>
    fetch(`${platform.apiUrl}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        'content-type': 'application/json',
        ...(init.who ? { authorization: `Bearer ${tokens[init.who]}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const ok = async <T = Record<string, unknown>>(res: Promise<Response>, status = 200): Promise<T> => {
    const r = await res;
    const text = await r.text();
    expect(r.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  it('citizen files → township office answers → citizen reads the answer → statistics count it', async () => {
    const receipt = await ok<{ receiptCode: string; officeLabel: string; acknowledgeByDate: string }>(
      call('/api/v1/public/reports', {
        body: {
          category: 'subsidy',
          township: '青山镇',
          village: '龙泉村',
          content: '龙泉村有人去世两年了，家里还在领农村低保。',
          anonymous: true,
        },
      }),
      201,
    );
    expect(receipt.officeLabel).toBe('青山镇纪委');
    expect(receipt.acknowledgeByDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const list = await ok<{ items: { reportId: string; reporter: unknown }[] }>(
      call('/api/v1/reports', { who: 'qingshan' }),
    );
    expect(list.items).toHaveLength(1);
    const [item] = list.items;
    const reportId = item?.reportId as string;
    expect(item?.reporter).toEqual({ anonymous: true });

    // Another township's officer: not in their list, 404 by id, 404 on commands.
    expect((await ok<{ total: number }>(call('/api/v1/reports', { who: 'shimen' }))).total).toBe(0);
    expect((await call(`/api/v1/reports/${reportId}`, { who: 'shimen' })).status).toBe(404);
    expect(
      (
        await call(`/api/v1/reports/${reportId}/acknowledge`, {
          who: 'shimen',
          body: { expectedRevision: 1 },
        })
      ).status,
    ).toBe(404);

    const detail = await ok<{ revision: number; content: string }>(
      call(`/api/v1/reports/${reportId}`, { who: 'qingshan' }),
    );
    expect(detail.content).toContain('龙泉村');
    await ok(
      call(`/api/v1/reports/${reportId}/acknowledge`, {
        who: 'qingshan',
        body: { note: '已受理，安排核查', expectedRevision: detail.revision },
      }),
    );
    const answer = '经核查，反映情况属实，已停发并追回多领的低保金。感谢您的监督。';
    await ok(
      call(`/api/v1/reports/${reportId}/conclude`, {
        who: 'qingshan',
        body: { answer, expectedRevision: 2 },
      }),
    );

    const seen = await ok<Record<string, unknown>>(
      call('/api/v1/public/reports/lookup', { body: { receiptCode: receipt.receiptCode.toLowerCase() } }),
    );
    expect(seen).toMatchObject({ status: 'concluded', statusLabel: '已办结', answer, overdue: null });
    expect(JSON.stringify(seen)).not.toContain('龙泉村有人');
    expect(
      (await call('/api/v1/public/reports/lookup', { body: { receiptCode: '2345-6789-ABCD' } })).status,
    ).toBe(404);

    const stats = await ok<{ reports: Record<string, unknown> }>(call('/api/v1/stats', { who: 'inspector' }));
    expect(stats.reports).toMatchObject({
      received: 1,
      acknowledged: { total: 1, onTime: 1, late: 0 },
      concluded: { total: 1, onTime: 1, late: 0 },
      overdue: 0,
      byTownship: [expect.objectContaining({ township: '青山镇', received: 1 })],
    });
    expect(stats.reports.avgHoursToAcknowledge).toEqual(expect.any(Number));

    // The detail read and both commands are in the audit log.
    const admin = await platform.tokenFor('admin');
    const auditRes = await fetch(
      `${platform.apiUrl}/api/v1/audit?actor=${encodeURIComponent(tokensSubject(tokens.qingshan))}`,
      {
        headers: { authorization: `Bearer ${admin}` },
      },
    );
    const audit = (await auditRes.json()) as { items: { action: string; target: { reportId?: string } }[] };
    expect(
      audit.items
        .filter((e) => e.target.reportId === reportId)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['report.read', 'report.update', 'report.update']);
  });

  it('a supervisor files for a villager and follows it; concurrent acknowledgements: one wins, one gets 409', async () => {
    const filed = await ok<{ reportId: string; officeLabel: string }>(
      call('/api/v1/reports/assisted', {
        who: 'supervisor',
        body: {
          category: 'village_finance',
          township: '石门乡',
          village: '白沙村',
          content: '白沙村修路工程款账目一直不公开，村民有疑问。',
          anonymous: false,
          reporter: { name: '王老汉', phone: '13900001111' },
        },
      }),
      201,
    );
    expect(filed.officeLabel).toBe('石门乡纪委');
    const mine = await ok<{ items: { reportId: string; reporter: unknown }[] }>(
      call('/api/v1/reports/assisted', { who: 'supervisor' }),
    );
    expect(mine.items).toEqual([
      expect.objectContaining({
        reportId: filed.reportId,
        reporter: { anonymous: false, name: '王**', phone: '139****1111' },
      }),
    ]);

    const both = await Promise.all(
      ['shimen', 'inspector'].map((who) =>
        call(`/api/v1/reports/${filed.reportId}/acknowledge`, { who, body: { expectedRevision: 1 } }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const detail = await ok<{ revision: number; history: { action: string }[] }>(
      call(`/api/v1/reports/${filed.reportId}`, { who: 'inspector' }),
    );
    expect(detail.revision).toBe(2);
    expect(detail.history.map((h) => h.action)).toEqual(['file', 'acknowledge']);
  });

  it('link and unlink keep the lead detail’s linked reports in step (DynamoDB link items)', async () => {
    const leadId = 'R01-reportlink000000000001';
    // The emulator's region and credentials: nothing comes from this process's environment.
    const doc = DynamoDBDocumentClient.from(createDynamoDbClient(platform.dynamodbEndpoint), {
      marshallOptions: { removeUndefinedValues: true },
    });
    await new DynamoLeadRepository(doc, platform.tableName).put(
      {
        leadId,
        rule: 'R01',
        subjectKey: `431199198001011233|DIBAO_RURAL`,
        subject: '张三丰 · 农村最低生活保障',
        idNumber: '431199198001011233',
        name: '张三丰',
        township: '青山镇',
        village: '龙泉村',
        amount: 120_000,
        match: 'id',
        evidence: [],
        reasons: ['死亡后仍领取补贴'],
        score: 80,
        scoreBreakdown: [],
        status: 'new',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
        lastRunId: 'run-test',
        revision: 1,
      },
      0,
    );
    doc.destroy();
    const qingshan = await platform.tokenFor('qingshan');
    const call = (path: string, body?: unknown) =>
      fetch(`${platform.apiUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${qingshan}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

    const filed = await fetch(`${platform.apiUrl}/api/v1/public/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'subsidy',
        township: '青山镇',
        content: '张三丰去年就去世了，低保还在发。',
        anonymous: false,
        reporter: { name: '李大娘', phone: '13812345678' },
      }),
    });
    expect(filed.status).toBe(201);
    const list = await call('/api/v1/reports');
    const reportId = (list.body.items as { reportId: string; reporter: { name?: string } }[]).find(
      (r) => r.reporter.name === '李**',
    )?.reportId as string;

    expect(
      (await call(`/api/v1/reports/${reportId}/link-lead`, { leadId, expectedRevision: 1 })).status,
    ).toBe(200);
    const lead = await call(`/api/v1/leads/${leadId}`);
    expect(lead.body.reports).toEqual([
      expect.objectContaining({
        reportId,
        reporter: { anonymous: false, name: '李**', phone: '138****5678' },
      }),
    ]);
    const report = await call(`/api/v1/reports/${reportId}`);
    expect(report.body.leads).toEqual([
      expect.objectContaining({ leadId, subject: '张** · 农村最低生活保障' }),
    ]);

    expect(
      (await call(`/api/v1/reports/${reportId}/unlink-lead`, { leadId, expectedRevision: 2 })).status,
    ).toBe(200);
    expect((await call(`/api/v1/leads/${leadId}`)).body.reports).toEqual([]);
  });
});

/** The `sub` claim of a JWT (the audit log records subjects). */
function tokensSubject(token: string | undefined): string {
  const payload = (token ?? '').split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}
