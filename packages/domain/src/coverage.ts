import type { DatasetKind } from './kinds.js';
import type { CellValue } from './model.js';

/**
 * What an append-kind row belongs to (CONTRACT.md §4): a new upload that covers the same
 * (department, program, period) — or (village, year) for village finance — replaces those
 * rows. Returns undefined for snapshot kinds and for notices (which only ever add).
 */
export function coverageKey(
  kind: DatasetKind,
  values: Readonly<Record<string, CellValue>>,
): string | undefined {
  if (kind === 'subsidy_payments') {
    const month = values.period ?? (typeof values.pay_date === 'string' ? values.pay_date.slice(0, 7) : null);
    return `${String(values.program ?? '')}|${String(month ?? '')}`;
  }
  if (kind === 'village_finance') {
    const year = typeof values.date === 'string' ? values.date.slice(0, 4) : '';
    return `${String(values.township ?? '')}|${String(values.village ?? '')}|${year}`;
  }
  return undefined;
}
