import type { RuleConfig } from '../config.js';
import { subjectFrom } from '../leads/subject.js';
import type { Finding } from '../model.js';
import { RULE_CATALOG } from './catalog.js';
import {
  amountOf,
  compareRows,
  compareText,
  evidenceOf,
  formatYuan,
  groupBy,
  hasUsableId,
  idMatchQuality,
  PAYMENT_EVIDENCE_COLUMNS,
  paymentMonth,
  placeOf,
  programOf,
  sumAmounts,
  text,
} from './common.js';
import type { MatchInput, Rule, SourceRow } from './types.js';

/**
 * R06 重复领取 (CONTRACT.md §5): the same person (by ID) paid the same program for the same
 * month more than once, in any village. One finding per person + program + month.
 *
 * Amount = total minus one payment; the payment kept as legitimate is the largest one, so
 * the lead never overstates what was overpaid when the amounts differ.
 */
export function evaluateDuplicatePayment(input: MatchInput, config: RuleConfig): Finding[] {
  if (!config.R06.enabled) return [];
  const groups = groupBy(input.rows('subsidy_payments').filter(hasUsableId), (row) => {
    const month = paymentMonth(row);
    return month === undefined ? undefined : `${row.idNumber}|${programOf(row).key}|${month}`;
  });

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groups) {
    if (group.length < 2) continue;
    const payments = [...group].sort(compareRows);
    const first = payments[0] as SourceRow;
    const program = programOf(first);
    const month = paymentMonth(first) as string;
    const total = sumAmounts(payments);
    const largest = Math.max(...payments.map((row) => amountOf(row) ?? 0));
    const amount = total - largest;
    const name = payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined);
    const places = [
      ...new Set(payments.map((row) => `${text(row, 'township') ?? ''}${text(row, 'village') ?? ''}`)),
    ].filter((p) => p !== '');

    findings.push({
      rule: 'R06',
      subjectKey,
      ...subjectFrom([
        name === undefined ? '（姓名不详）' : { person: name },
        ` · ${program.name} · ${month}`,
      ]),
      idNumber: first.idNumber as string,
      ...(name !== undefined ? { name } : {}),
      ...placeOf(payments),
      amount,
      match: idMatchQuality(payments),
      evidence: payments.map((row) => evidenceOf(row, PAYMENT_EVIDENCE_COLUMNS)),
      reasons: [
        `${month} ${program.name} 发放 ${payments.length} 笔${places.length > 0 ? `（${places.join('、')}）` : ''}，共 ${formatYuan(total)}，多发 ${formatYuan(amount)}`,
      ],
    });
  }
  return findings.sort((a, b) => compareText(a.subjectKey, b.subjectKey));
}

/** R06 as a registered {@link Rule}. */
export const duplicatePaymentRule: Rule = {
  code: 'R06',
  key: RULE_CATALOG.R06.key,
  title: RULE_CATALOG.R06.title,
  description: {
    zh: '同一人同一项目同一月份被发放不止一次（不限村社区）。',
    en: 'The same person is paid the same program for the same month more than once.',
  },
  // The registry too: lost IDs are recovered against it (name + village).
  reads: ['subsidy_payments', 'household_registry'],
  evaluate: evaluateDuplicatePayment,
};
