import * as z from 'zod';
import type { Finding } from '../model.js';
import { normalizePersonName } from '../normalize/name.js';
import {
  bySubjectKey,
  compareRows,
  compareText,
  evidenceOf,
  formatYuan,
  groupBy,
  hasUsableId,
  type IdentifiedRow,
  type Payment,
  paymentFinding,
  paymentMonth,
  personProgramKey,
  programOf,
  sumAmounts,
  text,
} from './common.js';
import { defineRule, enabled } from './define.js';
import { referenceOf } from './reference.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';

/** R08's settings (its section of the rule configuration). */
const schema = z.strictObject({ enabled });
type Config = RuleSection<'R08', typeof schema.shape>;

const REGISTRY_EVIDENCE_COLUMNS = ['id_number', 'name', 'household_no', 'township', 'village'] as const;

/**
 * R08 虚报冒领 (CONTRACT.md §5): a payment to a valid ID that is not in `household_registry`,
 * or whose recipient name differs from the registry's name (both through {@link normalizePersonName}:
 * blanks removed, middle dots unified, traditional → simplified).
 * - A person found in `death_records` counts as registered (police may have cancelled the hukou).
 * - Lost or absent IDs never fire; neither does a payment without a recipient name on the name test.
 * - When no registry was uploaded at all ({@link MatchInput.hasKind}), the absence test is skipped.
 * One finding per person + program; the amount is the sum of the firing payments.
 */
export function evaluateUnregisteredRecipient(input: MatchInput, config: Config): Finding[] {
  if (!config.R08.enabled) return [];
  const registryRows = rowsOf(input, 'household_registry');
  const registryPresent = input.hasKind ? input.hasKind('household_registry') : registryRows.length > 0;
  if (!registryPresent) return [];

  // A person's registry rows as the reference indexes them (not indexed again here).
  const reference = referenceOf(input);
  const deceased = new Set(
    rowsOf(input, 'death_records')
      .filter(hasUsableId)
      .map((row) => row.idNumber),
  );

  type Hit = {
    readonly payment: IdentifiedRow<'subsidy_payments'>;
    readonly registered: readonly SourceRow<'household_registry' | 'death_records'>[];
  };
  // A person is paid every month: their registered names and the names they are paid under
  // are normalized once, not once per payment.
  const normalized = new Map<string, string>();
  const normalize = (name: string): string => {
    let result = normalized.get(name);
    if (result === undefined) {
      result = normalizePersonName(name);
      normalized.set(name, result);
    }
    return result;
  };
  /** Whether the registry names the person, never by the paid name (a row without a name contradicts nothing). */
  const namedOtherwise = (
    registered: readonly SourceRow<'household_registry'>[],
    paidName: string,
  ): boolean => {
    const paid = normalize(paidName);
    let named = false;
    for (const row of registered) {
      const name = text(row, 'name');
      if (name === undefined) continue;
      if (normalize(name) === paid) return false;
      named = true;
    }
    return named;
  };
  const hits: Hit[] = [];
  for (const payment of rowsOf(input, 'subsidy_payments')) {
    // A destroyed ID is not a valid ID, even when name + village found its person.
    if (!hasUsableId(payment) || payment.identifiedBy !== undefined) continue;
    const registered = reference.registryRows(payment.idNumber);
    if (registered.length === 0) {
      if (!deceased.has(payment.idNumber)) hits.push({ payment, registered: [] });
      continue;
    }
    const paidName = text(payment, 'recipient_name');
    if (paidName !== undefined && namedOtherwise(registered, paidName)) hits.push({ payment, registered });
  }

  const findings: Finding[] = [];
  const groups = groupBy(hits, (hit) => personProgramKey(hit.payment.idNumber, programOf(hit.payment).key));
  for (const [subjectKey, group] of groups) {
    const payments = group
      .map((hit) => hit.payment)
      .sort((a, b) => compareText(paymentMonth(a) ?? '', paymentMonth(b) ?? '') || compareRows(a, b));
    const registered = [...(group[0] as Hit).registered].sort(compareRows);
    const first = payments[0] as Payment;
    const program = programOf(first);
    const name = payments.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined);
    const amount = sumAmounts(payments);

    const reasons: string[] = [];
    if (registered.length === 0) {
      reasons.push(
        `身份证号不在户籍人口库中，领取 ${program.name} ${payments.length} 笔，共 ${formatYuan(amount)}`,
      );
    } else {
      const registeredNames = [...new Set(registered.map((row) => text(row, 'name')).filter(Boolean))];
      const byName = groupBy(payments, (row) => text(row, 'recipient_name'));
      for (const [paidName, rows] of byName) {
        reasons.push(
          `领取人姓名「${paidName}」与户籍登记姓名「${registeredNames.join('、')}」不一致，领取 ${program.name} ${rows.length} 笔，共 ${formatYuan(sumAmounts(rows))}`,
        );
      }
    }

    findings.push(
      paymentFinding({
        rule: 'R08',
        subjectKey,
        idNumber: first.idNumber as string,
        name,
        programName: program.name,
        payments,
        amount,
        matchRows: [...registered, ...payments],
        context: registered.map((row) => evidenceOf(row, REGISTRY_EVIDENCE_COLUMNS)),
        reasons,
      }),
    );
  }
  return findings.sort(bySubjectKey);
}

/** R08 as a registered {@link Rule}. */
export const unregisteredRecipientRule = defineRule({
  code: 'R08',
  key: 'UNREGISTERED_RECIPIENT',
  title: { zh: '虚报冒领', en: 'Unregistered or mismatched recipient' },
  description: {
    zh: '领取人身份证号不在户籍人口库中，或领取人姓名与户籍登记姓名不一致。',
    en: 'A payment to a valid ID missing from the household registry, or under a different name.',
  },
  reads: ['household_registry', 'death_records', 'subsidy_payments'],
  // Looked up by each payment's ID only.
  byRecipient: ['death_records'],
  evaluate: evaluateUnregisteredRecipient,
  settings: {
    schema,
    defaults: { enabled: true },
  },
  subjectKey: personProgramKey,
});
