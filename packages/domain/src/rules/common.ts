import { type ColumnOf, type DatasetKind, type KindsWith, kindOf, type SomeColumnOf } from '../kinds.js';
import { subjectFrom } from '../leads/subject.js';
import { remember } from '../memo.js';
import type { CellValue, Evidence, Finding, MatchQuality, RuleCode } from '../model.js';
import { PROGRAMS } from '../programs.js';
import { type MatchInput, rowsOf, type SourceRow } from './types.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A non-empty trimmed text value of a column, else `undefined`. */
export function text<K extends DatasetKind>(row: SourceRow<K>, column: ColumnOf<K>): string | undefined {
  const value = row.values[column];
  if (value === null || value === undefined) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** A finite number value of a column (amounts are integer fen), else `undefined`. */
export function amountOf<K extends DatasetKind>(row: SourceRow<K>, column: ColumnOf<K>): number | undefined {
  const value = row.values[column];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

// Every rule asks for the month of every payment; a county writes a few hundred distinct periods and dates.
const months = new Map<string, string | null>();

/** `YYYY-MM` when `value` is a month or starts with an ISO date. */
export function monthOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (
    remember(months, value, () => {
      if (MONTH.test(value)) return value;
      const date = value.slice(0, 10);
      return DATE.test(date) ? date.slice(0, 7) : null;
    }) ?? undefined
  );
}

/** An ISO date (`YYYY-MM-DD`) column value, else `undefined`. */
export function dateOf<K extends DatasetKind>(row: SourceRow<K>, column: ColumnOf<K>): string | undefined {
  const value = text(row, column)?.slice(0, 10);
  return value !== undefined && DATE.test(value) ? value : undefined;
}

/** A payment's month (CONTRACT.md §5): its `period`, else the month of its `pay_date`. */
export function paymentMonth(row: Payment): string | undefined {
  return monthOf(text(row, 'period')) ?? monthOf(text(row, 'pay_date'));
}

/** `month` (`YYYY-MM`) shifted by `count` months. */
export function addMonths(month: string, count: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + count;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A row with a usable ID ({@link hasUsableId}). */
export type IdentifiedRow<K extends DatasetKind = DatasetKind> = SourceRow<K> & { readonly idNumber: string };

/** A subsidy payment row. */
export type Payment = SourceRow<'subsidy_payments'>;

/**
 * Whether the row carries a usable ID: valid as given, repaired, or — for a lost ID — filled
 * in by the name + village fallback ({@link SourceRow.identifiedBy}). Absent IDs never match.
 */
export function hasUsableId<R extends SourceRow>(row: R): row is R & { readonly idNumber: string } {
  return (
    typeof row.idNumber === 'string' &&
    row.idNumber.length === 18 &&
    (row.idStatus === 'as_given' || row.idStatus === 'repaired' || row.identifiedBy === 'name_village')
  );
}

/** The weakest identity behind `rows`: `name_village`, else `repaired_id`, else `id`. */
export function idMatchQuality(rows: readonly SourceRow[]): MatchQuality {
  if (rows.some((row) => row.identifiedBy === 'name_village')) return 'name_village';
  return rows.some((row) => row.idStatus === 'repaired') ? 'repaired_id' : 'id';
}

const MATCH_RANK: Readonly<Record<MatchQuality, number>> = { id: 0, repaired_id: 1, name_village: 2 };

/** The weakest of several match qualities. */
export function weakestMatch(qualities: readonly MatchQuality[]): MatchQuality {
  return qualities.reduce<MatchQuality>((worst, q) => (MATCH_RANK[q] > MATCH_RANK[worst] ? q : worst), 'id');
}

/** A payment's program as {@link programOf} gives it. */
export interface PaymentProgram {
  readonly key: string;
  readonly name: string;
}

// One answer per program key, shared: rules ask for the program of every payment, several times.
const programs = new Map<string, PaymentProgram>();
const MEANS_TESTED = new Set(PROGRAMS.filter((p) => p.meansTested).map((p) => p.code));

/** A payment's program: its stable key (catalogue code or the raw name) and its Chinese display name. */
export function programOf(row: Payment): PaymentProgram {
  const key = text(row, 'program') ?? text(row, 'program_name') ?? '';
  return remember(programs, key, () => {
    const known = PROGRAMS.find((p) => p.code === key);
    return { key, name: known?.name ?? (key === '' ? '未注明项目' : key) };
  });
}

/** Whether a payment's program is means-tested (低保, 特困, 临时救助, 危房改造); unknown programs are not. */
export function isMeansTested(row: Payment): boolean {
  return MEANS_TESTED.has(programOf(row).key);
}

/** A payment with a usable ID and what every payment rule asks of it. */
export interface IdentifiedPayment {
  readonly row: IdentifiedRow<'subsidy_payments'>;
  /** {@link paymentMonth} */
  readonly month: string | undefined;
  /** {@link programOf} */
  readonly program: PaymentProgram;
  /** {@link isMeansTested} */
  readonly meansTested: boolean;
}

const identifiedPaymentsOf = new WeakMap<MatchInput, IdentifiedPayment[]>();

/**
 * The input's payments with a usable ID, in row order, with their month and program: worked out
 * once per input, not again by each rule that looks at every payment.
 */
export function identifiedPayments(input: MatchInput): readonly IdentifiedPayment[] {
  let payments = identifiedPaymentsOf.get(input);
  if (!payments) {
    payments = [];
    for (const row of rowsOf(input, 'subsidy_payments')) {
      if (!hasUsableId(row)) continue;
      const program = programOf(row);
      payments.push({ row, month: paymentMonth(row), program, meansTested: MEANS_TESTED.has(program.key) });
    }
    identifiedPaymentsOf.set(input, payments);
  }
  return payments;
}

const meansTestedById = new WeakMap<MatchInput, Map<string, IdentifiedRow<'subsidy_payments'>[]>>();

/**
 * The means-tested payments with a usable ID of each recipient, in row order: indexed once per
 * input (R02, R03 and R05 all look them up by person).
 */
export function meansTestedPaymentsById(
  input: MatchInput,
): ReadonlyMap<string, readonly IdentifiedRow<'subsidy_payments'>[]> {
  let index = meansTestedById.get(input);
  if (!index) {
    index = groupBy(
      identifiedPayments(input).flatMap((p) => (p.meansTested ? [p.row] : [])),
      (row) => row.idNumber,
    );
    meansTestedById.set(input, index);
  }
  return index;
}

/** The means-tested payments among `rows`. */
export function meansTestedPayments<R extends Payment>(rows: readonly R[]): R[] {
  return rows.filter(isMeansTested);
}

/** Subject key of a person-and-program rule (R01, R04, R05, R07, R08): `{idNumber}|{program}`. */
export function personProgramKey(idNumber: string, program: string): string {
  return `${idNumber}|${program}`;
}

/** Integer fen as Chinese-style money text: `¥1,500.00`, `-¥3.05`. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Deterministic order of source rows: dataset (when known), version, sheet, row. */
export function compareRows(a: SourceRow, b: SourceRow): number {
  return (
    compareText(a.datasetKey ?? '', b.datasetKey ?? '') ||
    compareText(a.versionId, b.versionId) ||
    compareText(a.sheet ?? '', b.sheet ?? '') ||
    a.row - b.row
  );
}

/** Findings in subject-key order: how every rule returns them (deterministic output). */
export function bySubjectKey(a: Finding, b: Finding): number {
  return compareText(a.subjectKey, b.subjectKey);
}

/** Locale-independent string comparison (determinism across machines). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Evidence of a source row: `columns` (by default the evidence columns its kind declares) that
 * have a value; `id_number` is the normalized ID.
 */
export function evidenceOf<K extends DatasetKind>(
  row: SourceRow<K>,
  columns?: readonly SomeColumnOf<K>[],
): Evidence {
  const values: Record<string, CellValue> = {};
  for (const column of columns ?? kindOf(row.kind).evidence ?? []) {
    const value = column === 'id_number' ? (row.idNumber ?? row.values.id_number) : row.values[column];
    if (value !== undefined && value !== null && value !== '') values[column] = value;
  }
  return {
    kind: row.kind,
    versionId: row.versionId,
    row: row.row,
    ...(row.sheet !== undefined ? { sheet: row.sheet } : {}),
    values,
  };
}

/** The most frequent non-empty value; ties go to the one seen first. */
export function mostCommon(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Group items by a key, keeping first-seen key order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Where the payments were made: the most common township and village among them. */
export function placeOf(rows: readonly SourceRow<KindsWith<'township' | 'village'>>[]): {
  township?: string;
  village?: string;
} {
  const township = mostCommon(rows.map((row) => text(row, 'township')));
  const village = mostCommon(rows.map((row) => text(row, 'village')));
  return { ...(township !== undefined ? { township } : {}), ...(village !== undefined ? { village } : {}) };
}

/** Sum of the rows' `amount` (fen); rows without an amount count 0. */
export function sumAmounts(rows: readonly SourceRow<KindsWith<'amount'>>[]): number {
  return rows.reduce((sum, row) => sum + (amountOf(row, 'amount') ?? 0), 0);
}

/** Rows in {@link compareRows} order without repeats (the same source row reached twice). */
export function uniqueRows<T extends SourceRow>(rows: readonly T[]): T[] {
  const seen = new Set<string>();
  const result: T[] = [];
  for (const row of [...rows].sort(compareRows)) {
    const key = `${row.kind}|${row.versionId}|${row.sheet ?? ''}|${row.row}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(row);
  }
  return result;
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** First day of a month (`YYYY-MM` → `YYYY-MM-01`). */
export function monthStart(month: string): string {
  return `${month}-01`;
}

/** Last day of a month (`YYYY-MM` → `YYYY-MM-28…31`). */
export function monthEnd(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const day = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** Optional place fields of a finding, leaving out what is unknown. */
export function place(
  township: string | undefined,
  village: string | undefined,
): {
  township?: string;
  village?: string;
} {
  return { ...(township !== undefined ? { township } : {}), ...(village !== undefined ? { village } : {}) };
}

/**
 * The finding of a person-and-program rule (R01, R04, R05, R07, R08): the subject is the
 * recipient and the program, the place comes from the payments, and the evidence lists the
 * rows that establish the circumstance (`context`) before the payments that fired.
 */
export function paymentFinding(p: {
  readonly rule: RuleCode;
  readonly subjectKey: string;
  readonly idNumber: string;
  readonly name: string | undefined;
  readonly programName: string;
  readonly payments: readonly Payment[];
  readonly amount: number;
  /** Rows whose ID quality decides the match (the payments and the circumstance rows). */
  readonly matchRows: readonly SourceRow[];
  readonly context: readonly Evidence[];
  readonly reasons: readonly string[];
}): Finding {
  return {
    rule: p.rule,
    subjectKey: p.subjectKey,
    ...subjectFrom([p.name === undefined ? '（姓名不详）' : { person: p.name }, ` · ${p.programName}`]),
    idNumber: p.idNumber,
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...placeOf(p.payments),
    amount: p.amount,
    match: idMatchQuality(p.matchRows),
    evidence: [...p.context, ...p.payments.map((row) => evidenceOf(row))],
    reasons: p.reasons,
  };
}
