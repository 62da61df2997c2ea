/**
 * Reading the lead export (`npm run cli -- leads export --headers canonical`, CSV of CONTRACT.md §6) back as the
 * accuracy comparison's `Found` leads. The export names a lead by its id, not by its subject
 * key; the id is a keyed digest of rule and subject key, so the truth's subject keys are
 * turned into ids with the platform's own lead-id key (read from its data folder, as only the
 * operator of the platform can).
 */
import { readFileSync } from 'node:fs';
import type { Found } from '@jiandu/accuracy/compare';
import type { ExpectedLead } from '@jiandu/demo';
import { derivePlatformKeys } from '@jiandu/domain/keys';
import { leadIdFor } from '@jiandu/domain/leads/lead-id';
import type { MatchQuality, RuleCode } from '@jiandu/domain/model';
import { ensurePlatformSecret } from '@jiandu/local/secrets';
import { parse } from 'csv-parse/sync';

/** The export's columns this reading needs (canonical names, CONTRACT.md §6). */
const NEEDED = ['lead_id', 'rule', 'amount', 'match', 'status', 'score'] as const;

/** An exported lead as the comparison sees it, with the score the platform gave it. */
export type ExportedLead = Found & { readonly score: number };

/** The platform's lead id of a rule and subject key, with the lead-id key from its data folder. */
export function platformLeadIds(platformDataDir: string): (rule: RuleCode, subjectKey: string) => string {
  const keys = derivePlatformKeys(readFileSync(ensurePlatformSecret(platformDataDir), 'utf8').trim());
  return (rule, subjectKey) => leadIdFor(rule, subjectKey, keys.leadIds);
}

/** The rows of an exported CSV (canonical headers), checked for the columns read here. */
export function exportRows(csv: string): Record<(typeof NEEDED)[number], string>[] {
  const rows = parse(csv, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const missing = NEEDED.filter((column) => rows.length > 0 && !(column in (rows[0] as object)));
  if (missing.length > 0) throw new Error(`the lead export has no column ${missing.join(', ')}`);
  return rows as Record<(typeof NEEDED)[number], string>[];
}

/**
 * The leads of an exported CSV as `Found`. A lead whose id is no expected subject's keeps its
 * id as subject key, so it counts as unexpected.
 */
export function exportedLeads(
  csv: string,
  expected: readonly Pick<ExpectedLead, 'rule' | 'subjectKey'>[],
  platformDataDir: string,
): ExportedLead[] {
  const idOf = platformLeadIds(platformDataDir);
  const subjectOf = new Map(expected.map((e) => [idOf(e.rule, e.subjectKey), e.subjectKey]));
  return exportRows(csv).map((row) => ({
    rule: row.rule as RuleCode,
    subjectKey: subjectOf.get(row.lead_id) ?? row.lead_id,
    amountFen: Math.round(Number(row.amount) * 100),
    match: row.match as MatchQuality,
    status: row.status,
    score: Number(row.score),
  }));
}
