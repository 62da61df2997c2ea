/**
 * The villagers' page on a phone, against the shared seeded demo county: search my payments,
 * open a village's finance, file a report and read it back by its receipt code. axe-core
 * finds no serious issue on any page; every page is screenshotted.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoCounty, generateDemoCounty } from '@jiandu/demo';
import type { DatasetKind, NormalizedRow } from '@jiandu/domain';
import { ingestFile } from '@jiandu/ingest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousAccessibilityViolations } from '../support/browser.js';
import { SEEDED_COUNTY, seededPlatform } from '../support/seeded-platform.js';

const DIST = join(import.meta.dirname, '..', '..', 'packages', 'web-public', 'dist');

/** The accepted rows of every file of `kind` in the county, as the platform reads them. */
async function rowsOf(county: DemoCounty, kind: DatasetKind): Promise<NormalizedRow[]> {
  const rows: NormalizedRow[] = [];
  for (const file of county.files.filter((f) => f.kind === kind))
    await ingestFile(kind, file, { accept: (row) => void rows.push(row), reject: () => undefined });
  return rows;
}

/** A registered person paid most often under the same name as in the registry (no planted oddity). */
async function regularRecipient(county: DemoCounty) {
  const registry = new Map((await rowsOf(county, 'household_registry')).map((r) => [r.idNumber, r.values]));
  const paid = new Map<string, NormalizedRow[]>();
  for (const row of await rowsOf(county, 'subsidy_payments')) {
    const person = row.idNumber ? registry.get(row.idNumber) : undefined;
    if (!row.idNumber || !person || person.name !== row.values.recipient_name) continue;
    paid.set(row.idNumber, [...(paid.get(row.idNumber) ?? []), row]);
  }
  const [idNumber, payments] = [...paid].sort((a, b) => b[1].length - a[1].length)[0] as [
    string,
    NormalizedRow[],
  ];
  return { idNumber, name: String(payments[0]?.values.recipient_name), payments };
}

/**
 * What a 60-year-old on a cheap phone needs beyond axe's rules: body type of at least 20 px and
 * every visible tap target (link, button, field; a radio button counts with its label) at
 * least 48 px high and wide. Answers the body's size and the targets that are too small.
 */
async function phoneReadability(page: Page): Promise<{ bodyPx: number; small: string[] }> {
  return page.evaluate(() => {
    // The test tsconfig has no DOM lib: the page's globals, typed as much as used here.
    type Box = { width: number; height: number };
    type El = {
      tagName: string;
      textContent: string | null;
      closest(selector: string): El | null;
      getBoundingClientRect(): Box;
      getAttribute(name: string): string | null;
    };
    const view = globalThis as unknown as {
      document: { body: El; querySelectorAll(selector: string): Iterable<El> };
      getComputedStyle(e: El): { fontSize: string; visibility: string };
    };
    const small: string[] = [];
    for (const el of view.document.querySelectorAll('a, button, input, select, textarea')) {
      const target = el.closest('label') ?? el;
      const box = target.getBoundingClientRect();
      const hidden = box.width === 0 || view.getComputedStyle(target).visibility === 'hidden';
      if (!hidden && (box.height < 48 || box.width < 48))
        small.push(
          `${el.tagName.toLowerCase()} “${(target.textContent ?? el.getAttribute('name') ?? '').trim().slice(0, 12)}” ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
    }
    return { bodyPx: Number.parseFloat(view.getComputedStyle(view.document.body).fontSize), small };
  });
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, `public-${name}`);
  expect(await seriousAccessibilityViolations(page), name).toEqual([]);
  const { bodyPx, small } = await phoneReadability(page);
  expect(bodyPx, name).toBeGreaterThanOrEqual(20);
  expect(small, name).toEqual([]);
}

describe("villagers' page (phone)", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    const { endpoints } = await seededPlatform();
    base = endpoints.apiUrl.replace(/\/$/, '');
    browser = await launchBrowser();
    context = await newContext(browser, 'phone');
    page = await context.newPage();
  }, 660_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('loads under 200 KB of JavaScript (build output), without the report worker, and works on slow 3G', async () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = scripts.reduce((sum, file) => sum + statSync(join(DIST, file)).size, 0);
    expect(bytes).toBeLessThan(200 * 1024);

    // Chrome DevTools' "Slow 3G": 400 ms round trips, 400 kbit/s down.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: (400 * 1024) / 8,
      uploadThroughput: (400 * 1024) / 8,
    });
    const fetched: string[] = [];
    page.on('request', (request) => void fetched.push(new URL(request.url()).pathname));
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.getByRole('heading', { level: 1, name: '民生资金公开' }).waitFor();
    // The start page is up after three small files: no API call, no font, no image, no worker.
    // (The browser's own /favicon.ico request aside.)
    const loaded = fetched.filter((p) => p !== '/favicon.ico').map((p) => p.replace(/-[\w-]{8}\./, '.'));
    expect(loaded.sort()).toEqual(['/', '/assets/index.css', '/assets/index.js']);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await expectAccessible(page, 'home');
  });

  it("finds a villager's own payments by name and ID number", async () => {
    const county = generateDemoCounty(SEEDED_COUNTY);
    const person = await regularRecipient(county);
    await page.goto(`${base}/#/my`);
    await page.getByLabel('姓名').fill(person.name);
    await page.getByLabel('身份证号').fill(person.idNumber);
    await page.getByRole('button', { name: '查询' }).click();
    const own = page.locator('.card', { hasText: '（本人）' });
    await own.first().waitFor({ timeout: 15_000 });
    expect(await own.count()).toBeGreaterThanOrEqual(person.payments.length);
    // The name is masked by the API (surname and one star per further character), never in full.
    const masked = `${person.name.slice(0, 1)}${'*'.repeat(person.name.length - 1)}`;
    await expect.poll(() => own.first().textContent()).toContain(masked);
    expect(await page.locator('main').textContent()).not.toContain(person.idNumber);
    await expectAccessible(page, 'my-payments');
  });

  it("opens a village's finance: income by source, expenditure by category and the line items", async () => {
    const county = generateDemoCounty(SEEDED_COUNTY);
    const [book] = await rowsOf(county, 'village_finance');
    const {
      township,
      village,
      voucher_no: voucher,
    } = (book as NormalizedRow).values as Record<string, string>;
    await page.goto(`${base}/#/village`);
    await page.getByLabel('乡镇').selectOption({ label: township });
    await page.getByLabel('村（社区）').selectOption({ label: village });
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('heading', { level: 1, name: `${township} ${village}` }).waitFor();
    await expectAccessible(page, 'village-payments');
    await page.getByRole('link', { name: '村级财务' }).click();
    await page.getByRole('heading', { name: '收入（钱从哪里来）' }).waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: '支出（花到哪里去）' }).waitFor();
    await page.getByText(`凭证号：${voucher}`, { exact: true }).first().waitFor();
    await expectAccessible(page, 'village-finance');
  });

  it("opens a village's projects as the API discloses them: contractors in full, persons masked", async () => {
    const county = generateDemoCounty(SEEDED_COUNTY);
    const project = (await rowsOf(county, 'livelihood_projects')).find((r) => r.values.village);
    const { township, village } = (project as NormalizedRow).values as Record<string, string>;
    const places = (await (await fetch(`${base}/api/v1/public/divisions`)).json()) as {
      items: { code: string; name: string; parentCode: string | null }[];
    };
    const townshipCode = places.items.find((d) => d.name === township)?.code;
    const code = places.items.find((d) => d.name === village && d.parentCode === townshipCode)?.code;
    const disclosed = (await (await fetch(`${base}/api/v1/public/projects?village=${code}`)).json()) as {
      items: { name: string; contractor: string }[];
    };
    expect(disclosed.items.length).toBeGreaterThan(0);
    await page.goto(`${base}/#/village/${code}/projects`);
    const cards = page.locator('.card');
    await cards.first().waitFor({ timeout: 15_000 });
    expect(await cards.locator('h2').allTextContents()).toEqual(disclosed.items.map((p) => p.name));
    expect(await cards.allTextContents()).toEqual(
      disclosed.items.map((p) => expect.stringContaining(`承建方：${p.contractor}`)),
    );
    await expectAccessible(page, 'village-projects');
  });

  it("opens a village's 公告 tab and reads a notice the township published for it", async () => {
    const county = generateDemoCounty(SEEDED_COUNTY);
    const notice = (await rowsOf(county, 'notices')).find((r) => r.values.village);
    const { township, village, title, body } = (notice as NormalizedRow).values as Record<
      'township' | 'village' | 'title' | 'body',
      string
    >;
    await page.goto(`${base}/#/village`);
    await page.getByLabel('乡镇').selectOption({ label: township });
    await page.getByLabel('村（社区）').selectOption({ label: village });
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('heading', { level: 1, name: `${township} ${village}` }).waitFor();
    await page.getByRole('link', { name: '公告' }).click();
    await page.getByRole('heading', { level: 3, name: title }).waitFor({ timeout: 15_000 });
    await page.getByText(body, { exact: true }).waitFor();
    await expectAccessible(page, 'village-notices');
  });

  it('files a report, shows the receipt code large and reads the report back by it', async () => {
    await page.goto(`${base}/#/report`);
    await page.getByLabel('项目工程').check();
    // A short complaint is a complaint.
    await page.getByLabel('具体情况').fill('修路工程偷工减料');
    await expectAccessible(page, 'report-form');
    await page.getByRole('button', { name: '提交' }).click();
    const code = page.getByTestId('receipt-code');
    await code.waitFor({ timeout: 60_000 });
    const receiptCode = (await code.textContent())?.trim() ?? '';
    expect(receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    // Shown large: at least twice the body's type.
    const size = await code.evaluate((el) => {
      // The test tsconfig has no DOM lib: the page's global, typed as much as used here.
      const view = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } };
      return Number.parseFloat(view.getComputedStyle(el).fontSize);
    });
    expect(size).toBeGreaterThanOrEqual(32);
    await expectAccessible(page, 'report-receipt');

    await page.getByRole('link', { name: '用查询码查进度' }).click();
    await page.getByLabel('查询码').fill(receiptCode);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: '办理状态：已收到' }).waitFor({ timeout: 15_000 });
    await expectAccessible(page, 'receipt-lookup');
  });
});
