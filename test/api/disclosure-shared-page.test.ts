import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { describe, expect, it } from 'vitest';
import { DIVISIONS, REGISTRY } from '../support/disclosure-files.js';
import { disclosurePlatform } from '../support/disclosure-platform.js';
import { testId } from '../support/ids.js';

const NOW = '2024-06-15T02:00:00.000Z';
const HEADER = '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期';
/** Civil affairs' rosters and the township's: both pay 农村低保 in 红星村 (one public page a month). */
const CIVIL_MARCH = 'uploads/civil-affairs/subsidy_payments/2024年3月农村低保.csv';
const CIVIL_FEBRUARY = 'uploads/civil-affairs/subsidy_payments/2024年2月农村低保.csv';
const TOWNSHIP_MARCH = 'uploads/township-431199100/subsidy_payments/2024年3月红星村低保.csv';

const person = (name: string, n: number) => ({
  name,
  id: testId(`1950-02-${String(n).padStart(2, '0')}`, n),
});
const civil = [person('周大海', 1), person('吴小河', 2)];
const township = [person('郑春山', 3), person('冯秋水', 4)];
const roster = (
  who: readonly { name: string; id: string }[],
  amounts: readonly number[],
  month = '2024-03',
) =>
  [HEADER, ...who.map((p, i) => `农村低保,${p.name},${p.id},青山镇,红星村,${amounts[i]},${month}-05`)].join(
    '\n',
  );
const mask = (name: string) => `${name[0]}${'*'.repeat(name.length - 1)}`;

/** A county in memory whose uploads are normalized as they come (`deliver`), synced by the test. */
function county() {
  const clock = { now: NOW };
  const { p, app, sync } = disclosurePlatform(clock, new MemoryDisclosureStore());
  const deliver = async (files: readonly (readonly [string, string])[]) => {
    for (const [key, text] of files) {
      await p.deliver(key, text);
      // Each upload is newer than the one before (a re-upload replaces what it covers again).
      clock.now = new Date(Date.parse(clock.now) + 60_000).toISOString();
    }
  };
  const get = async (path: string) => {
    const res = await app.request(path);
    return { path, status: res.status, body: (await res.json()) as unknown };
  };
  /** 红星村's payments of a month, as the public listing shows them. */
  const listed = async (month: string) =>
    (
      (await get(`/api/v1/public/payments?month=${month}&village=431199100201&limit=100`)).body as {
        items: { name: string; amount: number }[];
      }
    ).items
      .map((i) => `${i.name} ${i.amount}`)
      .sort();
  /** Every public answer about 红星村's payments: listings, totals, each person's lookup. */
  const answers = async () => {
    const out: unknown[] = [];
    for (const month of ['2024-02', '2024-03']) out.push(await listed(month));
    for (const by of ['month', 'village', 'program'])
      out.push(await get(`/api/v1/public/totals?year=2024&by=${by}&village=431199100201`));
    for (const p of [...civil, ...township]) {
      const res = await app.request('/api/v1/public/lookup', {
        method: 'POST',
        body: JSON.stringify({ name: p.name, idNumber: p.id }),
        headers: { 'content-type': 'application/json' },
      });
      out.push({ lookup: p.name, status: res.status, body: await res.json() });
    }
    return out;
  };
  return { deliver, sync, listed, answers };
}

const BASE = [
  ['uploads/civil-affairs/divisions/区划.csv', DIVISIONS],
  ['uploads/police/household_registry/户籍.csv', REGISTRY],
] as const;

describe('a payment page two departments share (same village, program and month)', () => {
  it("keeps the other department's payments when one department's roster is corrected", async () => {
    const c = county();
    await c.deliver([
      ...BASE,
      [CIVIL_MARCH, roster(civil, [300, 310])],
      [TOWNSHIP_MARCH, roster(township, [320, 330])],
    ]);
    await c.sync();
    expect(await c.listed('2024-03')).toEqual(
      [
        `${mask('周大海')} 300`,
        `${mask('吴小河')} 310`,
        `${mask('郑春山')} 320`,
        `${mask('冯秋水')} 330`,
      ].sort(),
    );

    // Civil affairs corrects one amount: a new version replaces theirs; the township's stays.
    await c.deliver([[CIVIL_MARCH, roster(civil, [300, 315])]]);
    const summary = await c.sync();
    expect(await c.listed('2024-03')).toEqual(
      [
        `${mask('周大海')} 300`,
        `${mask('吴小河')} 315`,
        `${mask('郑春山')} 320`,
        `${mask('冯秋水')} 330`,
      ].sort(),
    );
    // Only the corrected payment changed (out and in again); the township's are not written.
    expect(summary.paymentsWritten).toBe(2);

    const fresh = county();
    await fresh.deliver([
      ...BASE,
      [CIVIL_MARCH, roster(civil, [300, 315])],
      [TOWNSHIP_MARCH, roster(township, [320, 330])],
    ]);
    await fresh.sync();
    expect(await c.answers()).toEqual(await fresh.answers());
    expect(await c.sync()).toMatchObject({ paymentsWritten: 0, itemsWritten: 0 });
  });

  it("keeps the other department's payments when one department's first roster of that month comes", async () => {
    const c = county();
    await c.deliver([
      ...BASE,
      [CIVIL_FEBRUARY, roster(civil, [290, 290], '2024-02')],
      [TOWNSHIP_MARCH, roster(township, [320, 330])],
    ]);
    await c.sync();
    // Civil affairs' March roster comes after: the page of March 低保 in 红星村 gets its records too.
    await c.deliver([[CIVIL_MARCH, roster(civil, [300, 310])]]);
    await c.sync();
    expect(await c.listed('2024-03')).toEqual(
      [
        `${mask('周大海')} 300`,
        `${mask('吴小河')} 310`,
        `${mask('郑春山')} 320`,
        `${mask('冯秋水')} 330`,
      ].sort(),
    );

    const fresh = county();
    await fresh.deliver([
      ...BASE,
      [CIVIL_FEBRUARY, roster(civil, [290, 290], '2024-02')],
      [TOWNSHIP_MARCH, roster(township, [320, 330])],
      [CIVIL_MARCH, roster(civil, [300, 310])],
    ]);
    await fresh.sync();
    expect(await c.answers()).toEqual(await fresh.answers());

    // Replaced by a March roster of 白沙村 only: civil affairs' 红星村 records leave, the township's stay.
    await c.deliver([[CIVIL_MARCH, roster(civil, [300, 310]).replaceAll('青山镇,红星村', '石门乡,白沙村')]]);
    await c.sync();
    expect(await c.listed('2024-03')).toEqual([`${mask('郑春山')} 320`, `${mask('冯秋水')} 330`].sort());
  });
});
