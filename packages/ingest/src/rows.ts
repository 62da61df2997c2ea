/**
 * Turning one data row into canonical, normalized values — or a rejection with a reason.
 */
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { CellValue, IdStatus, NormalizedRow, RejectedRow } from '@jiandu/domain/model';
import { normalizeAmount, normalizeNumber } from '@jiandu/domain/normalize/amount';
import { monthStart, normalizeDate, normalizeMonth, normalizeYear } from '@jiandu/domain/normalize/date';
import {
  type DivisionIndex,
  levelOfCode,
  normalizeDivisionCode,
  normalizeDivisionLevel,
  normalizeTownshipName,
  normalizeVillageName,
  parentCodeOf,
} from '@jiandu/domain/normalize/division';
import { birthDateOf, genderOf, type IdProblem, normalizeIdNumber } from '@jiandu/domain/normalize/id';
import { normalizePersonName } from '@jiandu/domain/normalize/name';
import { resolveProgram } from '@jiandu/domain/normalize/program';
import { type ColumnSpec, KIND_SPECS } from './aliases.js';
import { cellText, isBlankCell, isUndecodable, type RawCell } from './cells.js';
import type { HeaderMapping } from './header.js';

const ID_PROBLEMS: Readonly<Record<IdProblem, string>> = {
  invalid_check: '校验位错误',
  invalid_birth_date: '出生日期无效',
  bad_format: '格式不正确（应为18位或15位）',
};

/** Outcome of normalizing one row. */
export type RowOutcome = { readonly accepted: NormalizedRow } | { readonly rejected: RejectedRow };

// Not an Error: rejections are ordinary control flow, and capturing a stack per bad row is costly.
class RowError {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {}
}

/** Raw cell as the normalizers' input type (booleans become text). */
function scalar(cell: RawCell): string | number | null {
  if (cell === null || typeof cell === 'number' || typeof cell === 'string') return cell;
  if (cell instanceof Date) return cellText(cell);
  return String(cell);
}

function dateInput(cell: RawCell): string | number | Date | null {
  return cell instanceof Date ? cell : scalar(cell);
}

/** Quote a short raw value in a message (never used for ID numbers). */
function quoted(cell: RawCell): string {
  const text = cellText(cell);
  return `“${text.length > 30 ? `${text.slice(0, 30)}…` : text}”`;
}

function textValue(cell: RawCell): string | null {
  const s = cellText(cell).normalize('NFKC').replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
}

function compact(cell: RawCell): string | null {
  const s = cellText(cell)
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200f\ufeff]/g, '');
  return s === '' ? null : s;
}

function codeValue(cell: RawCell): string | null {
  if (typeof cell === 'number' && Number.isSafeInteger(cell)) return String(cell);
  return compact(cell)?.toUpperCase() ?? null;
}

function genderValue(cell: RawCell): string | null {
  const s = compact(cell)?.toLowerCase() ?? null;
  if (s === null) return null;
  if (/^(男|男性|m|male|1)$/.test(s)) return '男';
  if (/^(女|女性|f|female|2)$/.test(s)) return '女';
  return s;
}

function directionValue(cell: RawCell): string | null {
  const s = compact(cell);
  if (s === null) return null;
  if (/收|入/.test(s)) return '收入';
  if (/支|付|出/.test(s)) return '支出';
  return s;
}

// What a rejected row and the quality report keep of a file's text: a 10,000-column row or
// 20,000 distinct unknown program names must not bloat the rejects file or the version record.
const MAX_ORIGINAL_CELLS = 64;
const MAX_KEPT_CHARS = 200;
const MAX_UNKNOWN_PROGRAMS = 50;

function kept(text: string, max = MAX_KEPT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

const COLUMN_INDEXES = new WeakMap<HeaderMapping, ReadonlyMap<string, number>>();

/** The source column of each canonical column of a mapping (the last mapped, if twice). */
function columnIndexes(mapping: HeaderMapping): ReadonlyMap<string, number> {
  let indexes = COLUMN_INDEXES.get(mapping);
  if (!indexes) {
    indexes = new Map(mapping.mapped.map((m) => [m.column.name, m.index]));
    COLUMN_INDEXES.set(mapping, indexes);
  }
  return indexes;
}

/** A row's cells by canonical column, without building a map per row. */
class RowCells {
  constructor(
    private readonly indexes: ReadonlyMap<string, number>,
    private readonly cells: readonly RawCell[],
  ) {}

  has(column: string): boolean {
    return this.indexes.has(column);
  }

  get(column: string): RawCell | undefined {
    const index = this.indexes.get(column);
    return index === undefined ? undefined : (this.cells[index] ?? null);
  }
}

/** Normalizes the data rows of one dataset kind and collects what the quality report needs. */
export class RowNormalizer {
  private readonly warningCounts = new Map<string, number>();
  private readonly unknown = new Set<string>();
  private readonly personId: ColumnSpec | undefined;

  /**
   * @param cellsWithinHeader reject a row with content beyond the header's columns (CSV: an
   *   unquoted delimiter inside a value shifts every later value of its row one column on).
   */
  constructor(
    readonly kind: DatasetKind,
    private readonly divisions?: DivisionIndex,
    private readonly cellsWithinHeader = false,
  ) {
    this.personId = KIND_SPECS[kind].columns.find((c) => c.type === 'person_id');
  }

  /** The first {@link MAX_UNKNOWN_PROGRAMS} program names not in the catalogue, in order of appearance. */
  get unknownPrograms(): string[] {
    return [...this.unknown].slice(0, MAX_UNKNOWN_PROGRAMS).map((name) => kept(name, 50));
  }

  /** How many distinct program names were not in the catalogue. */
  get unknownProgramCount(): number {
    return this.unknown.size;
  }

  /** Row-level warnings, each with the number of rows it concerns. */
  get warnings(): string[] {
    return [...this.warningCounts].map(([w, n]) => `${w}（${n}行）`);
  }

  // Warnings and unknown programs of the current row count only once the row is accepted:
  // a rejected row already carries its own reason.
  private pendingWarnings: string[] = [];
  private pendingUnknown: string | undefined;

  private warn(message: string): void {
    this.pendingWarnings.push(message);
  }

  /** Normalize one data row under a header mapping. */
  normalize(mapping: HeaderMapping, row: number, cells: readonly RawCell[], sheet?: string): RowOutcome {
    this.pendingWarnings.length = 0;
    this.pendingUnknown = undefined;
    try {
      const accepted = this.normalizeValues(mapping, row, cells, sheet);
      for (const w of this.pendingWarnings) this.warningCounts.set(w, (this.warningCounts.get(w) ?? 0) + 1);
      if (this.pendingUnknown !== undefined) this.unknown.add(this.pendingUnknown);
      return { accepted };
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      const where = `${sheet === undefined ? '' : `工作表「${sheet}」`}第${row}行`;
      const original: Record<string, string> = {};
      const width = Math.max(cells.length, mapping.originalHeaders.length);
      // The mapped columns first, then the others while there is room.
      const order = [...mapping.mapped.map((m) => m.index), ...Array.from({ length: width }, (_, i) => i)];
      let count = 0;
      for (const i of order) {
        const header = mapping.originalHeaders[i] ?? `第${i + 1}列`;
        if (count >= MAX_ORIGINAL_CELLS || header in original) continue;
        const text = cellText(cells[i] ?? null);
        if (i >= mapping.originalHeaders.length && text === '') continue;
        original[header] = kept(text);
        count++;
      }
      const rejected: RejectedRow = {
        row,
        ...(sheet === undefined ? {} : { sheet }),
        reason: error.reason,
        message: `${where}：${error.detail}`,
        original,
      };
      return { rejected };
    }
  }

  private normalizeValues(
    mapping: HeaderMapping,
    row: number,
    cells: readonly RawCell[],
    sheet: string | undefined,
  ): NormalizedRow {
    const spec = KIND_SPECS[this.kind];
    const values: Record<string, CellValue> = {};
    for (const column of spec.columns) values[column.name] = null;
    const raw = new RowCells(columnIndexes(mapping), cells);

    // A shifted row would be read with every value under the wrong column, and its last cell lost.
    if (this.cellsWithinHeader)
      for (let i = mapping.originalHeaders.length; i < cells.length; i++)
        if (!isBlankCell(cells[i]))
          throw new RowError(
            'extra_cells',
            `第${i + 1}列在表头之外却有内容：该行的单元格比表头多，多半是某个值里有未加引号的分隔符（如逗号），使其后各列错位。请给该值加上英文双引号，或去掉多余的分隔符后重新上传`,
          );

    // Bytes the decoder could not read are never normalized into a value.
    for (const m of mapping.mapped) {
      if (isUndecodable(cells[m.index]))
        throw new RowError(
          'bad_encoding',
          `${m.column.label}（第${m.index + 1}列）含有无法解码的字节或控制字符，文件编码有误或已损坏`,
        );
    }

    // The person ID first: its problem is the most useful reason to report.
    let idNumber: string | undefined;
    let idStatus: IdStatus = 'absent';
    if (this.personId) {
      const cell = raw.get(this.personId.name) ?? null;
      const result = normalizeIdNumber(scalar(cell));
      if (result.problem)
        throw new RowError('invalid_id', `${this.personId.label} ${ID_PROBLEMS[result.problem]}`);
      idStatus = result.status;
      idNumber = result.id;
      values[this.personId.name] = result.id ?? null;
    }

    for (const m of mapping.mapped) {
      const column = m.column;
      if (column.type === 'person_id' || column.type === 'township' || column.type === 'village') continue;
      const cell = raw.get(column.name) ?? null;
      if (isBlankCell(cell)) continue;
      values[column.name] = this.convert(column, cell, m.unit, values);
    }
    this.placeDivisions(raw, values);
    this.derive(values, idNumber);

    for (const group of spec.rowRequired) {
      if (group.some((name) => values[name] !== null && values[name] !== undefined)) continue;
      const labels = group.map((name) => spec.columns.find((c) => c.name === name)?.label ?? name);
      if (this.personId && group.includes(this.personId.name) && idStatus === 'lost') {
        const others = labels.filter((l) => l !== this.personId?.label);
        throw new RowError(
          'id_lost',
          `${this.personId.label} 已被表格软件损坏（科学计数法或末三位为000）${others.length > 0 ? `，且缺少${others.join('或')}` : ''}，无法识别人员`,
        );
      }
      throw new RowError('missing_value', `缺少${labels.join('或')}`);
    }

    return {
      row,
      ...(sheet === undefined ? {} : { sheet }),
      ...(idNumber === undefined ? {} : { idNumber }),
      idStatus,
      values,
    };
  }

  private convert(
    column: ColumnSpec,
    cell: RawCell,
    unit: 'yuan' | 'wan' | undefined,
    values: Record<string, CellValue>,
  ): CellValue {
    switch (column.type) {
      case 'name':
        return normalizePersonName(scalar(cell)) || null;
      case 'text':
        return textValue(cell);
      case 'label':
        return compact(cell);
      case 'code':
        return codeValue(cell);
      case 'gender':
        return genderValue(cell);
      case 'direction':
        return directionValue(cell);
      case 'date': {
        const date = normalizeDate(dateInput(cell));
        if (date !== null) return date;
        const start = monthStart(dateInput(cell));
        if (start === null) throw new RowError('bad_date', `${column.label}无法识别：${quoted(cell)}`);
        this.warn(`${column.label}只有年月，按当月1日计`);
        return start;
      }
      case 'month': {
        const month = normalizeMonth(dateInput(cell));
        if (month === null) throw new RowError('bad_month', `${column.label}无法识别：${quoted(cell)}`);
        return month;
      }
      case 'year': {
        const year = normalizeYear(dateInput(cell));
        if (year === null) throw new RowError('bad_year', `${column.label}无法识别：${quoted(cell)}`);
        return year;
      }
      case 'amount':
      case 'amount_wan': {
        const fen = normalizeAmount(scalar(cell), {
          unit: unit ?? (column.type === 'amount_wan' ? 'wan' : 'yuan'),
        });
        if (fen === null) throw new RowError('bad_amount', `${column.label}无法识别：${quoted(cell)}`);
        return fen;
      }
      case 'number': {
        const n = normalizeNumber(scalar(cell));
        if (n === null) throw new RowError('bad_number', `${column.label}无法识别：${quoted(cell)}`);
        return n;
      }
      case 'program': {
        const given = textValue(cell) as string;
        values.program_name = given;
        const program = resolveProgram(given);
        if (program) return program.code;
        const name = compact(cell) as string;
        this.pendingUnknown = name;
        this.warn(`未知项目名称“${kept(name, 30)}”，按非低保类处理`);
        return name;
      }
      case 'division_code': {
        const code = normalizeDivisionCode(scalar(cell));
        if (code === null) throw new RowError('bad_code', `${column.label}不是区划代码：${quoted(cell)}`);
        return code;
      }
      case 'division_level': {
        const level = normalizeDivisionLevel(scalar(cell));
        if (level === null) this.warn(`级别“${compact(cell)}”无法识别，按区划代码判断`);
        return level;
      }
      case 'secondary_id': {
        const result = normalizeIdNumber(scalar(cell));
        if (result.id) return result.id;
        this.warn(`${column.label}无效，已忽略`);
        return null;
      }
      case 'party_code': {
        const result = normalizeIdNumber(scalar(cell));
        if (result.id) return result.id;
        const code = codeValue(cell);
        if (code !== null && !CREDIT_CODE.test(code))
          this.warn(`${column.label}既不是统一社会信用代码也不是身份证号`);
        return code;
      }
      default:
        return textValue(cell);
    }
  }

  /** Township and village: normalized names, resolved against the divisions when given. */
  private placeDivisions(raw: RowCells, values: Record<string, CellValue>): void {
    const hasTownship = raw.has('township');
    const hasVillage = raw.has('village');
    if (!hasTownship && !hasVillage && !('township' in values)) return;
    const townshipCell = scalar(raw.get('township') ?? null);
    const villageCell = scalar(raw.get('village') ?? null);
    const townshipGiven = !isBlankCell(townshipCell);
    const villageGiven = !isBlankCell(villageCell);
    if ('township' in values) values.township_code = null;
    if ('village' in values) values.village_code = null;

    if (townshipGiven) {
      if (this.divisions) {
        const t = this.divisions.resolveTownship(townshipCell);
        values.township = t.name;
        values.township_code = t.code ?? null;
        if (t.warning) this.warn(t.warning);
      } else {
        const code = normalizeDivisionCode(townshipCell);
        values.township = code ?? normalizeTownshipName(townshipCell);
        values.township_code = code;
      }
    }
    if (villageGiven) {
      if (this.divisions) {
        const v = this.divisions.resolveVillage(villageCell, townshipGiven ? townshipCell : null);
        values.village = v.name;
        values.village_code = v.code ?? null;
        if (v.warning) this.warn(v.warning);
        // A village found by name or code tells the township when the row leaves it out.
        if (v.township && values.township === null) {
          values.township = v.township.name;
          values.township_code = v.township.code;
        }
      } else {
        const code = normalizeDivisionCode(villageCell);
        values.village = code ?? normalizeVillageName(villageCell);
        values.village_code = code;
      }
    }
  }

  /** Values a kind can derive from others when the file leaves them out. */
  private derive(values: Record<string, CellValue>, idNumber: string | undefined): void {
    switch (this.kind) {
      case 'subsidy_payments':
        if (values.period === null && typeof values.pay_date === 'string')
          values.period = values.pay_date.slice(0, 7);
        if (!('program_name' in values)) values.program_name = null;
        break;
      case 'household_registry':
        if (idNumber !== undefined) {
          values.birth_date ??= birthDateOf(idNumber) ?? null;
          values.gender ??= genderOf(idNumber) ?? null;
        }
        break;
      case 'divisions':
        if (typeof values.code === 'string') {
          values.level ??= levelOfCode(values.code);
          values.parent_code ??= parentCodeOf(values.code);
        }
        // Names as every other dataset will carry them after normalization (`红星村委会` → `红星村`).
        if (typeof values.name === 'string') {
          if (values.level === 'village') values.name = normalizeVillageName(values.name);
          if (values.level === 'township') values.name = normalizeTownshipName(values.name);
        }
        break;
      default:
        break;
    }
  }
}
