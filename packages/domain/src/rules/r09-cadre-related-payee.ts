import * as z from 'zod';
import type { Finding, MatchQuality } from '../model.js';
import {
  bySubjectKey,
  evidenceOf,
  formatYuan,
  groupBy,
  idMatchQuality,
  place,
  sumAmounts,
  text,
  uniqueRows,
  weakestMatch,
} from './common.js';
import { defineRule, enabled, label } from './define.js';
import { referenceOf } from './reference.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';
import {
  byDate,
  type FinanceRow,
  isExpense,
  isOrganizationName,
  villagePartKey,
  villageSubject,
} from './village-finance.js';

/** R09's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** `public_officials.category` of village cadres. */
  cadreCategory: label,
});
type Config = RuleSection<'R09', typeof schema.shape>;

/**
 * R09 村级财务优亲厚友 (CONTRACT.md §5): a village expense paid to a village cadre
 * (`public_officials.category` = `R09.cadreCategory`) of that village, or to a household
 * member of one. The payee is the person with the row's `counterparty_id`, else the one person
 * of that name in that village's registry (a name shared by two villagers matches nobody);
 * organizations never fire. One finding per village + payee (`{township}|{village}|{payeeId}`),
 * amount = the sum of those expenses.
 */
export function evaluateCadreRelatedPayee(input: MatchInput, config: Config): Finding[] {
  if (!config.R09.enabled) return [];
  const reference = referenceOf(input);

  type Hit = {
    readonly key: string;
    readonly expense: FinanceRow;
    readonly payeeId: string;
    readonly match: MatchQuality;
    readonly cadres: readonly SourceRow<'public_officials'>[];
  };
  const hits: Hit[] = [];
  for (const expense of rowsOf(input, 'village_finance')) {
    const subject = villageSubject(expense);
    if (subject === undefined || !isExpense(expense)) continue;
    let payeeId = text(expense, 'counterparty_id');
    let match: MatchQuality = 'id';
    if (payeeId === undefined) {
      const name = text(expense, 'counterparty');
      if (name === undefined || isOrganizationName(name)) continue;
      payeeId = reference.personByNameVillage(name, subject.village);
      match = 'name_village';
    }
    if (payeeId === undefined) continue;
    const household = new Set(reference.householdOf(payeeId));
    const cadres = reference
      .officialsOfVillage(subject.village, subject.township, config.R09.cadreCategory)
      .filter((cadre) => household.has(cadre.idNumber as string));
    if (cadres.length > 0) hits.push({ key: subject.key(payeeId), expense, payeeId, match, cadres });
  }

  const findings: Finding[] = [];
  for (const [subjectKey, group] of groupBy(hits, (h) => h.key)) {
    const expenses = uniqueRows(group.map((h) => h.expense)).sort(byDate);
    const first = group[0] as Hit;
    const payeeId = first.payeeId;
    const cadres = uniqueRows(group.flatMap((h) => h.cadres));
    const cadreIds = [...new Set(cadres.map((c) => c.idNumber as string))].sort();
    const registry = uniqueRows([payeeId, ...cadreIds].flatMap((id) => reference.registryRows(id)));
    const name =
      reference.registryRows(payeeId).map((row) => text(row, 'name'))[0] ??
      text(first.expense, 'counterparty');
    const amount = sumAmounts(expenses);
    const subject = villageSubject(first.expense);
    const reasons = cadreIds.map((id) => {
      const cadre = cadres.find((c) => c.idNumber === id) as SourceRow<'public_officials'>;
      const role = [text(cadre, 'position'), text(cadre, 'category')].filter(Boolean).join('，');
      return id === payeeId
        ? `收款人本人是本村村干部（${role}）`
        : `收款人是本村村干部${text(cadre, 'name') ?? ''}（${role}）的同户家庭成员`;
    });
    reasons.push(
      `${subject?.village ?? ''}村级财务向其支付 ${expenses.length} 笔（${expenses
        .map((e) => text(e, 'category') ?? '未分类')
        .filter((c, i, all) => all.indexOf(c) === i)
        .join('、')}），共 ${formatYuan(amount)}`,
    );
    findings.push({
      rule: 'R09',
      subjectKey,
      subject: `${subject?.village ?? ''} · 收款人 ${name ?? '（姓名不详）'}`,
      idNumber: payeeId,
      ...(name !== undefined ? { name } : {}),
      ...place(subject?.township, subject?.village),
      amount,
      match: weakestMatch([...group.map((h) => h.match), idMatchQuality(cadres)]),
      evidence: [
        ...registry.map((row) => evidenceOf(row)),
        ...cadres.map((row) => evidenceOf(row)),
        ...expenses.map((row) => evidenceOf(row)),
      ],
      reasons,
    });
  }
  return findings.sort(bySubjectKey);
}

/** R09 as a registered {@link Rule}. */
export const cadreRelatedPayeeRule = defineRule({
  code: 'R09',
  key: 'CADRE_RELATED_PAYEE',
  title: { zh: '村级财务优亲厚友', en: 'Village payment to cadre or kin' },
  description: {
    zh: '村级财务支出的收款人是本村村干部本人或其同户家庭成员（按身份证号，或按本村唯一的姓名识别；单位收款不计）。',
    en: 'A village expense paid to a cadre of that village or to a member of a cadre’s household.',
  },
  reads: ['village_finance', 'public_officials', 'household_registry'],
  evaluate: evaluateCadreRelatedPayee,
  settings: {
    schema,
    defaults: { enabled: true, cadreCategory: '村干部' },
  },
  subjectKey: villagePartKey,
});
