/**
 * Finding the header row of a sheet and mapping its cells to canonical columns.
 */
import { IGNORE_COLUMN } from '@jiandu/domain/datasets/column-mappings';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { ColumnSource } from '@jiandu/domain/model';
import type { AmountUnit } from '@jiandu/domain/normalize/amount';
import { type ColumnSpec, KIND_SPECS } from './aliases.js';
import { cellText, type RawCell } from './cells.js';
import { SOURCE_ALIASES } from './source-aliases.js';

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

/** A header alias of a canonical column; `rank` is its position in the column's alias list (0 = best). */
interface AliasHit {
  readonly column: ColumnSpec;
  readonly rank: number;
}

const LOOKUPS = new Map<DatasetKind, Map<string, AliasHit>>();

/**
 * alias key → column of a kind: the contract's aliases (`aliases.ts`) first, then the source
 * systems' column names (`source-aliases.ts`); the first column listing an alias wins.
 */
export function aliasLookup(kind: DatasetKind): Map<string, AliasHit> {
  let lookup = LOOKUPS.get(kind);
  if (!lookup) {
    const table = new Map<string, AliasHit>();
    const add = (column: ColumnSpec, aliases: readonly string[], offset: number) =>
      aliases.forEach((alias, i) => {
        const { key } = cleanHeader(alias);
        if (key !== '' && !table.has(key)) table.set(key, { column, rank: offset + i });
      });
    const columns = KIND_SPECS[kind].columns;
    for (const column of columns) add(column, [column.name, ...column.aliases], 0);
    for (const column of columns) add(column, SOURCE_ALIASES[kind][column.name] ?? [], 1000);
    lookup = table;
    LOOKUPS.set(kind, lookup);
  }
  return lookup;
}

/** One source column mapped to a canonical column. */
export interface MappedColumn {
  readonly index: number;
  readonly column: ColumnSpec;
  readonly unit?: AmountUnit;
  /** How the column was recognised: its header, its values, or the department's mapping. */
  readonly how: ColumnSource['how'];
}

/**
 * A department's remembered mapping as ingest uses it: cleaned header key → canonical column,
 * or `ignore` (left out on purpose). Build it with {@link departmentMapping}.
 */
export type DepartmentMapping = ReadonlyMap<string, string>;

/** The lookup of a department's stated mapping (`列名 → owner_id`), keyed like aliases. */
export function departmentMapping(columns: Readonly<Record<string, string>> | undefined): DepartmentMapping {
  const map = new Map<string, string>();
  for (const [header, column] of Object.entries(columns ?? {})) {
    const { key } = cleanHeader(header);
    if (key !== '') map.set(key, column);
  }
  return map;
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
  /** Columns that appeared more than once under different headers: which header was used, which not. */
  readonly duplicates: readonly { readonly label: string; readonly used: string; readonly ignored: string }[];
  /** Source columns the department's mapping says to leave out. */
  readonly ignoredByMapping: ReadonlySet<number>;
}

/**
 * Map one candidate header row. When two headers mean the same column (`补贴类型` and
 * `补贴类别`), the one earlier in the column's alias list wins — not simply the leftmost —
 * and the other is reported as a duplicate.
 */
export function mapHeader(
  kind: DatasetKind,
  cells: readonly RawCell[],
  stated: DepartmentMapping = new Map(),
): HeaderMapping {
  const lookup = aliasLookup(kind);
  const ignoredByMapping = new Set<number>();
  const best = new Map<string, { mapped: MappedColumn; rank: number; header: string }>();
  const duplicates: { label: string; used: string; ignored: string }[] = [];
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
    // The department's own word beats the alias table.
    const statedColumn = stated.get(clean.key);
    if (statedColumn === IGNORE_COLUMN) {
      ignoredByMapping.add(index);
      return;
    }
    const statedSpec = KIND_SPECS[kind].columns.find((c) => c.name === statedColumn);
    const hit = statedSpec ? { column: statedSpec, rank: -1 } : lookup.get(clean.key);
    if (!hit) return;
    const { column, rank } = hit;
    const how = statedSpec ? ('mapping' as const) : ('alias' as const);
    const entry = {
      mapped: clean.unit === undefined ? { index, column, how } : { index, column, unit: clean.unit, how },
      rank,
      header,
    };
    const current = best.get(column.name);
    if (!current) {
      best.set(column.name, entry);
    } else if (rank < current.rank) {
      best.set(column.name, entry);
      duplicates.push({ label: column.label, used: header, ignored: current.header });
    } else {
      duplicates.push({ label: column.label, used: current.header, ignored: header });
    }
  });
  const mapped = [...best.values()].map((e) => e.mapped).sort((a, b) => a.index - b.index);
  return { mapped, originalHeaders, duplicates, ignoredByMapping, ...requiredGroups(kind, mapped) };
}

/** Which required groups of a kind the mapped columns satisfy, and which are missing. */
export function requiredGroups(
  kind: DatasetKind,
  mapped: readonly MappedColumn[],
): { missing: string[]; satisfied: number } {
  const seen = new Set(mapped.map((m) => m.column.name));
  const missing: string[] = [];
  let satisfied = 0;
  for (const group of KIND_SPECS[kind].required) {
    if (group.some((name) => seen.has(name))) satisfied++;
    else missing.push(group.join('/'));
  }
  return { missing, satisfied };
}

/**
 * Pick the header among the first rows of a sheet: the first row satisfying the most required
 * groups (ties: more mapped columns). `undefined` when no row maps a single column.
 */
export function detectHeader(
  kind: DatasetKind,
  rows: readonly (readonly RawCell[])[],
  stated: DepartmentMapping = new Map(),
): { index: number; mapping: HeaderMapping } | undefined {
  let best: { index: number; mapping: HeaderMapping } | undefined;
  rows.forEach((cells, index) => {
    const mapping = mapHeader(kind, cells, stated);
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
