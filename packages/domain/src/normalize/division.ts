/**
 * Townships and villages given by name or by statistical division code (CONTRACT.md §2, §3).
 */
import { remember } from '../memo.js';
import type { CellValue } from '../model.js';
import { toSimplified } from './simplified.js';

/** Level of an administrative division. */
export type DivisionLevel = 'county' | 'township' | 'village';

/** One row of the `divisions` dataset. */
export interface DivisionRecord {
  /** 12-digit statistical division code (统计用区划代码). */
  readonly code: string;
  readonly name: string;
  readonly level: DivisionLevel;
  readonly parentCode?: string | null;
}

/** Outcome of resolving a township or village. */
export interface DivisionResolution {
  /** 12-digit code, when the division was found. */
  readonly code?: string;
  /** Canonical name when found, else the normalized name as given. */
  readonly name: string;
  /** For villages: the township the village belongs to, when found. */
  readonly township?: { readonly code: string; readonly name: string };
  /** Why it was not resolved (Chinese, for the quality report). */
  readonly warning?: string;
}

const cleaned = new Map<string, string>();

function clean(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  const text = String(raw);
  return remember(cleaned, text, () =>
    toSimplified(text.normalize('NFKC').replace(/[\s\u3000\u200b-\u200f\ufeff]/g, '')),
  );
}

/**
 * Normalize a township name: blanks removed, traditional → simplified, and the government
 * suffix dropped (`灰山港镇人民政府` → `灰山港镇`, `城关街道办事处` → `城关街道`).
 */
export function normalizeTownshipName(raw: string | number | null | undefined): string {
  return clean(raw)
    .replace(/(镇|乡)人民政府$/, '$1')
    .replace(/(镇|乡)政府$/, '$1')
    .replace(/街道办事处$/, '街道')
    .replace(/街道办$/, '街道');
}

/**
 * Normalize a village name to `core + 村` or `core + 社区`: `红星村委会`, `红星村民委员会`
 * and `红星村村委会` all become `红星村`; `城东社区居委会` and `城东居委会` become `城东社区`.
 */
export function normalizeVillageName(raw: string | number | null | undefined): string {
  const s = clean(raw);
  let m = /^(.+?)(?:社区)?(?:居民委员会|居委会)$/.exec(s);
  if (m) return `${m[1]}社区`;
  // `红星村村委会` is how most people write the committee of 红星村.
  m = /^(.+村)村(?:民委员会|委会|委)$/.exec(s);
  if (m) return m[1] as string;
  m = /^(.+?)(?:村民委员会|村委会|村委)$/.exec(s);
  if (m) return `${m[1]}村`;
  return s;
}

/** Map a level as written (`乡镇`, `村`, `township` …) to a {@link DivisionLevel}, or `null`. */
export function normalizeDivisionLevel(raw: string | number | null | undefined): DivisionLevel | null {
  const s = clean(raw).toLowerCase();
  if (/^(county|district|县|区|县级|县区|市辖区|县级市|旗)$/.test(s)) return 'county';
  if (/^(township|town|乡|镇|乡镇|街道|乡级|乡镇级|苏木)$/.test(s)) return 'township';
  if (/^(village|community|村|社区|村级|村委会|居委会|村居|村\/社区|嘎查)$/.test(s)) return 'village';
  return null;
}

/**
 * Normalize a division code to 12 digits: county (6) and township (9) codes are padded with
 * zeros, as the statistical code does. `null` when it is not a code.
 */
export function normalizeDivisionCode(raw: string | number | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const s = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : clean(raw);
  if (/^\d{12}$/.test(s)) return s;
  if (/^\d{9}$/.test(s)) return `${s}000`;
  if (/^\d{6}$/.test(s)) return `${s}000000`;
  return null;
}

/** The level a 12-digit code denotes by its zero tail. */
export function levelOfCode(code: string): DivisionLevel {
  if (code.endsWith('000000')) return 'county';
  if (code.endsWith('000')) return 'township';
  return 'village';
}

/** The parent code implied by a 12-digit code (village → township → county). */
export function parentCodeOf(code: string): string | null {
  const level = levelOfCode(code);
  if (level === 'village') return `${code.slice(0, 9)}000`;
  if (level === 'township') return `${code.slice(0, 6)}000000`;
  return null;
}

const TOWNSHIP_SUFFIX = /(街道|镇|乡)$/;
const VILLAGE_SUFFIX = /(社区|村)$/;

/** A place as given, as a cache key: the number 430521 and the text `430521` are different inputs. */
function placeKey(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  return typeof raw === 'number' ? `#${raw}` : `'${raw}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Lookup of the county's townships and villages, built from `divisions` rows, that resolves a
 * township or village given by name (with or without 镇/乡/村/村委会 suffix) or by code.
 */
export class DivisionIndex {
  private readonly byCode = new Map<string, DivisionRecord>();
  // Resolutions already made, by the place as given (resolving is pure: a hit is the same answer).
  private readonly resolved = new Map<string, DivisionResolution>();
  private readonly townshipsByName = new Map<string, DivisionRecord[]>();
  private readonly villagesByName = new Map<string, DivisionRecord[]>();

  constructor(records: Iterable<DivisionRecord>) {
    for (const record of records) {
      this.byCode.set(record.code, record);
      if (record.level === 'township') {
        const name = normalizeTownshipName(record.name);
        push(this.townshipsByName, name, record);
        const core = name.replace(TOWNSHIP_SUFFIX, '');
        if (core !== name && core !== '') push(this.townshipsByName, core, record);
      } else if (record.level === 'village') {
        const name = normalizeVillageName(record.name);
        push(this.villagesByName, name, record);
        const core = name.replace(VILLAGE_SUFFIX, '');
        if (core !== name && core !== '') push(this.villagesByName, core, record);
      }
    }
  }

  /** Build an index from normalized `divisions` rows (`code`, `name`, `level`, `parent_code`). */
  static fromRows(rows: Iterable<{ readonly values: Readonly<Record<string, CellValue>> }>): DivisionIndex {
    const records: DivisionRecord[] = [];
    for (const { values } of rows) {
      const code = normalizeDivisionCode(values.code as string | number | null);
      const name = typeof values.name === 'string' ? values.name : null;
      if (code === null || name === null) continue;
      const level = normalizeDivisionLevel(values.level as string | null) ?? levelOfCode(code);
      const parentCode =
        normalizeDivisionCode(values.parent_code as string | number | null) ?? parentCodeOf(code);
      records.push({ code, name, level, parentCode });
    }
    return new DivisionIndex(records);
  }

  /** Number of divisions in the index. */
  get size(): number {
    return this.byCode.size;
  }

  /** Every division, in code order. */
  records(): DivisionRecord[] {
    return [...this.byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The division with this 12-digit code, if any. */
  get(code: string): DivisionRecord | undefined {
    return this.byCode.get(code);
  }

  /** Resolve a township given by name or code. */
  resolveTownship(raw: string | number | null | undefined): DivisionResolution {
    return remember(this.resolved, `t${placeKey(raw)}`, () => this.findTownship(raw));
  }

  /**
   * Resolve a village given by name or code. A township (name or code) narrows name matches:
   * villages of the same name exist in different townships.
   */
  resolveVillage(
    raw: string | number | null | undefined,
    township?: string | number | null,
  ): DivisionResolution {
    return remember(this.resolved, `v${placeKey(raw)}\u0000${placeKey(township)}`, () =>
      this.findVillage(raw, township),
    );
  }

  private findTownship(raw: string | number | null | undefined): DivisionResolution {
    const code = normalizeDivisionCode(raw);
    if (code !== null) {
      const found = this.byCode.get(code);
      if (found?.level === 'township') return { code: found.code, name: found.name };
      return { name: code, warning: `乡镇代码未在行政区划中找到：${code}` };
    }
    const name = normalizeTownshipName(raw);
    const candidates =
      this.townshipsByName.get(name) ?? this.townshipsByName.get(name.replace(TOWNSHIP_SUFFIX, ''));
    if (candidates?.length === 1) {
      const [found] = candidates as [DivisionRecord];
      return { code: found.code, name: found.name };
    }
    if (candidates && candidates.length > 1) return { name, warning: `乡镇名称对应多个区划：${name}` };
    return { name, warning: `乡镇未在行政区划中找到：${name}` };
  }

  private findVillage(
    raw: string | number | null | undefined,
    township: string | number | null | undefined,
  ): DivisionResolution {
    const code = normalizeDivisionCode(raw);
    if (code !== null) {
      const found = this.byCode.get(code);
      if (found?.level === 'village') return this.withTownship(found);
      return { name: code, warning: `村（社区）代码未在行政区划中找到：${code}` };
    }
    const name = normalizeVillageName(raw);
    const variants = [name, name.replace(VILLAGE_SUFFIX, '')];
    // `新村村委会` normalizes to `新村`; the village may really be called `新村村`.
    if (/村$/.test(name)) variants.push(`${name}村`);
    let candidates: DivisionRecord[] = [];
    for (const variant of variants) {
      candidates = this.villagesByName.get(variant) ?? [];
      if (candidates.length > 0) break;
    }
    const townshipCode =
      township === null || township === undefined || township === ''
        ? undefined
        : this.resolveTownship(township).code;
    if (townshipCode !== undefined) candidates = candidates.filter((c) => this.parentOf(c) === townshipCode);
    if (candidates.length === 1) return this.withTownship(candidates[0] as DivisionRecord);
    if (candidates.length > 1) return { name, warning: `村（社区）名称对应多个区划，请填写乡镇：${name}` };
    return { name, warning: `村（社区）未在行政区划中找到：${name}` };
  }

  private parentOf(record: DivisionRecord): string | null {
    return record.parentCode ?? parentCodeOf(record.code);
  }

  private withTownship(village: DivisionRecord): DivisionResolution {
    const parentCode = this.parentOf(village);
    const parent = parentCode === null ? undefined : this.byCode.get(parentCode);
    return {
      code: village.code,
      name: village.name,
      ...(parent ? { township: { code: parent.code, name: parent.name } } : {}),
    };
  }
}
