import { describe, expect, it } from 'vitest';
import { generateDemoCounty } from '../src/index.js';

describe('demo county size', () => {
  // How fast 20,000 persons generate is reported by `npm run accuracy` (timings are not unit-test material).
  it('scales with `persons`', () => {
    const small = generateDemoCounty({ persons: 2000 });
    const large = generateDemoCounty({ persons: 20_000 });

    expect(small.stats.persons).toBe(2000);
    expect(large.stats.persons).toBe(20_000);
    // About 3.2 persons per household.
    for (const c of [small, large]) {
      expect(c.stats.households).toBeGreaterThan(c.stats.persons / 4);
      expect(c.stats.households).toBeLessThan(c.stats.persons / 2.5);
    }
    const ratio = large.stats.payments / small.stats.payments;
    expect(ratio).toBeGreaterThan(7);
    expect(ratio).toBeLessThan(13);
    expect(large.truth.leads.length).toBeGreaterThan(small.truth.leads.length * 4);
    const bytes = (c: typeof small) => c.files.reduce((s, f) => s + f.body.byteLength, 0);
    expect(bytes(large)).toBeGreaterThan(bytes(small) * 7);
    // Same set of files (same months and programs), just longer.
    expect(large.files.map((f) => f.fileName)).toEqual(small.files.map((f) => f.fileName));
  });

  it('follows the period options: months and first month', () => {
    const c = generateDemoCounty({ persons: 500, firstMonth: '2024-04', months: 3 });
    const dibao = c.files.filter((f) => f.fileName.includes('农村低保'));
    expect(dibao.map((f) => f.fileName)).toEqual([
      '2024年04月农村低保发放花名册.csv',
      '2024年05月农村低保发放花名册.csv',
      '2024年06月农村低保发放花名册.csv',
    ]);
    expect(c.files.some((f) => f.fileName === '户籍人口信息_20240401.csv')).toBe(true);
  });
});
