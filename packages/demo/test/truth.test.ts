import { describe, expect, it } from 'vitest';
import { type DemoCounty, generateDemoCounty } from '../src/index.js';
import {
  monthsBetween,
  nameForMatch,
  ofKind,
  programCode,
  readAmount,
  readDate,
  readIdCell,
  readPeriod,
  readTable,
  villageName,
} from './helpers.js';

interface Recomputed {
  /** id18 → earliest death date. */
  deaths: Map<string, string>;
  /** `${id18}|${program}` → payments of that person and program, as read from the CSVs. */
  paid: Map<
    string,
    { month: string; fen: number; match: 'id' | 'repaired_id' | 'name_village'; place: string }[]
  >;
  periodDiffersFromPayDate: number;
}

/** Re-read every file the way an inspector would, without any of the generator's code. */
function recompute(county: DemoCounty): Recomputed {
  const registry = readTable(ofKind(county.files, 'household_registry')[0] as never);
  const byNameVillage = new Map<string, string | null>();
  const place = new Map<string, string>();
  for (const { cells } of registry.rows) {
    const read = readIdCell(cells.id ?? '');
    if (read.kind !== 'valid') throw new Error('registry IDs are all valid');
    const key = `${villageName(cells.village ?? '')}|${nameForMatch(cells.name ?? '')}`;
    byNameVillage.set(key, byNameVillage.has(key) ? null : read.id18);
    place.set(read.id18, `${cells.township}/${villageName(cells.village ?? '')}`);
  }
  const deaths = new Map<string, string>();
  for (const file of ofKind(county.files, 'death_records')) {
    for (const { cells } of readTable(file).rows) {
      const read = readIdCell(cells.id ?? '');
      if (read.kind !== 'valid') throw new Error('death-record IDs are all valid');
      const date = readDate(cells.date ?? '');
      const known = deaths.get(read.id18);
      if (known === undefined || date < known) deaths.set(read.id18, date);
    }
  }
  const paid: Recomputed['paid'] = new Map();
  let periodDiffersFromPayDate = 0;
  for (const file of ofKind(county.files, 'subsidy_payments')) {
    for (const { cells } of readTable(file).rows) {
      const read = readIdCell(cells.id ?? '');
      const village = villageName(cells.village ?? '');
      let id18: string | null | undefined;
      let match: 'id' | 'repaired_id' | 'name_village';
      if (read.kind === 'valid' || read.kind === 'legacy') {
        id18 = read.id18;
        match = read.kind === 'valid' ? 'id' : 'repaired_id';
      } else {
        id18 = byNameVillage.get(`${village}|${nameForMatch(cells.name ?? '')}`);
        match = 'name_village';
      }
      if (id18 === undefined || id18 === null) continue;
      const payMonth = readDate(cells.payDate ?? '').slice(0, 7);
      const month = cells.period !== undefined ? readPeriod(cells.period) : payMonth;
      if (month !== payMonth) periodDiffersFromPayDate++;
      const key = `${id18}|${programCode(cells.program ?? '')}`;
      const list = paid.get(key) ?? [];
      list.push({
        month,
        fen: readAmount(cells.amount ?? ''),
        match,
        place: place.get(id18) ?? `${cells.township}/${village}`,
      });
      paid.set(key, list);
    }
  }
  return { deaths, paid, periodDiffersFromPayDate };
}

const RANK = { id: 0, repaired_id: 1, name_village: 2 } as const;

function expectTruthMatchesFiles(county: DemoCounty): Recomputed {
  const data = recompute(county);
  const leads = new Map<string, { amount: number; payments: number; match: string; place: string }>();
  for (const [key, list] of data.paid) {
    const death = data.deaths.get(key.split('|')[0] as string);
    if (death === undefined) continue;
    const firing = list.filter((p) => monthsBetween(death.slice(0, 7), p.month) >= 2);
    if (firing.length === 0) continue;
    leads.set(key, {
      amount: firing.reduce((s, p) => s + p.fen, 0),
      payments: firing.length,
      match: firing.reduce((w, p) => (RANK[p.match] > RANK[w] ? p.match : w), 'id' as keyof typeof RANK),
      place: (firing[0] as { place: string }).place,
    });
  }
  const r01 = county.truth.leads.filter((l) => l.rule === 'R01');
  expect(r01.map((l) => l.subjectKey).sort()).toEqual([...leads.keys()].sort());
  for (const lead of r01) {
    const found = leads.get(lead.subjectKey);
    expect(lead.rule).toBe('R01');
    expect(lead.amount, lead.subjectKey).toBe(found?.amount);
    expect(lead.payments, lead.subjectKey).toBe(found?.payments);
    expect(lead.match, lead.subjectKey).toBe(found?.match);
    expect(`${lead.township}/${lead.village}`).toBe(found?.place);
    expect(Number.isInteger(lead.amount) && lead.amount > 0).toBe(true);
  }
  return data;
}

describe('R01 ground truth', () => {
  const county = generateDemoCounty();

  it('equals what re-reading the CSV files gives: same leads, amounts, payment counts and match kinds', () => {
    expectTruthMatchesFiles(county);
  });

  it('plants leads for every way of matching, including a death before the period', () => {
    const { deaths } = recompute(county);
    const r01 = county.truth.leads.filter((l) => l.rule === 'R01');
    const matches = new Set(r01.map((l) => l.match));
    expect(matches).toEqual(new Set(['id', 'repaired_id', 'name_village']));
    expect(r01.some((l) => (deaths.get(l.subjectKey.split('|')[0] as string) ?? '') < '2023-01-01')).toBe(
      true,
    );
    expect(new Set(r01.map((l) => l.subjectKey.split('|')[1])).size).toBeGreaterThanOrEqual(3);
  });

  it('plants about 1–2% of recurring recipients as leads', () => {
    const { paid } = recompute(county);
    const recipients = new Set(
      [...paid.keys()].filter((k) => !k.endsWith('|LINSHI')).map((k) => k.split('|')[0]),
    );
    const r01 = county.truth.leads.filter((l) => l.rule === 'R01');
    const ratio = new Set(r01.map((l) => l.subjectKey.split('|')[0])).size / recipients.size;
    expect(ratio).toBeGreaterThanOrEqual(0.005);
    expect(ratio).toBeLessThanOrEqual(0.03);
  });

  it('has rosters whose period differs from the pay date month (the period decides)', () => {
    expect(recompute(county).periodDiffersFromPayDate).toBeGreaterThan(0);
  });

  it('has decoys that really are decoys: grace-month payments, payments before death, deaths never paid', () => {
    const { deaths, paid } = recompute(county);
    const leadKeys = new Set(county.truth.leads.filter((l) => l.rule === 'R01').map((l) => l.subjectKey));
    let grace = 0;
    let gracePrePeriod = 0;
    let before = 0;
    let neverPaid = 0;
    for (const decoy of county.truth.decoys.filter((d) => d.rule === 'R01')) {
      expect(leadKeys.has(decoy.subjectKey)).toBe(false);
      const [id18, program] = decoy.subjectKey.split('|') as [string, string];
      const death = deaths.get(id18);
      expect(death, decoy.subjectKey).toBeDefined();
      const deathMonth = (death as string).slice(0, 7);
      if (program === '*') {
        expect([...paid.keys()].some((k) => k.startsWith(`${id18}|`))).toBe(false);
        neverPaid++;
        continue;
      }
      const months = (paid.get(decoy.subjectKey) ?? []).map((p) => p.month);
      expect(months.length, decoy.subjectKey).toBeGreaterThan(0);
      for (const m of months) expect(monthsBetween(deathMonth, m)).toBeLessThan(2);
      if (months.some((m) => monthsBetween(deathMonth, m) === 1)) {
        grace++;
        if (deathMonth < '2023-01') gracePrePeriod++;
      }
      if (months.every((m) => monthsBetween(deathMonth, m) < 0)) before++;
    }
    expect(grace).toBeGreaterThanOrEqual(2);
    expect(gracePrePeriod).toBeGreaterThanOrEqual(1);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(neverPaid).toBeGreaterThan(5);
  });

  it('holds for other seeds, sizes and periods too', () => {
    for (const options of [
      { seed: 7, persons: 600 },
      { seed: 99, persons: 5000, firstMonth: '2022-07', months: 18 },
      { seed: 3, persons: 300, months: 4 },
    ]) {
      const other = generateDemoCounty(options);
      expectTruthMatchesFiles(other);
      expect(other.truth.leads.filter((l) => l.rule === 'R01').length).toBeGreaterThanOrEqual(3);
    }
  });
});
