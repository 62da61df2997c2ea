import * as z from 'zod';
import { subjectFrom } from '../leads/subject.js';
import type { Finding } from '../model.js';
import {
  amountOf,
  bySubjectKey,
  compareRows,
  evidenceOf,
  formatYuan,
  groupBy,
  type IdentifiedPayment,
  identifiedPayments,
  idMatchQuality,
  type Payment,
  paymentMonth,
  placeOf,
  programOf,
  sumAmounts,
  text,
} from './common.js';
import { defineRule, enabled } from './define.js';
import type { MatchInput, RuleSection } from './types.js';

/** R06's settings (its section of the rule configuration). */
const schema = z.strictObject({ enabled });
type Config = RuleSection<'R06', typeof schema.shape>;

/** One lead per person + program + month: `{idNumber}|{program}|{month}`. */
const subjectKey = (idNumber: string, program: string, month: string): string =>
  `${idNumber}|${program}|${month}`;

/**
 * R06 重复领取 (CONTRACT.md §5): the same person (by ID) paid the same program for the same
 * month more than once, in any village. One finding per person + program + month.
 *
 * Amount = total minus one payment; the payment kept as legitimate is the largest one, so
 * the lead never overstates what was overpaid when the amounts differ.
 */
export function evaluateDuplicatePayment(input: MatchInput, config: Config): Finding[] {
  if (!config.R06.enabled) return [];
  // By person (a key the row already holds), then by program and month among the person's payments.
  const findings: Finding[] = [];
  for (const [idNumber, paid] of groupBy(identifiedPayments(input), (p) => p.row.idNumber)) {
    if (paid.length < 2) continue;
    const groups = groupBy(paid, ({ month, program }) =>
      month === undefined ? undefined : subjectKey(idNumber, program.key, month),
    );
    for (const [key, group] of groups) if (group.length > 1) findings.push(duplicateFinding(key, group));
  }
  return findings.sort(bySubjectKey);
}

/** The finding of one person's payments of one program for one month (two or more). */
function duplicateFinding(subjectKey: string, group: readonly IdentifiedPayment[]): Finding {
  const payments = group.map((p) => p.row).sort(compareRows);
  const first = payments[0] as Payment;
  const program = programOf(first);
  const month = paymentMonth(first) as string;
  const total = sumAmounts(payments);
  const largest = Math.max(...payments.map((row) => amountOf(row, 'amount') ?? 0));
  const amount = total - largest;
  const name = payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined);
  const places = [
    ...new Set(payments.map((row) => `${text(row, 'township') ?? ''}${text(row, 'village') ?? ''}`)),
  ].filter((p) => p !== '');

  return {
    rule: 'R06',
    subjectKey,
    ...subjectFrom([name === undefined ? '（姓名不详）' : { person: name }, ` · ${program.name} · ${month}`]),
    idNumber: first.idNumber as string,
    ...(name !== undefined ? { name } : {}),
    ...placeOf(payments),
    amount,
    match: idMatchQuality(payments),
    evidence: payments.map((row) => evidenceOf(row)),
    reasons: [
      `${month} ${program.name} 发放 ${payments.length} 笔${places.length > 0 ? `（${places.join('、')}）` : ''}，共 ${formatYuan(total)}，多发 ${formatYuan(amount)}`,
    ],
  };
}

/** R06 as a registered {@link Rule}. */
export const duplicatePaymentRule = defineRule({
  code: 'R06',
  key: 'DUPLICATE_PAYMENT',
  title: { zh: '重复领取', en: 'Duplicate payment' },
  description: {
    zh: '同一人同一项目同一月份被发放不止一次（不限村社区）。',
    en: 'The same person is paid the same program for the same month more than once.',
  },
  // The registry too: lost IDs are recovered against it (name + village).
  reads: ['subsidy_payments', 'household_registry'],
  evaluate: evaluateDuplicatePayment,
  settings: {
    schema,
    defaults: { enabled: true },
  },
  subjectKey: subjectKey,
});
