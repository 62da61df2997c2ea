import { RULES, type RuleCode } from './registry.js';
import type { Bilingual } from './types.js';

/** Names of all rules (for UI, exports and reports), as their modules declare them. */
export const RULE_CATALOG: Readonly<Record<RuleCode, { readonly key: string; readonly title: Bilingual }>> =
  Object.fromEntries(RULES.map(({ code, key, title }) => [code, { key, title }])) as Record<
    RuleCode,
    { readonly key: string; readonly title: Bilingual }
  >;
