import { normalizePersonName } from '../normalize/name.js';
import { compareRows, dateOf, text } from './common.js';
import { townshipKey, villageKey } from './reference.js';
import type { SourceRow } from './types.js';

/** A village-finance (村级财务) row. */
export type FinanceRow = SourceRow<'village_finance'>;

/** An expense: anything not booked as income (a row without a direction is taken as paid out). */
export function isExpense(row: FinanceRow): boolean {
  return text(row, 'direction') !== '收入' && typeof row.values.amount === 'number';
}

/** Whether a row's `category` is (or contains) the configured category, e.g. `工程款`. */
export function hasCategory(row: FinanceRow, category: string): boolean {
  return text(row, 'category')?.includes(category) ?? false;
}

/** Subject key of a village rule (R09–R11): `{township}|{village}|{part}` (payee or year). */
export function villagePartKey(township: string, village: string, part: string): string {
  return `${township}|${village}|${part}`;
}

/**
 * The village a finance row belongs to: its names, and `key(part)` giving the subject key of
 * `part` in that village ({@link villagePartKey} of the township and village match keys).
 */
export function villageSubject(
  row: FinanceRow,
): { key: (part: string) => string; township?: string; village: string } | undefined {
  const village = text(row, 'village');
  if (village === undefined) return undefined;
  const township = text(row, 'township');
  return {
    key: (part) =>
      villagePartKey(township === undefined ? '' : townshipKey(township), villageKey(village), part),
    ...(township !== undefined ? { township } : {}),
    village,
  };
}

// Words that make a payee an organization rather than a person (entities never fire R09).
const ORGANIZATION =
  /公司|合作社|工厂|厂$|商店|店$|经营部|门市部|中心$|工程队|施工队|委员会|村委|集团|工作室|商行|超市|有限|银行|医院|学校/;

/** Whether a counterparty name is an organization's. */
export function isOrganizationName(name: string): boolean {
  return ORGANIZATION.test(name);
}

/** The payee of an expense as a key: its ID when given, else its normalized name. */
export function payeeKey(row: FinanceRow): string | undefined {
  const id = text(row, 'counterparty_id');
  if (id !== undefined) return id;
  const name = text(row, 'counterparty');
  return name === undefined ? undefined : normalizePersonName(name);
}

/** Finance rows by date, then source order. */
export function byDate(a: FinanceRow, b: FinanceRow): number {
  const da = dateOf(a, 'date') ?? '';
  const db = dateOf(b, 'date') ?? '';
  return da < db ? -1 : da > db ? 1 : compareRows(a, b);
}
