import { keyedDigest } from '../keys.js';
import type { CellValue, NormalizedRow } from '../model.js';
import { maskPersonName } from '../normalize/name.js';
import { PROGRAMS } from '../programs.js';
import { isOrganizationName } from '../rules/village-finance.js';

/**
 * What the public sees of each disclosure kind (CONTRACT.md §7), built from normalized rows of
 * versions in force. A record holds only allow-listed values: masked person names, no ID
 * number, no household number, no phone, no address. `ref` makes records unique: by row
 * (`{versionId}|{sheet}|{row}`, which also orders them) for every kind but payments, by content
 * for payments ({@link PaymentRefs}). Amounts stay integer fen until the view.
 */

/** The kinds the public API discloses. */
export const DISCLOSURE_KINDS = [
  'subsidy_payments',
  'poverty_registry',
  'livelihood_projects',
  'village_finance',
  'notices',
] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

/** One subsidy payment as disclosed. */
export interface DisclosedPayment {
  readonly ref: string;
  /** Masked recipient (`张*`). */
  readonly name: string;
  readonly township: string;
  readonly village: string;
  readonly program: string;
  readonly programName: string;
  readonly amount: number;
  readonly payDate: string | null;
  /** The payment's month, `YYYY-MM` (its period, else its pay date's month). */
  readonly period: string;
  /** Keyed digest of the recipient's ID (personal lookup); never shown. */
  readonly person?: string;
}

/** One poverty household (建档立卡户) as disclosed: its head masked, never its household number. */
export interface DisclosedHousehold {
  readonly ref: string;
  readonly name: string;
  readonly township: string;
  readonly village: string;
  readonly members: number;
  readonly status: string | null;
  readonly identifiedYear: number | null;
  readonly exitYear: number | null;
}

/** One livelihood project as disclosed (a person contractor masked). */
export interface DisclosedProject {
  readonly ref: string;
  readonly code: string | null;
  readonly name: string | null;
  readonly department: string | null;
  readonly township: string;
  readonly village: string;
  readonly budget: number | null;
  readonly fundingSource: string | null;
  readonly contractor: string | null;
  readonly tenderMethod: string | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly status: string | null;
}

/** One village-finance line item as disclosed (a person payee masked). */
export interface DisclosedFinanceItem {
  readonly ref: string;
  readonly township: string;
  readonly village: string;
  readonly date: string;
  readonly voucherNo: string | null;
  readonly direction: '收入' | '支出';
  readonly category: string | null;
  readonly counterparty: string | null;
  readonly amount: number;
  readonly summary: string | null;
}

/** One notice (党务政务村务公开) as published. */
export interface DisclosedNotice {
  readonly ref: string;
  readonly level: string | null;
  readonly township: string;
  readonly village: string;
  readonly category: string | null;
  readonly title: string;
  readonly body: string | null;
  readonly publishDate: string;
}

const text = (v: CellValue | undefined): string | null =>
  v === null || v === undefined || v === '' ? null : String(v);
const place = (v: CellValue | undefined): string => text(v) ?? '';
const year = (v: CellValue | undefined): number | null => {
  const n = Number(v);
  return v === null || v === undefined || v === '' || !Number.isInteger(n) ? null : n;
};

/** The record reference of a row by its place in its file: unique within a version, sortable. */
export function refOf(versionId: string, row: Pick<NormalizedRow, 'row' | 'sheet'>): string {
  return `${versionId}|${row.sheet ?? ''}|${String(row.row).padStart(8, '0')}`;
}

const PROGRAM_NAMES = new Map(PROGRAMS.map((p) => [p.code, p.name]));

/** A catalogue program's name; an unknown program is shown by the name the department wrote. */
export function programNameOf(program: string): string {
  return PROGRAM_NAMES.get(program) ?? program;
}

/** The month of a payment row: its period, else its pay date's month (CONTRACT.md §5). */
export function paymentMonth(values: Readonly<Record<string, CellValue>>): string | null {
  const period = text(values.period);
  if (period) return period.slice(0, 7);
  const date = text(values.pay_date);
  return date ? date.slice(0, 7) : null;
}

// Payees of village books the collision rules need not tell apart (饭店, 加油站, 卫生院 …):
// only names of four characters or more, so a person called 张德行 stays a person.
const PLACE_OF_BUSINESS =
  /(饭店|酒店|宾馆|餐馆|餐厅|农家乐|加油站|卫生院|卫生室|小学|中学|幼儿园|服务部|服务站|所|站|局|馆|社|行|队|部|场)$/;

/**
 * A party (contractor, payee) as the public sees it: organizations in full, persons masked.
 * A party with an ID number is a person whatever its name; without one, a name that reads as
 * an organization (公司, 合作社, 村委会 …) is shown, anything else is taken for a person.
 */
export function disclosedParty(name: CellValue | undefined, isPerson: boolean): string | null {
  const n = text(name);
  if (n === null) return null;
  const organization = isOrganizationName(n) || (Array.from(n).length >= 4 && PLACE_OF_BUSINESS.test(n));
  return !isPerson && organization ? n : maskPersonName(n);
}

const ID_LIKE = /^\d{17}[\dX]$/;

/** A payment as disclosed, but for its ref (what {@link PaymentRefs} digests). */
export type PaymentContent = Omit<DisclosedPayment, 'ref'>;

/**
 * A payment row as disclosed, without its ref; `person` is the keyed digest of the recipient's
 * ID (if any). Undefined for a row without month, program or amount.
 */
export function paymentContent(
  row: NormalizedRow,
  person?: (idNumber: string) => string,
): PaymentContent | undefined {
  const v = row.values;
  const period = paymentMonth(v);
  const program = text(v.program);
  if (!period || !program || typeof v.amount !== 'number') return undefined;
  return {
    name: maskPersonName(text(v.recipient_name) ?? ''),
    township: place(v.township),
    village: place(v.village),
    program,
    programName: PROGRAM_NAMES.get(program) ?? text(v.program_name) ?? program,
    amount: v.amount,
    payDate: text(v.pay_date),
    period,
    ...(row.idNumber && person ? { person: person(row.idNumber) } : {}),
  };
}

/** A payment with its ref. */
export const disclosedPayment = (ref: string, content: PaymentContent): DisclosedPayment => ({
  ref,
  ...content,
});

/** The stored values of a payment row its ref digests: what its disclosed record is made of. */
const REF_FIELDS = [
  'recipient_name',
  'township',
  'village',
  'program',
  'program_name',
  'amount',
  'pay_date',
  'period',
] as const;

/**
 * The refs of payment rows by what they disclose, not where they sit in the file: a corrected
 * roster uploaded again with a row inserted or removed shifts the row numbers of every later
 * row, but gives each unchanged payment the ref it had, so nothing of it is written again.
 *
 * A ref is `{source}|{sheet}|{digest}` for the first of identical payments and
 * `{source}|{sheet}|{digest}.{n}` for the n-th identical one after it (file order): two
 * identical rows stay two records, and removing one of them changes only the last one's ref.
 * The digest (the first 64 bits of an HMAC-SHA256 under the deployment's lookup key, hex) covers
 * the row's stored values its record is made of ({@link REF_FIELDS}: the stored values, not the
 * masked name or catalogue name shown, so that a later change to masking or to the catalogue
 * still finds a withdrawn record by the ref it was filed under; the raw period and pay date,
 * so identical digests always fall in one coverage part), the keyed digest of the recipient's
 * ID, the sheet and `meet`, where identical rows are always read together (the caller's ID-hash
 * shard, or the lost-ID rows): occurrences are counted per such scan, so rows that are read
 * apart must never share a digest. Keyed, because it digests the name in the clear. A digest
 * shared by two different payments (≈ 2⁻⁶⁴) only numbers them as if identical: refs stay unique.
 *
 * One instance counts one scan: the rows of one version that meet in one place, in file order.
 */
export class PaymentRefs {
  private readonly seen = new Map<string, number>();

  /**
   * @param source What refs start with: the department whose rosters the rows are of.
   * @param key The deployment's lookup key (the one person digests are keyed with).
   */
  constructor(
    private readonly source: string,
    private readonly key: Uint8Array,
  ) {}

  /** The ref of the next row of the scan (`content` as {@link paymentContent} gives it, for its person digest). */
  next(row: Pick<NormalizedRow, 'sheet' | 'values'>, content: PaymentContent, meet: string): string {
    const sheet = row.sheet ?? '';
    const values = REF_FIELDS.map((f) => {
      const v = row.values[f];
      return v === null || v === undefined ? '' : String(v);
    });
    const digest = keyedDigest(
      this.key,
      ['payment-ref', meet, sheet, ...values, content.person ?? ''].join('\u0000'),
    ).slice(0, 16);
    const n = this.seen.get(digest) ?? 0;
    this.seen.set(digest, n + 1);
    return `${this.source}|${sheet}|${digest}${n === 0 ? '' : `.${n}`}`;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of payments on a page (one month, village and program) and in listings: by masked
 * name (Unicode order: the surname's radical and strokes, so one family's payments stand
 * together), then amount, pay date and ref (refs are digests: the rest is a fixed order of
 * identical-looking lines). Not the file's order: that moves whenever a row is inserted above.
 */
export function paymentOrder(a: DisclosedPayment, b: DisclosedPayment): number {
  return (
    cmp(a.name, b.name) || a.amount - b.amount || cmp(a.payDate ?? '', b.payDate ?? '') || cmp(a.ref, b.ref)
  );
}

/** A project row as disclosed. */
export function disclosedProject(versionId: string, row: NormalizedRow): DisclosedProject {
  const v = row.values;
  const code = text(v.contractor_code);
  return {
    ref: refOf(versionId, row),
    code: text(v.project_code),
    name: text(v.name),
    department: text(v.department),
    township: place(v.township),
    village: place(v.village),
    budget: typeof v.budget === 'number' ? v.budget : null,
    fundingSource: text(v.funding_source),
    contractor: disclosedParty(v.contractor_name, code !== null && ID_LIKE.test(code)),
    tenderMethod: text(v.tender_method),
    startDate: text(v.start_date),
    endDate: text(v.end_date),
    status: text(v.status),
  };
}

/** A village-finance row as disclosed; undefined for a row without date, amount or direction. */
export function disclosedFinanceItem(
  versionId: string,
  row: NormalizedRow,
): DisclosedFinanceItem | undefined {
  const v = row.values;
  const date = text(v.date);
  const direction = text(v.direction);
  if (!date || typeof v.amount !== 'number' || (direction !== '收入' && direction !== '支出'))
    return undefined;
  return {
    ref: refOf(versionId, row),
    township: place(v.township),
    village: place(v.village),
    date,
    voucherNo: text(v.voucher_no),
    direction,
    category: text(v.category),
    counterparty: disclosedParty(v.counterparty, text(v.counterparty_id) !== null),
    amount: v.amount,
    summary: text(v.summary),
  };
}

/** A notice row as published; undefined without title or date. */
export function disclosedNotice(versionId: string, row: NormalizedRow): DisclosedNotice | undefined {
  const v = row.values;
  const title = text(v.title);
  const publishDate = text(v.publish_date);
  if (!title || !publishDate) return undefined;
  return {
    ref: refOf(versionId, row),
    level: text(v.level),
    township: place(v.township),
    village: place(v.village),
    category: text(v.category),
    title,
    body: text(v.body),
    publishDate,
  };
}

const HEAD = /^(户主|本人)$/;

/**
 * Poverty households of a poverty-registry version: members grouped by household number (a row
 * without one is a household of its own), the head (户主, else the first row) masked.
 */
export function disclosedHouseholds(versionId: string, rows: readonly NormalizedRow[]): DisclosedHousehold[] {
  const groups = new Map<string, NormalizedRow[]>();
  for (const row of rows) {
    const v = row.values;
    const key = text(v.household_no)
      ? `${place(v.township)}|${place(v.village)}|${text(v.household_no)}`
      : `row|${refOf(versionId, row)}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const households: DisclosedHousehold[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => a.row - b.row);
    const head = sorted.find((r) => HEAD.test(text(r.values.relation) ?? '')) ?? (sorted[0] as NormalizedRow);
    const years = (column: string) =>
      sorted.map((r) => year(r.values[column])).filter((y): y is number => y !== null);
    const identified = years('identified_year');
    const exited = years('exit_year');
    households.push({
      ref: refOf(versionId, head),
      name: maskPersonName(text(head.values.name) ?? ''),
      township: place(head.values.township),
      village: place(head.values.village),
      members: sorted.length,
      status: text(head.values.status),
      identifiedYear: identified.length > 0 ? Math.min(...identified) : null,
      exitYear: exited.length > 0 ? Math.max(...exited) : null,
    });
  }
  return households;
}
