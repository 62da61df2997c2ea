import type { RuleConfig } from '../config.js';
import type { DatasetKind } from '../kinds.js';
import type { Finding, RuleCode } from '../model.js';
import { deceasedRecipientRule } from './r01-deceased-recipient.js';
import { duplicatePaymentRule } from './r06-duplicate-payment.js';
import { unregisteredRecipientRule } from './r08-unregistered-recipient.js';
import type { MatchInput, Rule } from './types.js';

/** The implemented rules, in code order. */
export const RULES: readonly Rule[] = [
  deceasedRecipientRule,
  duplicatePaymentRule,
  unregisteredRecipientRule,
];

/** The implemented rule with this code, if any. */
export function ruleByCode(code: RuleCode): Rule | undefined {
  return RULES.find((rule) => rule.code === code);
}

/** Rules that must re-run when a version of `kind` is added, replaced or withdrawn. */
export function rulesReading(kind: DatasetKind): Rule[] {
  return RULES.filter((rule) => rule.reads.includes(kind));
}

/**
 * Run `rules` (default: all implemented) over one shard; findings in rule order, each rule's
 * findings in subject order. Disabled rules return nothing.
 */
export function evaluateRules(
  input: MatchInput,
  config: RuleConfig,
  rules: readonly Rule[] = RULES,
): Finding[] {
  return rules.flatMap((rule) => rule.evaluate(input, config));
}
