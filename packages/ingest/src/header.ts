/**
 * Finding the header row of a sheet and mapping its cells to canonical columns.
 */
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { AmountUnit } from '@jiandu/domain/normalize/amount';
import { type ColumnSpec, KIND_SPECS } from './aliases.js';
import { cellText, type RawCell } from './cells.js';

/** A header cell after cleaning, with a unit found in brackets (`金额（万元）`). */
export interface CleanHeader {
  readonly key: string;
  readonly unit?: AmountUnit;
}

const BRACKETED = /\(([^()]*)\)|\[([^[\]]*)\]/g;

/**
 * Clean a header cell for alias lookup: full-width → ASCII (brackets too), every blank and
 * line break removed, bracketed units/notes (`金额（元）` → `金额`) and required-markers
 * (`*姓名`) dropped, lower-cased for Latin headers.
 */
export function cleanHeader(raw: RawCell): CleanHeader {
  let s = cellText(raw)
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200f\ufeff]/g, '')
    .replace(/[【〔［]/g, '[')
    .replace(/[】〕］]/g, ']')
    .replace(/[*＊:：]/g, '')
    .toLowerCase();
  let unit: AmountUnit | undefined;
  s = s.replace(BRACKETED, (_all, round: string | undefined, square: string | undefined) => {
    const inner = round ?? square ?? '';
    if (/万元|万/.test(inner)) unit = 'wan';
    else if (/^元$|人民币元/.test(inner) && unit === undefined) unit = 'yuan';
    return '';
  });
  // A unit written after the name without brackets: `金额元`, `注册资本万元`.
  const trailing = /^(.+?)(万元|元)$/.exec(s);
  if (trailing && trailing[1] !== '' && !['金', '单'].includes(trailing[1]?.slice(-1) ?? '')) {
    s = trailing[1] as string;
    unit = trailing[2] === '万元' ? 'wan' : 'yuan';
  }
  return unit === undefined ? { key: s } : { key: s, unit };
}

const LOOKUPS = new Map<DatasetKind, Map<string, ColumnSpec>>();

/** alias key → column of a kind; the first column listing an alias wins. */
export function aliasLookup(kind: DatasetKind): Map<string, ColumnSpec> {
  let lookup = LOOKUPS.get(kind);
  if (!lookup) {
    lookup = new Map();
    for (const column of KIND_SPECS[kind].columns) {
      for (const alias of [column.name, ...column.aliases]) {
        const { key } = cleanHeader(alias);
        if (key !== '' && !lookup.has(key)) lookup.set(key, column);
      }
    }
    LOOKUPS.set(kind, lookup);
  }
  return lookup;
}

/** One source column mapped to a canonical column. */
export interface MappedColumn {
  readonly index: number;
  readonly column: ColumnSpec;
  readonly unit?: AmountUnit;
}

/** A header row mapped to canonical columns. */
export interface HeaderMapping {
  readonly mapped: readonly MappedColumn[];
  /** Original header text of every source column (blank headers become `第N列`), for rejects. */
  readonly originalHeaders: readonly string[];
  /** Required groups (alternatives joined by `/`) that are missing. */
  readonly missing: readonly string[];
  /** Number of required groups satisfied. */
  readonly satisfied: number;
}

/** Map one candidate header row. Repeated columns keep their first occurrence. */
export function mapHeader(kind: DatasetKind, cells: readonly RawCell[]): HeaderMapping {
  const lookup = aliasLookup(kind);
  const mapped: MappedColumn[] = [];
  const seen = new Set<string>();
  const originalHeaders: string[] = [];
  const used = new Map<string, number>();
  cells.forEach((cell, index) => {
    const text = cellText(cell).replace(/\s+/g, ' ').trim();
    let header = text === '' ? `第${index + 1}列` : text;
    const count = (used.get(header) ?? 0) + 1;
    used.set(header, count);
    if (count > 1) header = `${header}#${count}`;
    originalHeaders.push(header);
    const clean = cleanHeader(cell);
    const column = lookup.get(clean.key);
    if (!column || seen.has(column.name)) return;
    seen.add(column.name);
    mapped.push(clean.unit === undefined ? { index, column } : { index, column, unit: clean.unit });
  });
  const missing: string[] = [];
  let satisfied = 0;
  for (const group of KIND_SPECS[kind].required) {
    if (group.some((name) => seen.has(name))) satisfied++;
    else missing.push(group.join('/'));
  }
  return { mapped, originalHeaders, missing, satisfied };
}

/**
 * Pick the header among the first rows of a sheet: the first row satisfying the most required
 * groups (ties: more mapped columns). `undefined` when no row maps a single column.
 */
export function detectHeader(
  kind: DatasetKind,
  rows: readonly (readonly RawCell[])[],
): { index: number; mapping: HeaderMapping } | undefined {
  let best: { index: number; mapping: HeaderMapping } | undefined;
  rows.forEach((cells, index) => {
    const mapping = mapHeader(kind, cells);
    if (mapping.mapped.length === 0) return;
    if (
      !best ||
      mapping.satisfied > best.mapping.satisfied ||
      (mapping.satisfied === best.mapping.satisfied && mapping.mapped.length > best.mapping.mapped.length)
    ) {
      best = { index, mapping };
    }
  });
  return best;
}
