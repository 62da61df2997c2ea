/**
 * The staff dashboard on the shared seeded platform, driven as its users would, changing
 * nothing other test files count (the lead workflow runs on a platform of its own:
 * dashboard-workflow.test.ts): an inspector filters, reads a lead, the statistics and exports
 * the view; an officer answers a report the reporter then reads by receipt code; another
 * township's lead is not reachable by URL; every page passes axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { cell, checkPage, signIn, staffApi, WAIT } from '../support/dashboard.js';
import { seededPlatform } from '../support/seeded-platform.js';
import { solvedProof } from '../support/trust.js';

interface LeadRow {
  leadId: string;
  rule: string;
  township: string | null;
  status: string;
  score: number;
}

let browser: Browser;
let apiUrl: string;
let tokenFor: (username: string) => Promise<string>;

beforeAll(async () => {
  const seeded = await seededPlatform();
  apiUrl = seeded.endpoints.apiUrl;
  tokenFor = (username) => seeded.platform.tokenFor(username);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

const api = staffApi(
  () => apiUrl,
  (username) => tokenFor(username),
);

describe('staff dashboard: the demo county read by an inspector', () => {
  let inspector: Page;
  let rule: string;

  it('an inspector signs in, filters to one rule, opens a lead and sees its evidence', async () => {
    inspector = await signIn(browser, apiUrl, 'inspector', '/staff/leads');
    await checkPage(inspector, 'leads');
    const { items } = await api<{ items: LeadRow[] }>('inspector', '/api/v1/leads?rule=R03&limit=1');
    rule = items.length ? 'R03' : 'R01';
    await inspector.getByLabel('规则', { exact: true }).selectOption(rule);
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/rule=/);
    expect(new URL(inspector.url()).searchParams.get('rule')).toBe(rule);
    const rows = inspector.getByRole('table', { name: /线索列表/ }).locator('tbody tr');
    await rows.first().waitFor();
    for (const text of await rows.allTextContents()) expect(text.startsWith(rule)).toBe(true);
    await screenshot(inspector, 'leads-filtered');

    await rows.first().getByRole('link').click();
    await inspector.getByRole('heading', { name: '证据', exact: true }).waitFor();
    const evidence = inspector.locator('article.evidence');
    expect(await evidence.count()).toBeGreaterThan(0);
    for (const card of await evidence.allTextContents()) expect(card).toContain('来源文件：');
    await checkPage(inspector, 'lead-detail');
  });

  it('the statistics page agrees with the API, a table beside every chart', async () => {
    await inspector.getByRole('link', { name: '统计' }).click();
    await inspector.getByLabel('规则', { exact: true }).selectOption(rule);
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/stats\?.*rule=/);
    const table = '按规则的线索';
    await inspector.getByRole('table', { name: table }).locator('tbody tr').first().waitFor();
    const stats = await api<{ leads: { byRule: { rule: string; count: number }[] } }>(
      'inspector',
      `/api/v1/stats?rule=${rule}`,
    );
    expect(await cell(inspector, table, rule, 1)).toBe(String(stats.leads.byRule[0]?.count));
    const charts = await inspector.locator('.chart').count();
    expect(charts).toBeGreaterThan(3);
    expect(await inspector.locator('.chart-row table').count()).toBe(charts);
    await checkPage(inspector, 'stats');
  });

  it('the CSV export of the current view downloads', async () => {
    await inspector.getByRole('link', { name: '线索', exact: true }).click();
    await inspector.getByLabel('规则', { exact: true }).selectOption(rule);
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/rule=/);
    const caption =
      (await inspector
        .getByRole('table', { name: /线索列表/ })
        .locator('caption')
        .textContent()) ?? '';
    const total = Number(/共 (\d+) 条/.exec(caption)?.[1]);
    const [download] = await Promise.all([
      inspector.waitForEvent('download'),
      inspector.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const { items } = await api<{ items: LeadRow[] }>('inspector', `/api/v1/leads?rule=${rule}&limit=500`);
    expect(items).toHaveLength(total);
    for (const lead of items) expect(csv).toContain(lead.leadId);
    await inspector.context().close();
  });
});

describe('staff dashboard: jurisdiction, reports and every page', () => {
  it("a township officer opening another township's lead by URL reads 不存在", async () => {
    const { items } = await api<{ items: LeadRow[] }>('inspector', '/api/v1/leads?limit=500');
    const elsewhere = items.find((l) => l.township && l.township !== '青山镇') as LeadRow;
    const officer = await signIn(browser, apiUrl, 'qingshan', `/staff/leads/${elsewhere.leadId}`);
    await officer.getByRole('heading', { name: '不存在' }).waitFor();
    expect((await officer.locator('main').textContent()) ?? '').not.toContain(elsewhere.leadId);
    await checkPage(officer, 'lead-not-found');
    await officer.context().close();
  });

  it('a township officer answers a report in time and the reporter reads the answer by receipt code', async () => {
    const call = (path: string, init?: RequestInit) => fetch(`${apiUrl}${path}`, init);
    const filed = await call('/api/v1/public/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'subsidy',
        township: '青山镇',
        content: '浏览器测试：村里有人反映低保名单中有已去世的人。',
        anonymous: true,
        proof: await solvedProof((p) => call(p)),
      }),
    });
    expect(filed.status).toBe(201);
    const { receiptCode } = (await filed.json()) as { receiptCode: string };

    const officer = await signIn(browser, apiUrl, 'qingshan', '/staff/reports');
    const inbox = officer.getByRole('table', { name: /举报/ });
    await inbox.locator('tbody tr').first().waitFor();
    await checkPage(officer, 'reports');
    const reports = await api<{ items: { reportId: string; receivedAt: string }[] }>(
      'qingshan',
      '/api/v1/reports',
    );
    const newest = reports.items[0] as { reportId: string };
    await officer.locator(`a[href="/staff/reports/${newest.reportId}"]`).click();
    await officer.getByText('浏览器测试：村里有人反映').waitFor();
    await officer.getByRole('form', { name: '受理' }).getByRole('button', { name: '受理' }).click();
    await expect.poll(() => officer.getByRole('status').allTextContents(), WAIT).toContainEqual('已受理');
    await officer.getByRole('form', { name: '开始调查' }).getByRole('button', { name: '开始调查' }).click();
    await expect.poll(() => officer.getByRole('status').allTextContents(), WAIT).toContainEqual('已开始调查');
    const conclude = officer.getByRole('form', { name: '办结并答复' });
    await conclude
      .getByLabel('给举报人的答复', { exact: true })
      .fill('经核查，反映的情况属实，已停发并追回。');
    await checkPage(officer, 'report-detail');
    await conclude.getByRole('button', { name: '办结' }).click();
    await expect
      .poll(() => officer.getByRole('status').allTextContents(), WAIT)
      .toContainEqual(expect.stringContaining('已办结'));
    await officer.getByRole('heading', { name: '答复', exact: true }).waitFor();
    await officer.context().close();

    // The reporter, on the villagers' page, reads the answer by the receipt code.
    const reporter = await (await newContext(browser, 'phone')).newPage();
    await reporter.goto(`${apiUrl}/#/receipt`);
    await reporter.getByLabel('查询码').fill(receiptCode);
    await reporter.getByRole('button', { name: '查询' }).click();
    await reporter.getByRole('heading', { name: '办理状态：已办结' }).waitFor({ timeout: 15_000 });
    expect((await reporter.locator('main').textContent()) ?? '').toContain(
      '经核查，反映的情况属实，已停发并追回。',
    );
    await screenshot(reporter, 'receipt-answer');
    await reporter.context().close();
    // Answered within its deadline.
    const lookup = await call('/api/v1/public/reports/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ receiptCode }),
    });
    const handled = (await lookup.json()) as { overdue: unknown; concludedAt: string; concludeBy: string };
    expect(handled.overdue).toBeNull();
    expect(handled.concludedAt <= handled.concludeBy).toBe(true);
  });

  it('admins read the audit log; supervisors their assisted reports; uploaders their data', async () => {
    const admin = await signIn(browser, apiUrl, 'admin', '/staff/audit');
    await admin
      .getByRole('table', { name: /审计日志/ })
      .locator('tbody tr')
      .first()
      .waitFor();
    await checkPage(admin, 'audit');
    await admin.getByLabel('操作', { exact: true }).selectOption('lead.read');
    await admin.getByRole('button', { name: '筛选', exact: true }).click();
    await admin.waitForURL(/action=lead.read/);
    await checkPage(admin, 'audit-filtered');
    await admin.context().close();

    const supervisor = await signIn(browser, apiUrl, 'supervisor', '/staff/');
    await supervisor.waitForURL(/\/staff\/assisted/);
    const nav = (await supervisor.getByRole('navigation', { name: '主导航' }).textContent()) ?? '';
    expect(nav).toContain('代为举报');
    expect(nav).not.toContain('线索');
    await checkPage(supervisor, 'assisted');
    // A village typed under the wrong township: the receipt says where the report went and why.
    const { items: places } = (await (await fetch(`${apiUrl}/api/v1/public/divisions`)).json()) as {
      items: { code: string; name: string; level: string; parentCode: string | null }[];
    };
    const shimen = places.find((d) => d.name === '石门乡');
    const village = places.find((d) => d.level === 'village' && d.parentCode === shimen?.code)?.name ?? '';
    const form = supervisor.getByRole('form', { name: '代为举报' });
    await form.getByLabel('乡镇', { exact: true }).fill('青山镇');
    await form.getByLabel('村', { exact: true }).fill(village);
    await form.getByLabel('举报内容', { exact: true }).fill('修路工程偷工减料');
    await form.getByRole('button', { name: '提交' }).click();
    await supervisor
      .getByText(`您填写的“${village}”属于石门乡，不在“青山镇”，举报已转石门乡纪委办理`)
      .waitFor({ timeout: WAIT.timeout });
    await supervisor.context().close();

    const uploader = await signIn(browser, apiUrl, 'police', '/staff/');
    await uploader.waitForURL(/\/staff\/data/);
    expect((await uploader.getByRole('navigation', { name: '主导航' }).textContent()) ?? '').not.toContain(
      '线索',
    );
    await uploader.getByRole('table', { name: /数据版本/ }).waitFor();
    await checkPage(uploader, 'data');
    await uploader.context().close();
  });
});
