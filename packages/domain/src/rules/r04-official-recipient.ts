import * as z from 'zod';
import type { Finding } from '../model.js';
import {
  bySubjectKey,
  compareRows,
  compareText,
  dateOf,
  evidenceOf,
  formatYuan,
  groupBy,
  type IdentifiedRow,
  identifiedPayments,
  monthEnd,
  monthOf,
  monthStart,
  type Payment,
  paymentFinding,
  paymentMonth,
  personProgramKey,
  programOf,
  sumAmounts,
  text,
  uniqueRows,
} from './common.js';
import { defineRule, enabled } from './define.js';
import { referenceOf } from './reference.js';
import type { MatchInput, RuleSection, SourceRow } from './types.js';

/** R04's settings (its section of the rule configuration). */
const schema = z.strictObject({ enabled });
type Config = RuleSection<'R04', typeof schema.shape>;

/** What makes a recipient's household ineligible: an official's or a payroll row. */
type Because = SourceRow<'public_officials'> | SourceRow<'fiscal_payroll'>;

/**
 * CONTRACT.md §5 R04: employed during month M = `start_date` ≤ end of M and (`end_date`
 * empty or ≥ start of M). A row without a start date has been employed since before M.
 */
export function employedDuring(official: SourceRow<'public_officials'>, month: string): boolean {
  const start = dateOf(official, 'start_date');
  const end = dateOf(official, 'end_date');
  return (start === undefined || start <= monthEnd(month)) && (end === undefined || end >= monthStart(month));
}

/**
 * R04 公职人员及家属享受低保 (CONTRACT.md §5): a means-tested payment for month M to a
 * household member of someone in `public_officials` employed during M, or in
 * `fiscal_payroll` with a row for period M. Household = same `household_no` in the registry,
 * the recipient included. Same-name officials elsewhere never count: people are matched by ID.
 * One finding per recipient + program; the amount is the firing payments only.
 */
export function evaluateOfficialRecipient(input: MatchInput, config: Config): Finding[] {
  if (!config.R04.enabled) return [];
  const reference = referenceOf(input);

  type Hit = { readonly payment: IdentifiedRow<'subsidy_payments'>; readonly because: readonly Because[] };
  // The official and payroll rows of a recipient's household members, in member order: looked up
  // once per recipient, not once per payment.
  const employedOf = new Map<string, (readonly Because[])[]>();
  const employedRows = (id: string): (readonly Because[])[] => {
    let lists = employedOf.get(id);
    if (!lists) {
      lists = [];
      for (const member of reference.householdOf(id)) {
        const officials = reference.officialRows(member);
        const payroll = reference.payrollRows(member);
        if (officials.length > 0) lists.push(officials);
        if (payroll.length > 0) lists.push(payroll);
      }
      employedOf.set(id, lists);
    }
    return lists;
  };
  const hits: Hit[] = [];
  for (const { row: payment, month, meansTested } of identifiedPayments(input)) {
    if (!meansTested || month === undefined) continue;
    const because: Because[] = [];
    for (const rows of employedRows(payment.idNumber))
      for (const row of rows)
        if (
          row.kind === 'public_officials'
            ? employedDuring(row, month)
            : monthOf(text(row as SourceRow<'fiscal_payroll'>, 'period')) === month
        )
          because.push(row);
    if (because.length > 0) hits.push({ payment, because });
  }

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groupBy(hits, (h) =>
    personProgramKey(h.payment.idNumber, programOf(h.payment).key),
  )) {
    const payments = uniqueRows(group.map((h) => h.payment)).sort(
      (a, b) => compareText(paymentMonth(a) ?? '', paymentMonth(b) ?? '') || compareRows(a, b),
    );
    const first = payments[0] as Payment;
    const idNumber = first.idNumber as string;
    const program = programOf(first);
    const because = uniqueRows(group.flatMap((h) => h.because));
    const relatedIds = [...new Set(because.map((row) => row.idNumber as string))].sort();
    const registry = uniqueRows([idNumber, ...relatedIds].flatMap((id) => reference.registryRows(id)));
    const name =
      payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined) ??
      reference.registryRows(idNumber).map((row) => text(row, 'name'))[0];
    const amount = sumAmounts(payments);

    const reasons = relatedIds.map((id) => {
      const who =
        id === idNumber
          ? '本人'
          : `家庭成员${reference.registryRows(id).map((r) => text(r, 'name'))[0] ?? ''}`;
      const roles = because
        .filter((row) => row.idNumber === id)
        .map((row) =>
          row.kind === 'public_officials'
            ? `公职人员（${[text(row, 'employer'), text(row, 'position'), text(row, 'category')].filter(Boolean).join('，')}）`
            : `财政供养人员（${text(row, 'employer') ?? '单位不详'}，${text(row, 'period')} 领取工资）`,
        );
      return `${who}为${[...new Set(roles)].join('；')}`;
    });
    reasons.push(
      `期间领取 ${program.name} ${payments.length} 笔（${paymentMonth(first)}–${paymentMonth(payments[payments.length - 1] as Payment)}），共 ${formatYuan(amount)}`,
    );

    findings.push(
      paymentFinding({
        rule: 'R04',
        subjectKey,
        idNumber,
        name,
        programName: program.name,
        payments,
        amount,
        matchRows: payments,
        context: [...registry.map((row) => evidenceOf(row)), ...because.map((row) => evidenceOf(row))],
        reasons,
      }),
    );
  }
  return findings.sort(bySubjectKey);
}

/** R04 as a registered {@link Rule}. */
export const officialRecipientRule = defineRule({
  code: 'R04',
  key: 'OFFICIAL_RECIPIENT',
  title: { zh: '公职人员及家属享受低保', en: 'Official or family receives means-tested aid' },
  description: {
    zh: '公职人员（当月在职）或财政供养人员（当月领取工资）本人或其同户家庭成员当月领取低保等救助资金。',
    en: 'A means-tested payment for a month in which the recipient or a household member was an official or on the state payroll.',
  },
  reads: ['subsidy_payments', 'household_registry', 'public_officials', 'fiscal_payroll'],
  evaluate: evaluateOfficialRecipient,
  settings: {
    schema,
    defaults: { enabled: true },
  },
  subjectKey: personProgramKey,
});
