import * as z from 'zod';
import type { Finding } from '../model.js';
import {
  amountOf,
  bySubjectKey,
  compareRows,
  compareText,
  evidenceOf,
  formatYuan,
  groupBy,
  hasUsableId,
  type IdentifiedRow,
  identifiedPayments,
  monthOf,
  type Payment,
  paymentFinding,
  paymentMonth,
  personProgramKey,
  programOf,
  sumAmounts,
  text,
  uniqueRows,
} from './common.js';
import { defineRule, enabled, fen, yuan } from './define.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';

/** R07's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** Social-insurance contribution base at or above which a month counts as employed (inclusive), fen. */
  minContributionBase: fen,
});
type Config = RuleSection<'R07', typeof schema.shape>;

/**
 * R07 有稳定收入享受低保 (CONTRACT.md §5): a means-tested payment for month M while the
 * recipient has a social-insurance row for period M with a contribution base ≥
 * `R07.minContributionBase` (inclusive). One finding per person + program; the amount is
 * the firing payments only.
 */
export function evaluateEmployedRecipient(input: MatchInput, config: Config): Finding[] {
  if (!config.R07.enabled) return [];
  const employed = groupBy(
    rowsOf(input, 'social_insurance')
      .filter(hasUsableId)
      .filter((row) => (amountOf(row, 'contribution_base') ?? -1) >= config.R07.minContributionBase),
    (row) => {
      const month = monthOf(text(row, 'period'));
      return month === undefined ? undefined : `${row.idNumber}|${month}`;
    },
  );
  if (employed.size === 0) return [];

  type Hit = {
    readonly payment: IdentifiedRow<'subsidy_payments'>;
    readonly insurance: readonly SourceRow<'social_insurance'>[];
  };
  const hits: Hit[] = [];
  for (const { row: payment, month, meansTested } of identifiedPayments(input)) {
    if (!meansTested) continue;
    const insurance = employed.get(`${payment.idNumber}|${month}`);
    if (insurance) hits.push({ payment, insurance });
  }

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groupBy(hits, (h) =>
    personProgramKey(h.payment.idNumber, programOf(h.payment).key),
  )) {
    const payments = uniqueRows(group.map((h) => h.payment)).sort(
      (a, b) => compareText(paymentMonth(a) ?? '', paymentMonth(b) ?? '') || compareRows(a, b),
    );
    const insurance = uniqueRows(group.flatMap((h) => h.insurance)).sort(
      (a, b) => compareText(text(a, 'period') ?? '', text(b, 'period') ?? '') || compareRows(a, b),
    );
    const first = payments[0] as Payment;
    const program = programOf(first);
    const name = payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined);
    const amount = sumAmounts(payments);
    const employers = [...new Set(insurance.map((row) => text(row, 'employer')).filter(Boolean))];
    const bases = insurance.map((row) => amountOf(row, 'contribution_base') ?? 0);
    findings.push(
      paymentFinding({
        rule: 'R07',
        subjectKey,
        idNumber: first.idNumber as string,
        name,
        programName: program.name,
        payments,
        amount,
        matchRows: [...payments, ...insurance],
        context: insurance.map((row) => evidenceOf(row)),
        reasons: [
          `${new Set(payments.map(paymentMonth)).size} 个发放月份同时缴纳社保${employers.length > 0 ? `（${employers.join('、')}）` : ''}，缴费基数 ${formatYuan(Math.min(...bases))}${Math.max(...bases) !== Math.min(...bases) ? `–${formatYuan(Math.max(...bases))}` : ''}，不低于 ${formatYuan(config.R07.minContributionBase)}`,
          `这些月份领取 ${program.name} ${payments.length} 笔，共 ${formatYuan(amount)}`,
        ],
      }),
    );
  }
  return findings.sort(bySubjectKey);
}

/** R07 as a registered {@link Rule}. */
export const employedRecipientRule = defineRule({
  code: 'R07',
  key: 'EMPLOYED_RECIPIENT',
  title: { zh: '有稳定收入享受低保', en: 'Recipient with stable income' },
  description: {
    zh: '领取低保等救助资金的月份，本人社保缴费基数达到门槛（默认 3000 元），说明有稳定收入。',
    en: 'A means-tested payment in a month with a social-insurance contribution base at or above the threshold.',
  },
  reads: ['subsidy_payments', 'social_insurance', 'household_registry'],
  // Looked up by each payment's ID only.
  byRecipient: ['social_insurance'],
  evaluate: evaluateEmployedRecipient,
  settings: {
    schema,
    defaults: { enabled: true, minContributionBase: yuan(3_000) },
  },
  subjectKey: personProgramKey,
});
