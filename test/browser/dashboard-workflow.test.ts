/**
 * The dashboard's workflows on a platform of their own (a verdict and a withdrawal change
 * what the seeded county's other test files count): an inspector filters to one rule, reads a
 * lead's evidence and assigns it, the township officer verifies and confirms it with amounts,
 * a stale edit shows the conflict, statistics and the CSV export follow; a department
 * uploader sends a broken file and reads its row-level errors, sends the corrected one,
 * withdraws the old version with a reason, and its lead is superseded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser.js';
import { cell, checkPage, signIn, staffApi, WAIT } from '../support/dashboard.js';
import { testId } from '../support/ids.js';

const DECEASED = testId('1950-03-01', 11);
/** Paid half a year after his death: the lead the inspector and the officer work. */
const PAID_AFTER_DEATH = testId('1948-09-09', 21);
/** Recorded as deceased by mistake: the officer dismisses the lead as 源数据错误. */
const WRONGLY_DECEASED = testId('1961-04-04', 31);
const PAYMENTS_FILE = '2023年农村低保发放花名册_3-8月.csv';
const ALIVE_1 = testId('1960-05-05', 12);
const ALIVE_2 = testId('1970-07-07', 13);
const HEADER = '序号,乡镇,村,领取人,身份证号,保障人数,补贴类别,金额（元）,所属期,发放日期,备注';
const BROKEN = [
  HEADER,
  `1,青山镇,茶园村,张德福,${DECEASED},1,农村最低生活保障,300.00,2023.05,2023/5/20,`,
  `2,青山镇,茶园村,李秀英,${ALIVE_1},1,农村最低生活保障,三百块左右,2023.05,2023/5/20,`,
  `3,青山镇,茶园村,,${ALIVE_2},1,农村最低生活保障,300.00,2023.05,2023/5/20,`,
].join('\n');
const CORRECTED = [
  HEADER,
  `1,青山镇,茶园村,李秀英,${ALIVE_1},1,农村最低生活保障,300.00,2023.05,2023/5/20,`,
  `2,青山镇,茶园村,王建国,${ALIVE_2},1,农村最低生活保障,300.00,2023.05,2023/5/20,`,
].join('\n');

let dataDir: string;
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jiandu-dashboard-data-'));
  platform = await startPlatform({
    dataDir,
    port: 0,
    quiet: true,
    empty: true,
    schedules: [],
    jobSchedules: [],
  });
  // The police's death register and the civil-affairs payments, sent the way the CLI does.
  await send(
    'police',
    'death_records',
    '死亡注销人员名单_2023.csv',
    `序号,姓名,性别,公民身份号码,户籍地址,注销日期,注销原因\n1,张德福,男,${DECEASED},青山县青山镇茶园村1组1号,2023/1/10,死亡\n2,赵有田,男,${PAID_AFTER_DEATH},青山县青山镇茶园村2组8号,2023/2/14,死亡\n3,孙立平,男,${WRONGLY_DECEASED},青山县石门乡桃花村3组2号,2023/2/1,死亡\n`,
  );
  await platform.waitForIdle(120_000);
  const months = ['03', '04', '05', '06', '07', '08'];
  await send(
    'civil-affairs',
    'subsidy_payments',
    PAYMENTS_FILE,
    [
      HEADER,
      ...months.map(
        (m, i) =>
          `${i + 1},青山镇,茶园村,赵有田,${PAID_AFTER_DEATH},1,农村最低生活保障,1200.00,2023.${m},2023/${Number(m)}/20,`,
      ),
      ...months.map(
        (m, i) =>
          `${i + 7},石门乡,桃花村,孙立平,${WRONGLY_DECEASED},1,农村最低生活保障,1200.00,2023.${m},2023/${Number(m)}/20,`,
      ),
    ].join('\n'),
  );
  await platform.waitForIdle(120_000);
  browser = await launchBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Upload a file as a demo user through a presigned PUT, as the CLI does. */
async function send(username: string, kind: string, fileName: string, text: string): Promise<void> {
  const body = Buffer.from(text);
  const ticket = await api<{ url: string; headers: Record<string, string> }>(username, '/api/v1/uploads', {
    method: 'POST',
    body: JSON.stringify({ kind, fileName, size: body.length }),
  });
  expect((await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body })).status).toBe(200);
}

const api = staffApi(
  () => platform.apiUrl,
  (username) => platform.tokenFor(username),
);

/** Upload a file through the page's form; the page moves to the new version once it is read. */
async function upload(page: Page, fileName: string, text: string): Promise<void> {
  const form = page.getByRole('form', { name: '上传文件' });
  await form.getByLabel('数据类型', { exact: true }).selectOption('subsidy_payments');
  await form
    .getByLabel('文件（CSV 或 XLSX）', { exact: true })
    .setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await form.getByRole('button', { name: '上传' }).click();
  await page.getByRole('heading', { name: `数据版本：${fileName}` }).waitFor({ timeout: 90_000 });
}

async function leadsOf(status: string): Promise<{ leadId: string; rule: string; subject?: string }[]> {
  const all: { leadId: string; rule: string; subject?: string }[] = [];
  let cursor: string | undefined;
  // Every page: the list is read page by page from its index.
  do {
    const res = await fetch(
      `${platform.apiUrl}/api/v1/leads?status=${status}&includeSuperseded=true&minScore=0&limit=200${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      }`,
      { headers: { authorization: `Bearer ${await platform.tokenFor('inspector')}` } },
    );
    const page = (await res.json()) as { items: { leadId: string; rule: string }[]; nextCursor?: string };
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

describe('staff dashboard: a lead from the list to the verdict', () => {
  let target: { leadId: string };
  let inspector: Page;

  it('an inspector signs in, filters to one rule and township, opens the lead and sees its evidence', async () => {
    inspector = await signIn(browser, platform.apiUrl, 'inspector', '/staff/leads');
    await inspector.getByLabel('规则', { exact: true }).selectOption('R01');
    await inspector.getByLabel('乡镇', { exact: true }).fill('青山镇');
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/rule=R01/);
    const rows = inspector.getByRole('table', { name: /线索列表/ }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect((await rows.first().textContent()) ?? '').toContain('赵**');
    await rows.first().getByRole('link').click();
    await inspector.waitForURL(/\/staff\/leads\/[A-Za-z0-9_-]+$/);
    target = { leadId: new URL(inspector.url()).pathname.split('/').at(-1) as string };
    await inspector.getByRole('heading', { name: '证据', exact: true }).waitFor();
    // The death record next to the payments that contradict it, each with its source file.
    const evidence = await inspector.locator('article.evidence').allTextContents();
    expect(evidence.some((e) => e.includes('死亡人员') && e.includes('死亡注销人员名单_2023.csv'))).toBe(
      true,
    );
    expect(evidence.some((e) => e.includes('民生资金发放明细') && e.includes(PAYMENTS_FILE))).toBe(true);
  });

  it('assigns it to the township office', async () => {
    const assign = inspector.getByRole('form', { name: '指派' });
    await assign.getByLabel('承办类型', { exact: true }).selectOption('township_office');
    await assign.getByLabel('承办人或乡镇', { exact: true }).fill('青山镇');
    await assign.getByRole('button', { name: '指派' }).click();
    await expect
      .poll(() => inspector.getByRole('status').allTextContents(), WAIT)
      .toContainEqual(expect.stringContaining('已指派给 青山镇'));
    const lead = await api<{ status: string; assignee: string }>(
      'inspector',
      `/api/v1/leads/${target.leadId}`,
    );
    expect(lead).toMatchObject({ status: 'assigned', assignee: '青山镇' });
  });

  it('the township officer verifies and confirms it with amounts as people type them', async () => {
    const officer = await signIn(
      browser,
      platform.apiUrl,
      'qingshan',
      `/staff/leads/${target.leadId}`,
      'tablet',
    );
    await officer.getByRole('heading', { name: '证据', exact: true }).waitFor();
    await officer.getByRole('form', { name: '开始核查' }).getByRole('button', { name: '开始核查' }).click();
    await expect.poll(() => officer.getByRole('status').allTextContents(), WAIT).toContainEqual('已开始核查');
    const confirm = officer.getByRole('form', { name: '查实' });
    await confirm.waitFor();
    await confirm.getByLabel('核实金额（元）', { exact: true }).fill('2,250');
    await confirm.getByLabel('追回金额（元）', { exact: true }).fill('¥1,000.50');
    await confirm.getByLabel('批评教育（人）', { exact: true }).fill('1');
    await confirm.getByLabel('核查结论', { exact: true }).fill('经入户核查属实，已责令退回。');
    await checkPage(officer, 'lead-verify-tablet');
    await confirm.getByRole('button', { name: '确认查实' }).click();
    await expect
      .poll(() => officer.getByRole('status').allTextContents(), WAIT)
      .toContainEqual(expect.stringContaining('核实 ¥2,250.00，追回 ¥1,000.50'));
    const lead = await api<{ status: string; verdict: { verifiedAmount: number; recoveredAmount: number } }>(
      'inspector',
      `/api/v1/leads/${target.leadId}`,
    );
    expect(lead).toMatchObject({
      status: 'confirmed',
      verdict: { verifiedAmount: 2250, recoveredAmount: 1000.5 },
    });
    await officer.context().close();
  });

  it('a stale edit shows the conflict and reloads the lead as it is now', async () => {
    // The inspector's page still shows the lead as assigned, from before the officer's steps.
    await inspector.getByRole('form', { name: '开始核查' }).getByRole('button', { name: '开始核查' }).click();
    await expect
      .poll(() => inspector.getByRole('alert').allTextContents(), WAIT)
      .toContainEqual(expect.stringContaining('冲突'));
    await expect
      .poll(async () => (await inspector.locator('.facts').textContent()) ?? '', WAIT)
      .toContain('已查实');
    expect(await inspector.getByRole('form', { name: '开始核查' }).count()).toBe(0);
    await checkPage(inspector, 'lead-conflict');
  });

  it('the statistics page shows the confirmed lead and its amounts', async () => {
    await inspector.getByRole('link', { name: '统计' }).click();
    await inspector.getByLabel('规则', { exact: true }).selectOption('R01');
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/stats\?rule=R01/);
    const table = '按规则的线索';
    await inspector.getByRole('table', { name: table }).locator('tbody tr').first().waitFor();
    expect(await cell(inspector, table, 'R01', 3)).toBe('1');
    expect(await cell(inspector, table, 'R01', 7)).toBe('¥2,250.00');
    expect(await cell(inspector, table, 'R01', 8)).toBe('¥1,000.50');
    expect(await inspector.locator('.chart canvas').count()).toBeGreaterThan(0);
    await checkPage(inspector, 'stats-after-verdict');
  });

  it('dismissing a lead as 源数据错误 shows the correction task the department then sees', async () => {
    await inspector.getByRole('link', { name: '线索', exact: true }).click();
    await inspector.getByLabel('乡镇', { exact: true }).fill('石门乡');
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/township=/);
    const row = inspector
      .getByRole('table', { name: /线索列表/ })
      .locator('tbody tr')
      .filter({ hasText: '孙**' });
    await row.first().getByRole('link').click();
    const dismiss = inspector.getByRole('form', { name: '了结' });
    await dismiss.waitFor();
    await dismiss.getByLabel('原因', { exact: true }).selectOption('source_data_wrong');
    const death = dismiss.getByRole('checkbox').first();
    await death.check();
    await dismiss.getByLabel('说明', { exact: true }).fill('经核实本人健在，公安死亡注销记录有误。');
    await dismiss.getByRole('button', { name: '了结线索' }).click();
    await expect
      .poll(() => inspector.getByRole('status').allTextContents(), WAIT)
      .toContainEqual(expect.stringContaining('已为数据报送部门创建更正任务'));
    await checkPage(inspector, 'lead-dismissed-correction');

    const police = await signIn(browser, platform.apiUrl, 'police', '/staff/data');
    const tasks = police.getByRole('table', { name: /更正任务/ });
    await tasks.waitFor();
    const text = (await tasks.textContent()) ?? '';
    expect(text).toContain('死亡注销人员名单_2023.csv');
    expect(text).toContain('经核实本人健在');
    await police.context().close();
  });

  it('the CSV export of the current view downloads', async () => {
    await inspector.getByRole('link', { name: '线索', exact: true }).click();
    await inspector.getByLabel('规则', { exact: true }).selectOption('R01');
    await inspector.getByLabel('状态', { exact: true }).selectOption('confirmed');
    await inspector.getByRole('button', { name: '筛选', exact: true }).click();
    await inspector.waitForURL(/status=confirmed/);
    await inspector.getByRole('table', { name: /线索列表/ }).waitFor();
    const [download] = await Promise.all([
      inspector.waitForEvent('download'),
      inspector.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(target.leadId);
    await inspector.context().close();
  });
});

describe('staff dashboard: department data', () => {
  let uploader: Page;
  let brokenVersion: string;

  it('an uploader sends a broken file and sees the row-level errors', async () => {
    uploader = await signIn(browser, platform.apiUrl, 'civil-affairs', '/staff/data');
    await checkPage(uploader, 'data-uploader');
    await upload(uploader, '2023年05月农村低保发放花名册.csv', BROKEN);
    brokenVersion = new URL(uploader.url()).pathname.split('/').at(-1) as string;
    const quality = uploader.getByRole('table', { name: '质量报告' });
    expect(((await quality.locator('tbody td').nth(2).textContent()) ?? '').trim()).toBe('2');
    const rejects = uploader.getByRole('table', { name: /拒收的行/ });
    await rejects.waitFor();
    const text = (await rejects.textContent()) ?? '';
    expect(text).toContain('李秀英');
    expect(text).toContain(ALIVE_2);
    await checkPage(uploader, 'version-rejected-rows');
    // The department's correction comes later, not in the same burst: this upload's collision
    // runs first (after the quiet period), as it would when the files are minutes apart.
    await platform.waitForIdle(120_000);
  });

  it('sends the corrected file', async () => {
    await uploader.getByRole('link', { name: '数据', exact: true }).click();
    await upload(uploader, '2023年05月农村低保发放花名册-更正.csv', CORRECTED);
    expect(
      (
        (await uploader.getByRole('table', { name: '质量报告' }).locator('tbody td').nth(1).textContent()) ??
        ''
      ).trim(),
    ).toBe('2');
    expect(await uploader.getByRole('table', { name: /拒收的行/ }).count()).toBe(0);
    await platform.waitForIdle(120_000);
    // The broken file's one good row paid a deceased person: an R01 lead (a small amount, so a
    // low score the default view hides) relies on it.
    const leads = await leadsOf('new,assigned,verifying,confirmed,dismissed,superseded');
    expect(
      leads.filter((l) => l.subject?.startsWith('张')).map((l) => l.rule),
      JSON.stringify(leads),
    ).toContain('R01');
  });

  it('withdraws the old version with a reason, and its lead is superseded', async () => {
    await uploader.getByRole('link', { name: '数据', exact: true }).click();
    await uploader.getByRole('link', { name: '2023年05月农村低保发放花名册.csv', exact: true }).click();
    expect(new URL(uploader.url()).pathname).toBe(`/staff/data/${brokenVersion}`);
    const withdraw = uploader.getByRole('form', { name: '撤回此版本' });
    await withdraw.getByLabel('原因', { exact: true }).fill('误将已注销人员计入名单，整表撤回，以更正表为准');
    await withdraw.getByRole('button', { name: '撤回此版本' }).click();
    const outcome = uploader.locator('.notice').first();
    await outcome.waitFor();
    expect((await outcome.textContent()) ?? '').toContain('已撤回');
    expect((await uploader.locator('.facts').textContent()) ?? '').toContain('已撤回');
    expect((await uploader.getByRole('table', { name: '版本记录' }).textContent()) ?? '').toContain(
      '误将已注销人员计入名单',
    );
    await checkPage(uploader, 'version-withdrawn');
    await platform.waitForIdle(120_000);

    // The inspector sees the lead superseded, with the withdrawal as its reason.
    const inspector = await signIn(
      browser,
      platform.apiUrl,
      'inspector',
      '/staff/leads?status=superseded&includeSuperseded=true&minScore=0',
    );
    const row = inspector
      .getByRole('table', { name: /线索列表/ })
      .locator('tbody tr')
      .filter({ hasText: 'R01' });
    await row.first().waitFor();
    await row.first().getByRole('link').click();
    await expect
      .poll(async () => (await inspector.locator('main').textContent()) ?? '', WAIT)
      .toContain('失效原因');
    await screenshot(inspector, 'lead-superseded');
    expect((await leadsOf('superseded')).map((l) => l.rule)).toContain('R01');
  });
});
