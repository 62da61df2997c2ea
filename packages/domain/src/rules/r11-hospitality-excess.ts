import * as z from 'zod';
import type { Finding } from '../model.js';
import { bySubjectKey, dateOf, evidenceOf, formatYuan, groupBy, place, sumAmounts, text } from './common.js';
import { defineRule, enabled, fen, label, yuan } from './define.js';
import { type MatchInput, type RuleSection, rowsOf } from './types.js';
import {
  byDate,
  type FinanceRow,
  hasCategory,
  isExpense,
  villagePartKey,
  villageSubject,
} from './village-finance.js';

/** R11's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** `village_finance.category` of hospitality. */
  category: label,
  /** A village-year fires when its hospitality total is strictly above this, fen. */
  yearlyCap: fen,
  /** A village-year fires when one voucher is strictly above this, fen. */
  voucherCap: fen,
});
type Config = RuleSection<'R11', typeof schema.shape>;

/**
 * R11 招待费超标 (CONTRACT.md §5): a village's expenses of category `R11.category` (招待费)
 * in one calendar year total strictly more than `R11.yearlyCap`, or one voucher (rows with
 * the same `voucher_no`; a row without one is its own voucher) is strictly more than
 * `R11.voucherCap`. One finding per village + year (`{township}|{village}|{year}`); amount =
 * the year's hospitality total.
 */
export function evaluateHospitalityExcess(input: MatchInput, config: Config): Finding[] {
  if (!config.R11.enabled) return [];
  const { category, yearlyCap, voucherCap } = config.R11;
  const rows = rowsOf(input, 'village_finance').filter(
    (row) => isExpense(row) && hasCategory(row, category) && dateOf(row, 'date') !== undefined,
  );
  const groups = groupBy(rows, (row) => {
    const subject = villageSubject(row);
    return subject === undefined ? undefined : subject.key((dateOf(row, 'date') as string).slice(0, 4));
  });

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groups) {
    const expenses = [...group].sort(byDate);
    const total = sumAmounts(expenses);
    const vouchers = groupBy(expenses, (row) => {
      const voucher = text(row, 'voucher_no');
      return voucher === undefined ? `${row.versionId}|${row.sheet ?? ''}|${row.row}` : `no:${voucher}`;
    });
    const bigVouchers = [...vouchers.values()].filter((v) => sumAmounts(v) > voucherCap);
    if (total <= yearlyCap && bigVouchers.length === 0) continue;
    const first = expenses[0] as FinanceRow;
    const subject = villageSubject(first);
    const year = subjectKey.slice(subjectKey.lastIndexOf('|') + 1);
    const reasons: string[] = [];
    if (total > yearlyCap)
      reasons.push(
        `${year} 年${category}共 ${expenses.length} 笔，合计 ${formatYuan(total)}，超过年度上限 ${formatYuan(yearlyCap)}`,
      );
    for (const voucher of bigVouchers) {
      const v = voucher[0] as FinanceRow;
      reasons.push(
        `凭证 ${text(v, 'voucher_no') ?? '（无凭证号）'}（${dateOf(v, 'date')}）${category} ${formatYuan(sumAmounts(voucher))}，超过单笔上限 ${formatYuan(voucherCap)}`,
      );
    }
    if (total <= yearlyCap) reasons.push(`${year} 年${category}合计 ${formatYuan(total)}`);
    findings.push({
      rule: 'R11',
      subjectKey,
      subject: `${subject?.village ?? ''} · ${year} 年${category}`,
      ...place(subject?.township, subject?.village),
      amount: total,
      match: 'id',
      evidence: expenses.map((row) => evidenceOf(row)),
      reasons,
    });
  }
  return findings.sort(bySubjectKey);
}

/** R11 as a registered {@link Rule}. */
export const hospitalityExcessRule = defineRule({
  code: 'R11',
  key: 'HOSPITALITY_EXCESS',
  title: { zh: '招待费超标', en: 'Excessive hospitality spending' },
  description: {
    zh: '村级招待费全年合计超过 5000 元，或单张凭证超过 1000 元（上限可配置，等于上限不算超标）。',
    en: 'A village’s hospitality spending in a year exceeds the yearly cap, or one voucher exceeds the voucher cap.',
  },
  reads: ['village_finance'],
  evaluate: evaluateHospitalityExcess,
  settings: {
    schema,
    defaults: { enabled: true, category: '招待费', yearlyCap: yuan(5_000), voucherCap: yuan(1_000) },
  },
  subjectKey: villagePartKey,
});
