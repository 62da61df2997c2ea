import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import type { Construct } from 'constructs';
import type { JianduFunction } from './jiandu-function.js';

/** Context key of the county's per-program publication (`DISCLOSURE_CONFIG`), JSON text or an object. */
export const DISCLOSURE_CONFIG_CONTEXT = 'disclosureConfig';

/**
 * Hand the county's per-program publication (publish or not, months back) to the functions that
 * read it: the API (programs list) and SyncDisclosure (which keeps the projections). It is
 * validated at synthesis with the functions' own resolver, so a typo stops `cdk synth` with
 * the Chinese message instead of a function at run time. Unset: everything is published.
 */
export function applyDisclosureSettings(scope: Construct, functions: readonly JianduFunction[]): void {
  const raw: unknown = scope.node.tryGetContext(DISCLOSURE_CONFIG_CONTEXT);
  if (raw === undefined) return;
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  resolveDisclosureConfig(value);
  for (const fn of functions) fn.function.addEnvironment('DISCLOSURE_CONFIG', JSON.stringify(value));
}
