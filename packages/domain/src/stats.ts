import type { DismissReason, Dispositions, Lead, LeadStatus } from './model.js';

export * from './reports/stats.js';

/**
 * Lead statistics for the commission's overview page (issue 5): leads by rule, township
 * and status; money found, verified and recovered; dispositions; and each rule's precision
 * from the inspectors' verdicts, so a rule that mostly produces noise is visible.
 * Amounts in integer fen.
 */

/** Counts of one group of leads. */
export interface LeadGroupStats {
  readonly count: number;
  /** new + assigned + verifying */
  readonly open: number;
  readonly confirmed: number;
  readonly dismissed: number;
  readonly superseded: number;
  /** Assigned or verifying leads flagged overdue. */
  readonly overdue: number;
  /** Sum of lead amounts, superseded leads excluded. */
  readonly amountFound: number;
  readonly amountVerified: number;
  readonly amountRecovered: number;
}

/** Per-rule figures, with precision = confirmed / (confirmed + dismissed), null before any verdict. */
export interface RuleStats extends LeadGroupStats {
  readonly rule: string;
  readonly precision: number | null;
  readonly dismissedByReason: Readonly<Partial<Record<DismissReason, number>>>;
}

/** Per-township figures (`township` is null for leads without one). */
export interface TownshipStats extends LeadGroupStats {
  readonly township: string | null;
}

/** The statistics over a set of leads. */
export interface LeadStats {
  readonly total: number;
  readonly byStatus: Readonly<Record<LeadStatus, number>>;
  readonly byRule: readonly RuleStats[];
  readonly byTownship: readonly TownshipStats[];
  readonly amounts: { readonly found: number; readonly verified: number; readonly recovered: number };
  readonly dispositions: Dispositions;
  /** Overall precision over every rule's verdicts. */
  readonly precision: number | null;
  readonly overdue: number;
}

type MutableGroup = { -readonly [K in keyof LeadGroupStats]: LeadGroupStats[K] };

function emptyGroup(): MutableGroup {
  return {
    count: 0,
    open: 0,
    confirmed: 0,
    dismissed: 0,
    superseded: 0,
    overdue: 0,
    amountFound: 0,
    amountVerified: 0,
    amountRecovered: 0,
  };
}

function add(group: MutableGroup, lead: Lead): void {
  group.count++;
  if (lead.status === 'new' || lead.status === 'assigned' || lead.status === 'verifying') group.open++;
  if (lead.status === 'confirmed') group.confirmed++;
  if (lead.status === 'dismissed') group.dismissed++;
  if (lead.status === 'superseded') group.superseded++;
  else group.amountFound += lead.amount;
  // A flag left on a lead that was since superseded is not work overdue.
  if (lead.overdue && (lead.status === 'assigned' || lead.status === 'verifying')) group.overdue++;
  if (lead.status === 'confirmed' && lead.verdict) {
    group.amountVerified += lead.verdict.verifiedAmount;
    group.amountRecovered += lead.verdict.recoveredAmount;
  }
}

/** confirmed / (confirmed + dismissed), rounded to 4 decimals; null without verdicts. */
export function precisionOf(confirmed: number, dismissed: number): number | null {
  const decided = confirmed + dismissed;
  return decided === 0 ? null : Math.round((confirmed / decided) * 10_000) / 10_000;
}

/** Compute the statistics of `leads` (every status, superseded included in the counts). */
export function leadStatistics(leads: readonly Lead[]): LeadStats {
  const byStatus: Record<LeadStatus, number> = {
    new: 0,
    assigned: 0,
    verifying: 0,
    confirmed: 0,
    dismissed: 0,
    superseded: 0,
  };
  const all = emptyGroup();
  const rules = new Map<string, { group: MutableGroup; reasons: Partial<Record<DismissReason, number>> }>();
  const townships = new Map<string | null, MutableGroup>();
  const dispositions = { partyDiscipline: 0, admonition: 0, criticism: 0 };

  for (const lead of leads) {
    byStatus[lead.status]++;
    add(all, lead);
    const rule = rules.get(lead.rule) ?? { group: emptyGroup(), reasons: {} };
    add(rule.group, lead);
    if (lead.status === 'dismissed' && lead.dismissal) {
      rule.reasons[lead.dismissal.reason] = (rule.reasons[lead.dismissal.reason] ?? 0) + 1;
    }
    rules.set(lead.rule, rule);
    const key = lead.township ?? null;
    const township = townships.get(key) ?? emptyGroup();
    add(township, lead);
    townships.set(key, township);
    if (lead.status === 'confirmed' && lead.verdict) {
      dispositions.partyDiscipline += lead.verdict.dispositions.partyDiscipline;
      dispositions.admonition += lead.verdict.dispositions.admonition;
      dispositions.criticism += lead.verdict.dispositions.criticism;
    }
  }

  return {
    total: leads.length,
    byStatus,
    byRule: [...rules]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([rule, { group, reasons }]) => ({
        rule,
        ...group,
        precision: precisionOf(group.confirmed, group.dismissed),
        dismissedByReason: reasons,
      })),
    byTownship: [...townships]
      .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff', 'zh-CN'))
      .map(([township, group]) => ({ township, ...group })),
    amounts: { found: all.amountFound, verified: all.amountVerified, recovered: all.amountRecovered },
    dispositions,
    precision: precisionOf(all.confirmed, all.dismissed),
    overdue: all.overdue,
  };
}
