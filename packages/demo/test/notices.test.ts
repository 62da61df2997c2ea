import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateDemoCounty } from '../src/index.js';
import { decode, ofKind, readTable } from './helpers.js';

const county = generateDemoCounty();
const divisions = readTable(ofKind(county.files, 'divisions')[0] as (typeof county.files)[number]);
const townships = divisions.rows.filter((r) => r.cells.level === '乡镇');
const villages = divisions.rows.filter((r) => r.cells.level === '村');
const notices = ofKind(county.files, 'notices').flatMap((f) => {
  const [header, ...rows] = parse(decode(f.body).text, { bom: true }) as string[][];
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
});

describe('demo county notices (党务政务村务公开)', () => {
  it('gives every township a register with its own notices and some of every village', () => {
    expect(townships.length).toBeGreaterThan(1);
    expect(villages.length).toBeGreaterThan(townships.length);
    expect(ofKind(county.files, 'notices')).toHaveLength(townships.length);
    for (const t of townships) {
      const own = notices.filter((n) => n.乡镇 === t.cells.name && n.公开层级 === '乡镇级');
      expect(own.length, t.cells.name).toBeGreaterThanOrEqual(3);
      expect(
        own.every((n) => n.村 === ''),
        t.cells.name,
      ).toBe(true);
    }
    for (const v of villages)
      expect(
        notices.filter((n) => n.村 === v.cells.name && n.公开层级 === '村级').length,
        v.cells.name,
      ).toBeGreaterThanOrEqual(1);
  });

  it('spreads categories and dates over the demo period', () => {
    expect(new Set(notices.map((n) => n.公开类别))).toEqual(new Set(['党务', '政务', '村务', '财务']));
    const dates = notices.map((n) => n.公开日期 ?? '');
    for (const d of dates) expect(d).toMatch(/^2023-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$/);
    expect(new Set(dates.map((d) => d.slice(0, 7))).size).toBeGreaterThanOrEqual(8);
    for (const n of notices) {
      expect(n.标题?.length, n.标题).toBeGreaterThan(4);
      expect(n.内容 ?? '', n.标题).toMatch(/^[\u4e00-\u9fff“”，。、：；（）\d]{30,}$/);
    }
  });

  it('mentions no ID number, phone number or registry name', () => {
    const registry = readTable(
      ofKind(county.files, 'household_registry')[0] as (typeof county.files)[number],
    );
    const names = new Set(registry.rows.map((r) => r.cells.name ?? '').filter((n) => n.length >= 2));
    expect(names.size).toBeGreaterThan(1000);
    const text = notices.map((n) => `${n.标题}${n.内容}`).join('\n');
    expect(text).not.toMatch(/\d{11,}/);
    expect([...names].filter((name) => text.includes(name))).toEqual([]);
  });
});
