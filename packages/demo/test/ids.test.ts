import { describe, expect, it } from 'vitest';
import { generateDemoCounty } from '../src/index.js';
import { isValid18, ofKind, readDate, readIdCell, readTable, villageName } from './helpers.js';

const county = generateDemoCounty();
const registry = readTable(ofKind(county.files, 'household_registry')[0] as never);

describe('demo county persons and IDs', () => {
  it('has one registry file with valid, unique IDs consistent with gender and birth date', () => {
    expect(ofKind(county.files, 'household_registry')).toHaveLength(1);
    expect(registry.rows.length).toBeGreaterThan(1800);
    const seen = new Set<string>();
    for (const { cells } of registry.rows) {
      const read = readIdCell(cells.id ?? '');
      expect(read.kind, cells.id).toBe('valid');
      if (read.kind !== 'valid') continue;
      expect(seen.has(read.id18)).toBe(false);
      seen.add(read.id18);
      expect(read.id18.slice(0, 6)).toBe('431199');
      // 17th digit: odd for men, even for women.
      expect(Number(read.id18[16]) % 2 === 1 ? '男' : '女').toBe(cells.gender);
      expect(read.id18.slice(6, 14)).toBe((cells.birth ?? '').replaceAll('-', ''));
      expect(read.id18.endsWith('000')).toBe(false);
    }
  });

  it('has households with exactly one 户主 and plausible relations', () => {
    const households = new Map<string, string[]>();
    for (const { cells } of registry.rows) {
      households.set(cells.householdNo ?? '', [
        ...(households.get(cells.householdNo ?? '') ?? []),
        cells.relation ?? '',
      ]);
    }
    expect(households.size).toBeGreaterThan(450);
    expect(households.size).toBeLessThan(800);
    for (const relations of households.values()) {
      expect(relations.filter((r) => r === '户主')).toHaveLength(1);
      for (const r of relations) expect(['户主', '配偶', '子', '女', '父', '母']).toContain(r);
    }
  });

  it('has realistic names: unique per village, compound surnames and minority names', () => {
    const byVillage = new Set<string>();
    for (const { cells } of registry.rows) {
      const key = `${cells.village}|${cells.name}`;
      expect(byVillage.has(key), key).toBe(false);
      byVillage.add(key);
    }
    const names = registry.rows.map((r) => r.cells.name ?? '');
    expect(names.some((n) => /^(欧阳|司马|诸葛|上官|司徒)/.test(n))).toBe(true);
    expect(names.some((n) => /^[\u4e00-\u9fff]+·[\u4e00-\u9fff]+$/.test(n))).toBe(true);
    expect(names.every((n) => n.length >= 2 && n.length <= 9)).toBe(true);
  });

  it('has divisions with 12-digit codes: 1 county, 3 townships, 4–6 villages each', () => {
    const divisions = readTable(ofKind(county.files, 'divisions')[0] as never);
    const levels = divisions.rows.map((r) => r.cells.level);
    expect(levels.filter((l) => l === '县')).toHaveLength(1);
    expect(levels.filter((l) => l === '乡镇')).toHaveLength(3);
    for (const { cells } of divisions.rows) expect(cells.code).toMatch(/^431199\d{6}$/);
    const townships = divisions.rows.filter((r) => r.cells.level === '乡镇');
    for (const t of townships) {
      const villages = divisions.rows.filter((r) => r.cells.parent === t.cells.code);
      expect(villages.length).toBeGreaterThanOrEqual(4);
      expect(villages.length).toBeLessThanOrEqual(6);
    }
    // Every registry village is a division.
    const villageNames = new Set(
      divisions.rows.filter((r) => r.cells.level === '村').map((r) => r.cells.name),
    );
    for (const { cells } of registry.rows)
      expect(villageNames.has(villageName(cells.village ?? ''))).toBe(true);
  });

  it('writes every death-record ID as a valid number', () => {
    for (const file of ofKind(county.files, 'death_records')) {
      const table = readTable(file);
      expect(table.rows.length).toBeGreaterThan(0);
      for (const { cells } of table.rows) {
        expect(readIdCell(cells.id ?? '').kind).toBe('valid');
        expect(readDate(cells.date ?? '')).toMatch(/^20\d\d-\d\d-\d\d$/);
      }
    }
  });

  it('writes payment IDs only as valid (noisy) IDs, upgradeable 15-digit IDs, or spreadsheet-destroyed numbers', () => {
    const kinds = new Map<string, number>();
    const raw: string[] = [];
    for (const file of ofKind(county.files, 'subsidy_payments')) {
      for (const { cells } of readTable(file).rows) {
        const cell = cells.id ?? '';
        const read = readIdCell(cell);
        expect(read.kind, cell).not.toBe('invalid');
        kinds.set(read.kind, (kinds.get(read.kind) ?? 0) + 1);
        if (read.kind === 'zeros') {
          // The `000` tail really breaks the check character: it can't be mistaken for someone else.
          expect(isValid18(cell.trim())).toBe(false);
        }
        raw.push(cell);
      }
    }
    for (const kind of ['valid', 'legacy', 'sci', 'zeros'])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    // Trivial noise that clean-up must handle.
    expect(raw.some((c) => /x$/.test(c))).toBe(true);
    expect(raw.some((c) => /[０-９]/.test(c))).toBe(true);
    expect(raw.some((c) => /\d \d/.test(c))).toBe(true);
    expect(raw.some((c) => /\d-\d/.test(c))).toBe(true);
    expect(raw.some((c) => c !== c.trim())).toBe(true);
  });
});
