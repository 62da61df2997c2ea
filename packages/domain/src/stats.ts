import { DEFAULT_STATUSES } from './leads/query.js';
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

/**
 * What one lead adds to the statistics of its group: counts per status, money and
 * dispositions. Tallies add up, so the statistics of any set of leads are the sum of their
 * tallies; storage keeps running sums per (day created, rule, township) and adds
 * `tally(next) − tally(previous)` on every lead write, which answers the statistics page
 * without reading the leads.
 */
const COUNT_FIELDS = [
  'new',
  'assigned',
  'verifying',
  'confirmed',
  'dismissed',
  'superseded',
  /** Assigned or verifying leads flagged overdue. */
  'overdue',
  'amountFound',
  'amountVerified',
  'amountRecovered',
  'partyDiscipline',
  'admonition',
  'criticism',
  'dismissedSourceDataWrong',
  'dismissedNoViolation',
  'dismissedDuplicate',
  'dismissedOther',
] as const;
/** Every status, in workflow order. */
const STATUSES: readonly LeadStatus[] = [...DEFAULT_STATUSES, 'superseded'];
/** Scores 0–100 in ten bands of ten (band 9 holds 90–100). */
const SCORE_BANDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
type ScoreBand = (typeof SCORE_BANDS)[number];
type ScoreBandField = `${LeadStatus}Score${ScoreBand}`;
const bandOf = (score: number): ScoreBand => Math.min(9, Math.max(0, Math.floor(score / 10))) as ScoreBand;
const bandField = (status: LeadStatus, band: ScoreBand): ScoreBandField => `${status}Score${band}`;

/**
 * Every field of a tally: the counts and sums above, then the leads per status and score band,
 * so a lead list's total under a score floor (the default view hides scores below 20) comes
 * from the sums too ({@link countInScoreRange}).
 */
export const TALLY_FIELDS: readonly TallyField[] = [
  ...COUNT_FIELDS,
  ...STATUSES.flatMap((status) => SCORE_BANDS.map((band) => bandField(status, band))),
];
export type TallyField = (typeof COUNT_FIELDS)[number] | ScoreBandField;
export type LeadTally = Record<TallyField, number>;

const DISMISS_FIELDS: Record<DismissReason, TallyField> = {
  source_data_wrong: 'dismissedSourceDataWrong',
  no_violation: 'dismissedNoViolation',
  duplicate: 'dismissedDuplicate',
  other: 'dismissedOther',
};

/** Every field zero, copied by {@link emptyTally}. */
const ZERO_TALLY: Readonly<LeadTally> = Object.freeze(
  Object.fromEntries(TALLY_FIELDS.map((f) => [f, 0])) as LeadTally,
);

/**
 * A tally of nothing. A copy of one zero tally: a collision run makes two per lead written, and
 * building 87 fields from entries each time took ~3× the CPU (measured in Node 20).
 */
export function emptyTally(): LeadTally {
  return { ...ZERO_TALLY };
}

/** What `lead` adds to its group (absent lead: nothing). */
export function tallyOf(lead: Lead | undefined): LeadTally {
  const t = emptyTally();
  if (!lead) return t;
  t[lead.status]++;
  t[bandField(lead.status, bandOf(lead.score))]++;
  if (lead.status !== 'superseded') t.amountFound += lead.amount;
  // A flag left on a lead that was since superseded is not work overdue.
  if (lead.overdue && (lead.status === 'assigned' || lead.status === 'verifying')) t.overdue++;
  if (lead.status === 'confirmed' && lead.verdict) {
    t.amountVerified += lead.verdict.verifiedAmount;
    t.amountRecovered += lead.verdict.recoveredAmount;
    t.partyDiscipline += lead.verdict.dispositions.partyDiscipline;
    t.admonition += lead.verdict.dispositions.admonition;
    t.criticism += lead.verdict.dispositions.criticism;
  }
  if (lead.status === 'dismissed' && lead.dismissal) t[DISMISS_FIELDS[lead.dismissal.reason]]++;
  return t;
}

/** `into += sign × add`, field by field. */
export function addTally(into: LeadTally, add: Readonly<LeadTally>, sign: 1 | -1 = 1): LeadTally {
  for (const f of TALLY_FIELDS) into[f] += sign * add[f];
  return into;
}

/** How a write changes the sums: `tally(next) − tally(previous)`; null when nothing changes. */
export function tallyDelta(previous: Lead | undefined, next: Lead | undefined): LeadTally | null {
  const delta = addTally(tallyOf(next), tallyOf(previous), -1);
  return TALLY_FIELDS.some((f) => delta[f] !== 0) ? delta : null;
}

/**
 * How many leads of `statuses` score within [`minScore`, `maxScore`], from a tally; undefined
 * when a bound does not fall on a band's edge (a floor of 0, 10, …, 90; a ceiling of 9, 19, …,
 * 89 or 100), which the sums cannot answer.
 */
export function countInScoreRange(
  tally: Readonly<LeadTally>,
  statuses: readonly LeadStatus[],
  minScore = 0,
  maxScore = 100,
): number | undefined {
  const from = minScore <= 0 ? 0 : minScore % 10 === 0 && minScore < 100 ? minScore / 10 : undefined;
  const to = maxScore >= 100 ? 9 : maxScore % 10 === 9 && maxScore < 90 ? (maxScore - 9) / 10 : undefined;
  if (from === undefined || to === undefined) return undefined;
  let count = 0;
  for (const status of statuses)
    for (const band of SCORE_BANDS) if (band >= from && band <= to) count += tally[bandField(status, band)];
  return count;
}

/** The tally of one group of leads: those of one rule and township (null: none). */
export interface GroupTally {
  readonly rule: string;
  readonly township: string | null;
  readonly tally: Readonly<LeadTally>;
}

const countOf = (t: Readonly<LeadTally>) =>
  t.new + t.assigned + t.verifying + t.confirmed + t.dismissed + t.superseded;

function groupOf(t: Readonly<LeadTally>): LeadGroupStats {
  return {
    count: countOf(t),
    open: t.new + t.assigned + t.verifying,
    confirmed: t.confirmed,
    dismissed: t.dismissed,
    superseded: t.superseded,
    overdue: t.overdue,
    amountFound: t.amountFound,
    amountVerified: t.amountVerified,
    amountRecovered: t.amountRecovered,
  };
}

function sumInto<K>(groups: Map<K, LeadTally>, key: K, tally: Readonly<LeadTally>): void {
  const sum = groups.get(key) ?? emptyTally();
  addTally(sum, tally);
  groups.set(key, sum);
}

/** confirmed / (confirmed + dismissed), rounded to 4 decimals; null without verdicts. */
export function precisionOf(confirmed: number, dismissed: number): number | null {
  const decided = confirmed + dismissed;
  return decided === 0 ? null : Math.round((confirmed / decided) * 10_000) / 10_000;
}

/**
 * The statistics of groups of leads (several tallies of the same rule and township add up,
 * e.g. one per day); groups without leads are left out.
 */
export function statisticsOfTallies(groups: readonly GroupTally[]): LeadStats {
  const all = emptyTally();
  const rules = new Map<string, LeadTally>();
  const townships = new Map<string | null, LeadTally>();
  for (const g of groups) {
    addTally(all, g.tally);
    sumInto(rules, g.rule, g.tally);
    sumInto(townships, g.township, g.tally);
  }
  const present = <K>(m: Map<K, LeadTally>) => [...m].filter(([, t]) => countOf(t) > 0);
  return {
    total: countOf(all),
    byStatus: {
      new: all.new,
      assigned: all.assigned,
      verifying: all.verifying,
      confirmed: all.confirmed,
      dismissed: all.dismissed,
      superseded: all.superseded,
    },
    byRule: present(rules)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([rule, t]) => ({
        rule,
        ...groupOf(t),
        precision: precisionOf(t.confirmed, t.dismissed),
        dismissedByReason: Object.fromEntries(
          Object.entries(DISMISS_FIELDS)
            .filter(([, field]) => t[field] > 0)
            .map(([reason, field]) => [reason, t[field]]),
        ),
      })),
    byTownship: present(townships)
      .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff', 'zh-CN'))
      .map(([township, t]) => ({ township, ...groupOf(t) })),
    amounts: { found: all.amountFound, verified: all.amountVerified, recovered: all.amountRecovered },
    dispositions: {
      partyDiscipline: all.partyDiscipline,
      admonition: all.admonition,
      criticism: all.criticism,
    },
    precision: precisionOf(all.confirmed, all.dismissed),
    overdue: all.overdue,
  };
}

/** Compute the statistics of `leads` (every status, superseded included in the counts). */
export function leadStatistics(leads: readonly Lead[]): LeadStats {
  return statisticsOfTallies(
    leads.map((lead) => ({ rule: lead.rule, township: lead.township ?? null, tally: tallyOf(lead) })),
  );
}
