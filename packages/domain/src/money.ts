import { columnsOf } from './kinds.js';
import type { CellValue, Evidence } from './model.js';

/**
 * Money at the view boundary. Inside the platform (storage, pipeline, rules) every amount is
 * integer fen; every JSON answer and export a person reads gives 元. This module is the one
 * place that converts, so no view divides by 100 on its own.
 */

/** Fen → 元, a number with at most two decimals (`225050` → `2250.5`). */
export function yuan(fen: number): number {
  return Math.round(fen) / 100;
}

/** Fen → 元 as text with two decimals, for exports (`225050` → `"2250.50"`). */
export function yuanText(fen: number): string {
  return (Math.round(fen) / 100).toFixed(2);
}

/** Per kind, the columns whose values are money (`amount`, `budget`, `monthly_pay`, registered capital …). */
const MONEY_COLUMNS = new Map<string, ReadonlySet<string>>();

function moneyColumns(kind: string): ReadonlySet<string> {
  let columns = MONEY_COLUMNS.get(kind);
  if (!columns) {
    columns = new Set(
      columnsOf(kind as Evidence['kind'])
        .filter((c) => c.type === 'amount' || c.type === 'amount_wan')
        .map((c) => c.name),
    );
    MONEY_COLUMNS.set(kind, columns);
  }
  return columns;
}

/** An evidence row's values with its money columns in 元 (they are stored in fen, like every amount). */
export function evidenceValuesInYuan(evidence: Evidence): Readonly<Record<string, CellValue>> {
  const money = moneyColumns(evidence.kind);
  if (money.size === 0) return evidence.values;
  const values: Record<string, CellValue> = { ...evidence.values };
  for (const column of money) {
    const v = values[column];
    if (typeof v === 'number') values[column] = yuan(v);
  }
  return values;
}
