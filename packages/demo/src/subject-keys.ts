import { type RegisteredRule, RULES } from '@jiandu/domain/rules/registry';

/** Each rule's subject-key function, by rule code. */
export type SubjectKeys = { readonly [R in RegisteredRule as R['code']]: R['subjectKey'] };

/**
 * The subject keys the platform's rules give their leads (`Finding.subjectKey`), per rule and
 * "one lead per" column of CONTRACT.md §5, as each rule declares them. The truth uses these so
 * a measured lead can be paired with an expected one.
 */
export const subjectKeys = Object.fromEntries(
  RULES.map((rule) => [rule.code, rule.subjectKey]),
) as SubjectKeys;
