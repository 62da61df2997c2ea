import * as z from 'zod';
import type { Finding } from '../model.js';
import {
  amountOf,
  bySubjectKey,
  dateOf,
  daysBetween,
  evidenceOf,
  formatYuan,
  groupBy,
  place,
  sumAmounts,
  text,
} from './common.js';
import { defineRule, enabled, fen, label, yuan } from './define.js';
import { type MatchInput, type RuleSection, rowsOf } from './types.js';
import {
  byDate,
  type FinanceRow,
  hasCategory,
  isExpense,
  payeeKey,
  villagePartKey,
  villageSubject,
} from './village-finance.js';

/** R10's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** `village_finance.category` of construction payments. */
  category: label,
  /** Maximum span between the first and the last expense of a cluster, days (inclusive). */
  windowDays: z.number().int().min(1).max(3660),
  /** Each expense of a cluster is strictly below this, fen. */
  singleBelow: fen,
  /** A cluster fires when its total reaches this (inclusive), fen. */
  totalAtLeast: fen,
});
type Config = RuleSection<'R10', typeof schema.shape>;

/**
 * The expenses (sorted by date) that belong to at least one cluster: a set of ≥ 2 expenses
 * whose first and last dates are ≤ `windowDays` apart and whose total reaches `totalAtLeast`.
 * Amounts are positive, so a qualifying set exists with first element i exactly when the
 * largest window starting at i qualifies; every member of such a window belongs to a cluster.
 * Returns the clusters as maximal windows (merged when they overlap), in date order.
 */
export function splitPaymentClusters(
  expenses: readonly FinanceRow[],
  windowDays: number,
  totalAtLeast: number,
): FinanceRow[][] {
  const sorted = [...expenses].sort(byDate);
  const inCluster = new Array<boolean>(sorted.length).fill(false);
  const windows: [number, number][] = [];
  let end = 0;
  let total = 0;
  for (let start = 0; start < sorted.length; start++) {
    if (end < start) {
      end = start;
      total = 0;
    }
    const first = dateOf(sorted[start] as FinanceRow, 'date') as string;
    while (
      end < sorted.length &&
      daysBetween(first, dateOf(sorted[end] as FinanceRow, 'date') as string) <= windowDays
    ) {
      total += amountOf(sorted[end] as FinanceRow, 'amount') ?? 0;
      end++;
    }
    // Window is [start, end).
    if (end - start >= 2 && total >= totalAtLeast) {
      for (let i = start; i < end; i++) inCluster[i] = true;
      const last = windows[windows.length - 1];
      if (last && start <= last[1]) last[1] = end - 1;
      else windows.push([start, end - 1]);
    }
    total -= amountOf(sorted[start] as FinanceRow, 'amount') ?? 0;
  }
  return windows.map(([from, to]) => sorted.slice(from, to + 1).filter((_, i) => inCluster[from + i]));
}

/**
 * R10 拆分支付规避招标 (CONTRACT.md §5): ≥ 2 expenses of category `R10.category` (工程款) to
 * one payee in one village, each strictly below `R10.singleBelow`, whose first and last dates
 * are ≤ `R10.windowDays` apart and whose total is ≥ `R10.totalAtLeast`. The payee is the
 * `counterparty_id` when given, else the normalized `counterparty` name (companies included).
 * One finding per village + payee (`{township}|{village}|{payee}`), match `id`; amount = the sum
 * of every expense that belongs to some cluster.
 */
export function evaluateSplitPayments(input: MatchInput, config: Config): Finding[] {
  if (!config.R10.enabled) return [];
  const { category, windowDays, singleBelow, totalAtLeast } = config.R10;
  const candidates = rowsOf(input, 'village_finance').filter(
    (row) =>
      isExpense(row) &&
      hasCategory(row, category) &&
      (amountOf(row, 'amount') ?? Number.POSITIVE_INFINITY) < singleBelow &&
      (amountOf(row, 'amount') ?? 0) > 0 &&
      dateOf(row, 'date') !== undefined,
  );
  const groups = groupBy(candidates, (row) => {
    const subject = villageSubject(row);
    const payee = payeeKey(row);
    return subject === undefined || payee === undefined ? undefined : subject.key(payee);
  });

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groups) {
    if (group.length < 2) continue;
    const clusters = splitPaymentClusters(group, windowDays, totalAtLeast);
    if (clusters.length === 0) continue;
    const expenses = clusters.flat();
    const first = expenses[0] as FinanceRow;
    const subject = villageSubject(first);
    const payee = text(first, 'counterparty') ?? text(first, 'counterparty_id') ?? '（收款人不详）';
    const amount = sumAmounts(expenses);
    findings.push({
      rule: 'R10',
      subjectKey,
      subject: `${subject?.village ?? ''} · 收款人 ${payee}`,
      ...(text(first, 'counterparty_id') !== undefined
        ? { idNumber: text(first, 'counterparty_id') as string }
        : {}),
      name: payee,
      ...place(subject?.township, subject?.village),
      amount,
      // The subject is the payee as the vouchers name it: nothing was inferred about a person.
      match: 'id',
      evidence: expenses.map((row) => evidenceOf(row)),
      reasons: clusters.map(
        (cluster) =>
          `${dateOf(cluster[0] as FinanceRow, 'date')} 至 ${dateOf(cluster[cluster.length - 1] as FinanceRow, 'date')} 向同一收款人支付${category} ${cluster.length} 笔，单笔均低于 ${formatYuan(singleBelow)}，合计 ${formatYuan(sumAmounts(cluster))}，达到 ${formatYuan(totalAtLeast)}`,
      ),
    });
  }
  return findings.sort(bySubjectKey);
}

/** R10 as a registered {@link Rule}. */
export const splitPaymentsRule = defineRule({
  code: 'R10',
  key: 'SPLIT_PAYMENTS',
  title: { zh: '拆分支付规避招标', en: 'Split payments avoiding tender' },
  description: {
    zh: '同一村向同一收款人在 60 天内支付两笔以上工程款，单笔均低于 5 万元、合计达到 5 万元，疑似拆分支付规避招标（门槛可配置）。',
    en: 'Two or more construction payments to one payee in one village within 60 days, each below and together at least the tender threshold.',
  },
  reads: ['village_finance'],
  evaluate: evaluateSplitPayments,
  settings: {
    schema,
    defaults: {
      enabled: true,
      category: '工程款',
      windowDays: 60,
      singleBelow: yuan(50_000),
      totalAtLeast: yuan(50_000),
    },
    // A cluster must be able to reach its total with ≥ 2 expenses.
    check: ({ singleBelow, totalAtLeast }) =>
      totalAtLeast > 0 && singleBelow === 0 ? [{ path: 'singleBelow', message: 'must be above 0' }] : [],
  },
  subjectKey: villagePartKey,
});
