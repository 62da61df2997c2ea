import * as z from 'zod';
import type { Finding } from '../model.js';
import {
  addMonths,
  bySubjectKey,
  compareRows,
  compareText,
  dateOf,
  evidenceOf,
  formatYuan,
  groupBy,
  hasUsableId,
  type IdentifiedRow,
  identifiedPayments,
  type Payment,
  paymentFinding,
  paymentMonth,
  personProgramKey,
  programOf,
  sumAmounts,
  text,
} from './common.js';
import { defineRule, enabled } from './define.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';

/** R01's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** Months after the death month that are still tolerated (contract: the following month). */
  graceMonths: z.number().int().min(0).max(24),
});
type Config = RuleSection<'R01', typeof schema.shape>;

interface Death {
  readonly date: string;
  readonly rows: readonly SourceRow<'death_records'>[];
}

/** Earliest valid death date per ID, with every death row of that person (police + crematorium …). */
function deathsById(rows: readonly SourceRow<'death_records'>[]): Map<string, Death> {
  const deaths = new Map<string, Death>();
  const byId = groupBy(rows.filter(hasUsableId), (row) => row.idNumber);
  for (const [id, group] of byId) {
    const dated = group.filter((row) => dateOf(row, 'death_date') !== undefined);
    if (dated.length === 0) continue;
    const date = dated.map((row) => dateOf(row, 'death_date') as string).sort(compareText)[0] as string;
    // Order: earliest death first, then source order, so evidence reads chronologically.
    const ordered = [...dated].sort(
      (a, b) =>
        compareText(dateOf(a, 'death_date') as string, dateOf(b, 'death_date') as string) ||
        compareRows(a, b),
    );
    deaths.set(id, { date, rows: ordered });
  }
  return deaths;
}

/**
 * R01 死亡人员领取补贴 (CONTRACT.md §5): a payment whose month is at least death month +
 * `graceMonths` + 1 (default: death 2018-03-15 → March and April are fine, May fires).
 * One finding per person + program; the amount is the sum of the firing payments only.
 * Payments with a lost ID count once name + village found their person ({@link withResolvedIds});
 * the lead is then `name_village`. Payments without any usable ID are not matched.
 */
export function evaluateDeceasedRecipient(input: MatchInput, config: Config): Finding[] {
  if (!config.R01.enabled) return [];
  const deaths = deathsById(rowsOf(input, 'death_records'));
  if (deaths.size === 0) return [];

  const firing: IdentifiedRow<'subsidy_payments'>[] = [];
  for (const { row: payment, month } of identifiedPayments(input)) {
    const death = deaths.get(payment.idNumber);
    if (!death || month === undefined) continue;
    const firstFiringMonth = addMonths(death.date.slice(0, 7), config.R01.graceMonths + 1);
    if (compareText(month, firstFiringMonth) >= 0) firing.push(payment);
  }

  const findings: Finding[] = [];
  const groups = groupBy(firing, (row) => personProgramKey(row.idNumber, programOf(row).key));
  for (const [subjectKey, group] of groups) {
    const payments = [...group].sort(
      (a, b) => compareText(paymentMonth(a) as string, paymentMonth(b) as string) || compareRows(a, b),
    );
    const first = payments[0] as Payment;
    const idNumber = first.idNumber as string;
    const death = deaths.get(idNumber) as Death;
    const program = programOf(first);
    const name =
      payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined) ??
      death.rows.map((row) => text(row, 'name')).find((n) => n !== undefined);
    const amount = sumAmounts(payments);
    const earliest = death.rows[0] as SourceRow<'death_records'>;
    const source = text(earliest, 'source');

    const reasons = [
      `${death.date} 死亡${source ? `（${source}）` : ''}，${paymentMonth(first)} 起仍领取 ${program.name} ${payments.length} 笔，共 ${formatYuan(amount)}`,
    ];
    for (const other of death.rows.slice(1)) {
      const otherSource = text(other, 'source');
      reasons.push(`另有死亡记录${otherSource ? `（${otherSource}）` : ''}：${dateOf(other, 'death_date')}`);
    }

    findings.push(
      paymentFinding({
        rule: 'R01',
        subjectKey,
        idNumber,
        name,
        programName: program.name,
        payments,
        amount,
        matchRows: [...death.rows, ...payments],
        context: death.rows.map((row) => evidenceOf(row)),
        reasons,
      }),
    );
  }
  return findings.sort(bySubjectKey);
}

/** R01 as a registered {@link Rule}. */
export const deceasedRecipientRule = defineRule({
  code: 'R01',
  key: 'DECEASED_RECIPIENT',
  title: { zh: '死亡人员领取补贴', en: 'Deceased person still paid' },
  description: {
    zh: '死亡人员在死亡次月之后仍被发放补贴（发放月份 ≥ 死亡月份 + 2）。',
    en: 'A payment whose month is at least two months after the death month.',
  },
  // The registry too: lost IDs are recovered against it (name + village).
  reads: ['death_records', 'subsidy_payments', 'household_registry'],
  // Looked up by each payment's ID only.
  byRecipient: ['death_records'],
  evaluate: evaluateDeceasedRecipient,
  settings: {
    schema,
    defaults: { enabled: true, graceMonths: 1 },
  },
  subjectKey: personProgramKey,
});
