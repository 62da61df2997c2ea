import { RULES as REGISTERED } from '@jiandu/domain/rules/registry';
import { ingestFile } from '@jiandu/ingest';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type DemoCounty, generateDemoCounty } from '../src/index.js';
import { decode, ofKind } from './helpers.js';

// Every registered rule: a new rule fails here until the demo county plants its leads and decoys.
const RULES = REGISTERED.map((rule) => rule.code);
const county = generateDemoCounty();

function leadsOf(c: DemoCounty, rule: string) {
  return c.truth.leads.filter((l) => l.rule === rule);
}

/** Village-finance rows re-read from the CSV files, by header name (independently of the generator). */
function vouchers(c: DemoCounty) {
  return ofKind(c.files, 'village_finance').flatMap((file) => {
    const rows = parse(decode(file.body).text, { relax_column_count: true, bom: true }) as string[][];
    const h = rows.findIndex((r) => r.includes('凭证号'));
    const header = rows[h] as string[];
    const col = (name: string) => header.indexOf(name);
    return rows
      .slice(h + 1)
      .filter((r) => (r[col('凭证号')] ?? '') !== '')
      .map((r) => ({
        township: r[col('乡镇')] as string,
        village: r[col('村')] as string,
        date: r[col('日期')] as string,
        direction: r[col('收支')] as string,
        category: r[col('科目')] as string,
        fen: Math.round(Number(r[col('金额')]) * 100),
        payee: r[col('对方户名')] as string,
      }));
  });
}

describe('planted leads and near misses of every rule', () => {
  it('has leads and decoys of every rule in the default county', () => {
    for (const rule of RULES) {
      expect(leadsOf(county, rule).length, rule).toBeGreaterThanOrEqual(3);
      expect(
        county.truth.decoys.filter((d) => d.rule === rule).length +
          county.truth.plants.filter((p) => p.rule === rule && p.kind === 'decoy').length,
        rule,
      ).toBeGreaterThan(0);
    }
    const keys = county.truth.leads.map((l) => `${l.rule}|${l.subjectKey}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const l of county.truth.leads)
      expect(Number.isInteger(l.amount) && l.amount >= 0, `${l.rule} ${l.subjectKey}`).toBe(true);
  });

  it('keeps every rule planted for other seeds, sizes and periods', () => {
    for (const options of [
      { seed: 7, persons: 600 },
      { seed: 3, persons: 700, months: 4 },
      { seed: 99, persons: 5000, firstMonth: '2022-07', months: 18 },
    ]) {
      const other = generateDemoCounty(options);
      for (const rule of RULES)
        expect(leadsOf(other, rule).length, `${rule} ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('covers the precise readings of CONTRACT.md §5 at their boundaries', () => {
    // R05: a poor-household member who receives nothing still leads, with amount 0; capital exactly 10万 counts.
    expect(leadsOf(county, 'R05').some((l) => l.subjectKey.endsWith('|POVERTY') && l.amount === 0)).toBe(
      true,
    );
    // R06: total minus one payment, the larger kept (2,000 + 800 元 → 800 元).
    expect(leadsOf(county, 'R06').some((l) => l.subjectKey.includes('|LINSHI|') && l.amount === 80_000)).toBe(
      true,
    );
    // R04: officials who took office or left mid-period only count the months they held the post.
    expect(
      leadsOf(county, 'R04').filter((l) => l.subjectKey.endsWith('|DIBAO_RURAL') && l.payments < 12).length,
    ).toBeGreaterThanOrEqual(2);
    // R08: a 15-digit ID on the roster is still a valid ID (repaired) and fires.
    expect(leadsOf(county, 'R08').some((l) => l.match === 'repaired_id')).toBe(true);
    // R10: two payments exactly 60 days apart totalling exactly 50,000 元 fire.
    expect(leadsOf(county, 'R10').some((l) => l.amount === 5_000_000 && l.payments === 2)).toBe(true);
    // Fallback: leads of several rules rest on rows whose ID a spreadsheet destroyed.
    expect(
      new Set(county.truth.leads.filter((l) => l.needsFallback).map((l) => l.rule)).size,
    ).toBeGreaterThanOrEqual(4);
    expect(county.truth.leads.some((l) => l.needsRepair)).toBe(true);
  });

  it('computes R11 exactly as re-reading the village books gives it, including a year at exactly 5,000 元', () => {
    const years = new Map<string, { total: number; max: number }>();
    for (const v of vouchers(county)) {
      if (v.direction !== '支出' || v.category !== '招待费') continue;
      const key = `${v.township}|${v.village}|${v.date.slice(0, 4)}`;
      const y = years.get(key) ?? { total: 0, max: 0 };
      y.total += v.fen;
      y.max = Math.max(y.max, v.fen);
      years.set(key, y);
    }
    const firing = [...years].filter(([, y]) => y.total > 500_000 || y.max > 100_000);
    expect(leadsOf(county, 'R11').map((l) => [l.subjectKey, l.amount])).toEqual(
      firing.map(([k, y]) => [k, y.total]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
    expect([...years.values()].some((y) => y.total === 500_000 && y.max <= 100_000)).toBe(true);
    expect([...years.values()].some((y) => y.max === 100_000 && y.total <= 500_000)).toBe(true);
  });

  it('has R10 near misses in the books: 61 days apart, 49,999.99 元 in total, one payment at 60,000 元', () => {
    const byPayee = new Map<string, { date: string; fen: number }[]>();
    for (const v of vouchers(county)) {
      if (v.direction !== '支出' || v.category !== '工程款') continue;
      const key = `${v.township}|${v.village}|${v.payee}`;
      byPayee.set(key, [...(byPayee.get(key) ?? []), { date: v.date, fen: v.fen }]);
    }
    const decoys = new Set(county.truth.decoys.filter((d) => d.rule === 'R10').map((d) => d.subjectKey));
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    const shapes = [...byPayee]
      .filter(([k]) => decoys.has(k))
      .map(([, list]) => list.sort((a, b) => (a.date < b.date ? -1 : 1)));
    expect(
      shapes.some(
        (l) =>
          l.length === 2 && days((l[0] as { date: string }).date, (l[1] as { date: string }).date) === 61,
      ),
    ).toBe(true);
    expect(shapes.some((l) => l.reduce((s, x) => s + x.fen, 0) === 4_999_999)).toBe(true);
    expect(shapes.some((l) => l.some((x) => x.fen >= 5_000_000))).toBe(true);
  });
});

describe('the files of every department', () => {
  it('are read by the platform ingest: every data row accepted, only notes under the tables rejected', async () => {
    const kinds = new Set(county.files.map((f) => f.kind));
    expect(kinds.size).toBe(14);
    expect(kinds.has('notices')).toBe(true);
    for (const file of county.files) {
      const rejected: { original: Readonly<Record<string, string>> }[] = [];
      let accepted = 0;
      const result = await ingestFile(
        file.kind,
        { fileName: file.fileName, body: file.body },
        {
          accept: () => {
            accepted++;
          },
          reject: (row) => {
            rejected.push(row);
          },
        },
      );
      expect(accepted, file.fileName).toBeGreaterThan(0);
      expect(result.quality.accepted).toBe(accepted);
      for (const r of rejected) {
        // A note line: one non-empty cell, under the table.
        expect(
          Object.values(r.original).filter((v) => v.trim() !== '').length,
          `${file.fileName}: ${JSON.stringify(r.original)}`,
        ).toBe(1);
      }
    }
  });

  it('come from the departments CONTRACT.md §1 names', () => {
    const byKind = new Map<string, Set<string>>();
    for (const f of county.files) byKind.set(f.kind, new Set([...(byKind.get(f.kind) ?? []), f.department]));
    expect(byKind.get('public_officials')).toEqual(new Set(['organization']));
    expect(byKind.get('fiscal_payroll')).toEqual(new Set(['finance']));
    expect(byKind.get('social_insurance')).toEqual(new Set(['hrss']));
    expect(byKind.get('market_entities')).toEqual(new Set(['market-supervision']));
    expect(byKind.get('property_records')).toEqual(new Set(['natural-resources']));
    expect(byKind.get('vehicle_records')).toEqual(new Set(['police']));
    expect(byKind.get('poverty_registry')).toEqual(new Set(['rural-revitalization']));
    expect(byKind.get('livelihood_projects')).toEqual(new Set(['rural-revitalization']));
    expect([...(byKind.get('village_finance') ?? [])].every((d) => /^township-\d{9}$/.test(d))).toBe(true);
    expect([...(byKind.get('notices') ?? [])].every((d) => /^township-\d{9}$/.test(d))).toBe(true);
  });
});
