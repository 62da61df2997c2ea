import * as z from 'zod';
import { subjectFrom } from '../leads/subject.js';
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
  idMatchQuality,
  meansTestedPaymentsById,
  type Payment,
  paymentFinding,
  paymentMonth,
  personProgramKey,
  place,
  programOf,
  sumAmounts,
  text,
  uniqueRows,
} from './common.js';
import { defineRule, enabled, fen, labels, yuan } from './define.js';
import { referenceOf } from './reference.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';

/** R05's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** Registered capital at or above which an entity fires (inclusive), fen. */
  minRegisteredCapital: fen,
  /** Registration statuses of an entity still in business. */
  activeStatuses: labels,
});
type Config = RuleSection<'R05', typeof schema.shape>;

/** The program key of R05 leads on poverty-household members. */
export const POVERTY_SUBJECT = 'POVERTY';

/** Entities in business (`activeStatuses`, matched as part of the status) with capital ≥ the threshold (inclusive). */
function qualifyingEntities(
  entities: readonly SourceRow<'market_entities'>[],
  config: Config,
): SourceRow<'market_entities'>[] {
  return entities.filter((entity) => {
    const status = text(entity, 'status');
    const capital = amountOf(entity, 'registered_capital');
    return (
      status !== undefined &&
      config.R05.activeStatuses.some((s) => status.includes(s)) &&
      capital !== undefined &&
      capital >= config.R05.minRegisteredCapital
    );
  });
}

function entityReason(entities: readonly SourceRow<'market_entities'>[]): string {
  return entities
    .map(
      (e) =>
        `系${text(e, 'entity_name') ?? text(e, 'credit_code') ?? '市场主体'}（${text(e, 'status')}，注册资本 ${formatYuan(amountOf(e, 'registered_capital') ?? 0)}）法定代表人/经营者`,
    )
    .join('；');
}

/**
 * R05 经营主体享受低保/贫困 (CONTRACT.md §5): a means-tested recipient, or a poverty-household
 * member, is the legal representative (by ID) of an entity whose status is in business
 * (`R05.activeStatuses`) and whose registered capital is ≥ `R05.minRegisteredCapital`.
 * Leads: `{id}|{program}` per means-tested program received (amount: that program's
 * payments), and `{id}|POVERTY` for a poverty member (amount: all their means-tested payments).
 */
export function evaluateBusinessOwnerRecipient(input: MatchInput, config: Config): Finding[] {
  if (!config.R05.enabled) return [];
  const reference = referenceOf(input);
  const entitiesOf = new Map<string, SourceRow<'market_entities'>[]>();
  const qualifying = (id: string): SourceRow<'market_entities'>[] => {
    let list = entitiesOf.get(id);
    if (!list) {
      list = uniqueRows(qualifyingEntities(reference.entitiesOfRep(id), config));
      entitiesOf.set(id, list);
    }
    return list;
  };

  // Only recipients who represent a qualifying entity are grouped by program.
  const paymentsById = meansTestedPaymentsById(input);
  const findings: Finding[] = [];
  for (const [idNumber, payments] of paymentsById) {
    const entities = qualifying(idNumber);
    if (entities.length === 0) continue;
    for (const [subjectKey, group] of groupBy(payments, (row) =>
      personProgramKey(idNumber, programOf(row).key),
    )) {
      const first = group[0] as Payment;
      const rows = [...group].sort(
        (a, b) => compareText(paymentMonth(a) ?? '', paymentMonth(b) ?? '') || compareRows(a, b),
      );
      const program = programOf(first);
      const name = rows.map((row) => text(row, 'recipient_name')).find((n) => n !== undefined);
      const amount = sumAmounts(rows);
      findings.push(
        paymentFinding({
          rule: 'R05',
          subjectKey,
          idNumber,
          name,
          programName: program.name,
          payments: rows,
          amount,
          matchRows: [...entities, ...rows],
          context: entities.map((row) => evidenceOf(row)),
          reasons: [
            `领取人${entityReason(entities)}`,
            `领取 ${program.name} ${rows.length} 笔，共 ${formatYuan(amount)}`,
          ],
        }),
      );
    }
  }

  const members = rowsOf(input, 'poverty_registry').filter(hasUsableId);
  for (const [id, memberRows] of groupBy(members, (row) => row.idNumber)) {
    const entities = qualifying(id);
    if (entities.length === 0) continue;
    const poverty = uniqueRows(memberRows);
    const paid = uniqueRows(paymentsById.get(id) ?? []);
    const amount = sumAmounts(paid);
    const first = poverty[0] as SourceRow<'poverty_registry'>;
    const name = text(first, 'name');
    findings.push({
      rule: 'R05',
      subjectKey: personProgramKey(id, POVERTY_SUBJECT),
      ...subjectFrom([name === undefined ? '（姓名不详）' : { person: name }, ' · 建档立卡贫困户']),
      idNumber: id,
      ...(name !== undefined ? { name } : {}),
      ...place(text(first, 'township'), text(first, 'village')),
      amount,
      match: idMatchQuality([...poverty, ...entities, ...paid]),
      evidence: [
        ...poverty.map((row) => evidenceOf(row)),
        ...entities.map((row) => evidenceOf(row)),
        ...paid.map((row) => evidenceOf(row)),
      ],
      reasons: [
        `建档立卡贫困户成员（户号 ${text(first, 'household_no') ?? '不详'}）${entityReason(entities)}`,
        paid.length > 0
          ? `领取低保等救助资金 ${paid.length} 笔，共 ${formatYuan(amount)}`
          : '无低保等救助资金发放记录',
      ],
    });
  }
  return findings.sort(bySubjectKey);
}

/** R05 as a registered {@link Rule}. */
export const businessOwnerRecipientRule = defineRule({
  code: 'R05',
  key: 'BUSINESS_OWNER_RECIPIENT',
  title: { zh: '经营主体享受低保/贫困', en: 'Business owner receives means-tested aid' },
  description: {
    zh: '低保等救助对象或建档立卡贫困户成员是存续（在业）且注册资本达到门槛（默认 10 万元）的市场主体的法定代表人或经营者。',
    en: 'A means-tested recipient or poverty-household member is the legal representative of an active entity with registered capital at or above the threshold.',
  },
  reads: ['subsidy_payments', 'poverty_registry', 'market_entities', 'household_registry'],
  evaluate: evaluateBusinessOwnerRecipient,
  settings: {
    schema,
    defaults: { enabled: true, minRegisteredCapital: yuan(100_000), activeStatuses: ['存续', '在业'] },
  },
  subjectKey: personProgramKey,
});
