import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, seriousAccessibilityViolations } from '../support/browser.js';

// The harness itself: Debian's chromium starts, and axe-core tells an inaccessible page from
// an accessible one (so a page test's `toEqual([])` can fail).
describe('browser harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds a serious violation on an unlabelled input and none on a labelled one', async () => {
    const context = await newContext(browser, 'phone');
    const page = await context.newPage();
    await page.setContent('<html lang="zh-CN"><title>测试</title><main><input type="text"></main></html>');
    const bad = await seriousAccessibilityViolations(page);
    expect(bad.map((v) => v.id)).toContain('label');
    await page.setContent(
      '<html lang="zh-CN"><title>测试</title><main><label>姓名 <input type="text"></label></main></html>',
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
