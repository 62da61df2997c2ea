import type { RuleConfig } from '../config.js';
import type { DatasetKind } from '../kinds.js';
import type { Finding } from '../model.js';
import { compareText } from './common.js';
import { deceasedRecipientRule } from './r01-deceased-recipient.js';
import { poorWithPropertyRule } from './r02-poor-with-property.js';
import { poorWithVehicleRule } from './r03-poor-with-vehicle.js';
import { officialRecipientRule } from './r04-official-recipient.js';
import { businessOwnerRecipientRule } from './r05-business-owner-recipient.js';
import { duplicatePaymentRule } from './r06-duplicate-payment.js';
import { employedRecipientRule } from './r07-employed-recipient.js';
import { unregisteredRecipientRule } from './r08-unregistered-recipient.js';
import { cadreRelatedPayeeRule } from './r09-cadre-related-payee.js';
import { splitPaymentsRule } from './r10-split-payments.js';
import { hospitalityExcessRule } from './r11-hospitality-excess.js';
import { contractorRelatedRule } from './r12-contractor-related.js';
import type { MatchInput, Rule } from './types.js';

/**
 * The twelve rules of CONTRACT.md §5, in code order: the one list a new rule is added to.
 * Rule codes, the catalogue, the configuration and the re-run planning derive from it.
 */
export const RULES = [
  deceasedRecipientRule,
  poorWithPropertyRule,
  poorWithVehicleRule,
  officialRecipientRule,
  businessOwnerRecipientRule,
  duplicatePaymentRule,
  employedRecipientRule,
  unregisteredRecipientRule,
  cadreRelatedPayeeRule,
  splitPaymentsRule,
  hospitalityExcessRule,
  contractorRelatedRule,
] as const satisfies readonly Rule[];

/** One of the registered rules. */
export type RegisteredRule = (typeof RULES)[number];

/** Rule codes of CONTRACT.md §5. */
export type RuleCode = RegisteredRule['code'];

/** The rule with this code, if any. */
export function ruleByCode(code: RuleCode): Rule | undefined {
  return RULES.find((rule): rule is RegisteredRule => rule.code === code);
}

/** Rules that must re-run when a version of `kind` is added, replaced or withdrawn. */
export function rulesReading(kind: DatasetKind): Rule[] {
  return RULES.filter((rule: Rule) => rule.reads.includes(kind));
}

/** Every kind some rule reads. */
export function kindsRead(rules: readonly Rule[] = RULES): DatasetKind[] {
  return [...new Set(rules.flatMap((rule) => rule.reads))].sort(compareText);
}

/**
 * The kinds `rules` read only by the IDs of payments in the same input: every one of them that
 * reads the kind says so ({@link Rule.byRecipient}).
 */
export function kindsReadByRecipient(rules: readonly Rule[] = RULES): DatasetKind[] {
  return kindsRead(rules).filter((kind) =>
    rules.every((rule) => !rule.reads.includes(kind) || rule.byRecipient?.includes(kind)),
  );
}

/**
 * Run `rules` (default: all) over one shard; findings in rule order, each rule's findings in
 * subject order. Disabled rules return nothing.
 */
export function evaluateRules(
  input: MatchInput,
  config: RuleConfig,
  rules: readonly Rule[] = RULES,
): Finding[] {
  return rules.flatMap((rule) => rule.evaluate(input, config));
}

/**
 * Merge the findings of all shards of a run: partial findings of one subject (same rule
 * and subject key, emitted by several shards) become one through their rule's
 * {@link Rule.combine}. A rule without `combine` emitting a subject twice is a bug in the
 * sharding, reported loudly rather than storing one lead over the other.
 */
export function combineFindings(findings: readonly Finding[], config: RuleConfig): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.rule}|${finding.subjectKey}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const result: Finding[] = [];
  for (const [key, group] of groups) {
    const rule = ruleByCode((group[0] as Finding).rule);
    // A rule that combines gets even a subject of one shard: what it stores does not depend on
    // how the subject's rows fell into shards (a shard orders rows by dataset, which evidence
    // does not carry).
    if (group.length === 1 && !rule?.combine) {
      result.push(group[0] as Finding);
      continue;
    }
    // The message names the rule only: subject keys hold ID numbers.
    if (!rule?.combine)
      throw new Error(`Rule ${key.split('|')[0]}: one subject emitted by ${group.length} shards`);
    result.push(rule.combine(group, config));
  }
  return result.sort(
    (a, b) =>
      RULES.findIndex((r) => r.code === a.rule) - RULES.findIndex((r) => r.code === b.rule) ||
      compareText(a.subjectKey, b.subjectKey),
  );
}
