/**
 * The dashboard's 数据 page as a department uses it, on a platform of its own (withdrawing a
 * version supersedes leads, which must not disturb the shared seeded county): an uploader
 * sends a broken file and reads its row-level errors, sends the corrected one, withdraws the
 * old version with a reason, and its lead is superseded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser.js';
import { checkPage, signIn } from '../support/dashboard.js';
import { testId } from '../support/ids.js';

const DECEASED = testId('1950-03-01', 11);
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
  // The police's death register, sent the way the CLI does (presigned PUT).
  const token = await platform.tokenFor('police');
  const body = Buffer.from(
    `序号,姓名,性别,公民身份号码,户籍地址,注销日期,注销原因\n1,张德福,男,${DECEASED},青山县青山镇茶园村1组1号,2023/1/10,死亡\n`,
  );
  const ticket = (await (
    await fetch(`${platform.apiUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'death_records',
        fileName: '死亡注销人员名单_2023.csv',
        size: body.length,
      }),
    })
  ).json()) as { url: string; headers: Record<string, string> };
  expect((await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body })).status).toBe(200);
  await platform.waitForIdle(120_000);
  browser = await launchBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

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

async function leadsOf(status: string): Promise<{ leadId: string; rule: string; statusReason?: string }[]> {
  const res = await fetch(
    `${platform.apiUrl}/api/v1/leads?status=${status}&includeSuperseded=true&minScore=0`,
    {
      headers: { authorization: `Bearer ${await platform.tokenFor('inspector')}` },
    },
  );
  return ((await res.json()) as { items: { leadId: string; rule: string }[] }).items;
}

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
    expect((await leadsOf('new')).map((l) => l.rule)).toContain('R01');
  });

  it('withdraws the old version with a reason, and its lead is superseded', async () => {
    await uploader.getByRole('link', { name: '数据', exact: true }).click();
    await uploader.getByRole('link', { name: '2023年05月农村低保发放花名册.csv', exact: true }).click();
    expect(new URL(uploader.url()).pathname).toBe(`/staff/data/${brokenVersion}`);
    const withdraw = uploader.getByRole('form', { name: '撤回此版本' });
    await withdraw.getByLabel('原因', { exact: true }).fill('误将已注销人员计入名单，整表撤回，以更正表为准');
    await withdraw.getByRole('button', { name: '撤回此版本' }).click();
    await expect.poll(async () => (await uploader.locator('.facts').textContent()) ?? '').toContain('已撤回');
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
      .poll(async () => (await inspector.locator('main').textContent()) ?? '')
      .toContain('失效原因');
    await screenshot(inspector, 'lead-superseded');
    expect((await leadsOf('superseded')).map((l) => l.rule)).toContain('R01');
  });
});
