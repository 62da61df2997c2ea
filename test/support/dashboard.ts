/**
 * Driving the staff dashboard in a browser test: signing in through the issuer's login page
 * (authorization code + PKCE, as a person would) and checking each page (axe-core, screenshot).
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { newContext, screenshot, seriousAccessibilityViolations, type VIEWPORTS } from './browser.js';

/**
 * Open `path` of the dashboard as a demo user: the app shows its login, the issuer's page
 * lists the demo users, picking one comes back to `path` signed in.
 */
export async function signIn(
  browser: Browser,
  apiUrl: string,
  username: string,
  path = '/staff/',
  viewport: keyof typeof VIEWPORTS = 'laptop',
): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${apiUrl}${path}`);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator(`button[value="${username}"]`).click();
  await page.waitForURL((url) => url.pathname.startsWith('/staff/') && !url.pathname.endsWith('/callback'));
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  return page;
}

/** How long `expect.poll` waits for the page to answer (API calls on a busy machine). */
export const WAIT = { timeout: 20_000, interval: 100 } as const;

/** The page has no serious accessibility issue; its screenshot goes to the git-ignored folder. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.locator('main h1').first().waitFor();
  expect(await seriousAccessibilityViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/** A staff API caller: `path` as `username` (JSON), failing on any non-2xx answer. */
export function staffApi(apiUrl: () => string, tokenFor: (username: string) => Promise<string>) {
  return async <T>(username: string, path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${apiUrl()}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${await tokenFor(username)}`, 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** The cell of `column` in the row of a table (by caption) whose text contains `rowText`. */
export async function cell(page: Page, table: string, rowText: string, column: number): Promise<string> {
  const row = page
    .getByRole('table', { name: table })
    .locator('tbody tr')
    .filter({ hasText: rowText })
    .first();
  return ((await row.locator('td').nth(column).textContent()) ?? '').trim();
}
