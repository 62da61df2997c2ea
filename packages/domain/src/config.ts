import * as z from 'zod';
import { ConfigOverrideError, configIssues } from './config-errors.js';
import { type RegisteredRule, RULES, type RuleCode } from './rules/registry.js';
import type { Rule, Settings } from './rules/types.js';

/**
 * Thresholds and lists of every lead rule (CONTRACT.md §5), one section per rule as the rule's
 * module declares it. Money is in integer fen (1 元 = 100 fen) like every amount of a
 * normalized row; `enabled: false` switches a rule off.
 */
export type RuleConfig = {
  readonly [R in RegisteredRule as R['code']]: R extends Rule<string, infer Shape> ? Settings<Shape> : never;
};

/** The defaults of CONTRACT.md §5. */
export const DEFAULT_RULE_CONFIG: RuleConfig = Object.freeze(
  Object.fromEntries(RULES.map((rule) => [rule.code, rule.settings.defaults])) as RuleConfig,
);

/** Deep-partial overrides of {@link RuleConfig}. */
export type RuleConfigOverrides = { readonly [C in RuleCode]?: Partial<RuleConfig[C]> };

/**
 * Validated, deep-partial overrides of {@link RuleConfig} (e.g. from an admin setting or an
 * environment variable holding JSON): each rule's override is any subset of its keys, unknown
 * rules or keys are errors (typos must not pass silently).
 */
export const RuleConfigOverrides: z.ZodType<RuleConfigOverrides> = z
  .strictObject(Object.fromEntries(RULES.map((rule) => [rule.code, rule.settings.schema.partial()])))
  .partial();

const TITLE = 'Invalid rule configuration';

/** Thrown when rule-config overrides don't validate; `message` names every bad path. */
export class RuleConfigError extends ConfigOverrideError {
  override readonly name = 'RuleConfigError';
}

/**
 * The effective rule configuration: {@link DEFAULT_RULE_CONFIG} with `overrides` merged in
 * rule by rule, key by key. Throws {@link RuleConfigError} listing every invalid path.
 */
export function resolveRuleConfig(overrides?: unknown): RuleConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_RULE_CONFIG;
  const parsed = RuleConfigOverrides.safeParse(overrides);
  if (!parsed.success) {
    throw new RuleConfigError(TITLE, configIssues(parsed.error));
  }
  const merged: Record<string, unknown> = {};
  const issues: { path: string; message: string }[] = [];
  for (const rule of RULES) {
    const settings = { ...rule.settings.defaults, ...(parsed.data[rule.code] ?? {}) };
    merged[rule.code] = settings;
    // Cross-field checks need the merged section: `never` because each rule checks its own shape.
    for (const issue of rule.settings.check?.(settings as never) ?? [])
      issues.push({ path: `${rule.code}.${issue.path}`, message: issue.message });
  }
  if (issues.length > 0) throw new RuleConfigError(TITLE, issues);
  return merged as unknown as RuleConfig;
}
