import { describe, expect, it } from 'vitest';
import { reconcileLead } from '../src/leads/lifecycle.js';
import { scoreFindings } from '../src/leads/score.js';
import { applyLeadCommand, type LeadCommand } from '../src/leads/workflow.js';
import type { Lead, LeadStatus, RuleCode } from '../src/model.js';
import {
  addTally,
  countInScoreRange,
  emptyTally,
  leadStatistics,
  precisionOf,
  tallyOf,
} from '../src/stats.js';
import { finding, SCORING } from './leads/findings.js';

const NOW = '2024-03-01T00:00:00.000Z';
const ACTOR = { subject: 'u-inspector' };

let serial = 0;
/** A stored lead of `rule` in `township`, walked through `commands`. */
function lead(rule: RuleCode, township: string, amount: number, ...commands: LeadCommand[]): Lead {
  serial++;
  const scored = scoreFindings(
    [finding({ rule, township, amount, subjectKey: `subject-${serial}` })],
    SCORING,
  )[0];
  if (!scored) throw new Error('no finding');
  let l = reconcileLead(undefined, scored, { runId: 'run-1', now: NOW }).lead;
  for (const c of commands) l = applyLeadCommand(l, c, ACTOR, NOW, l.revision);
  return l;
}

const assign: LeadCommand = { action: 'assign', kind: 'person', assignee: 'u-a', deadline: '2024-03-10' };
const start: LeadCommand = { action: 'start_verification' };
const confirm = (
  verified: number,
  recovered: number,
  discipline = 0,
  admonition = 0,
  criticism = 0,
): LeadCommand => ({
  action: 'confirm',
  verifiedAmount: verified,
  recoveredAmount: recovered,
  dispositions: { partyDiscipline: discipline, admonition, criticism },
  note: '查实',
});
const dismiss = (reason: 'source_data_wrong' | 'no_violation'): LeadCommand => ({
  action: 'dismiss',
  reason,
  note: '不属实',
});

describe('leadStatistics', () => {
  const leads = [
    lead('R01', '灰山港镇', 100_000, assign, start, confirm(90_000, 60_000, 1, 0, 2)),
    lead('R01', '灰山港镇', 50_000, assign, start, confirm(50_000, 50_000, 0, 1, 0)),
    lead('R01', '石门乡', 20_000, dismiss('no_violation')),
    lead('R06', '石门乡', 30_000, dismiss('source_data_wrong')),
    lead('R06', '石门乡', 40_000, dismiss('no_violation')),
    { ...lead('R06', '灰山港镇', 10_000, assign), overdue: true },
    { ...lead('R08', '灰山港镇', 70_000, assign), status: 'superseded' as const, overdue: true },
    lead('R08', '灰山港镇', 5_000),
  ];
  const stats = leadStatistics(leads);

  it('counts leads by status, rule and township', () => {
    expect(stats.total).toBe(8);
    expect(stats.byStatus).toEqual({
      new: 1,
      assigned: 1,
      verifying: 0,
      confirmed: 2,
      dismissed: 3,
      superseded: 1,
    });
    expect(
      stats.byRule.map((r) => [r.rule, r.count, r.open, r.confirmed, r.dismissed, r.superseded]),
    ).toEqual([
      ['R01', 3, 0, 2, 1, 0],
      ['R06', 3, 1, 0, 2, 0],
      ['R08', 2, 1, 0, 0, 1],
    ]);
    expect(stats.byTownship.map((t) => [t.township, t.count])).toEqual([
      ['灰山港镇', 5],
      ['石门乡', 3],
    ]);
  });

  it('sums money found (superseded excluded), verified and recovered', () => {
    expect(stats.amounts).toEqual({
      found: 100_000 + 50_000 + 20_000 + 30_000 + 40_000 + 10_000 + 5_000,
      verified: 140_000,
      recovered: 110_000,
    });
    expect(stats.byRule[0]).toMatchObject({ amountVerified: 140_000, amountRecovered: 110_000 });
    expect(stats.byTownship[1]).toMatchObject({ township: '石门乡', amountVerified: 0, amountFound: 90_000 });
  });

  it('counts overdue work only on leads still being worked', () => {
    expect(stats.overdue).toBe(1);
    expect(stats.byRule.map((r) => r.overdue)).toEqual([0, 1, 0]);
  });

  it('adds up dispositions', () => {
    expect(stats.dispositions).toEqual({ partyDiscipline: 1, admonition: 1, criticism: 2 });
  });

  it('computes precision per rule from verdicts, so a noisy rule shows', () => {
    const precision = Object.fromEntries(stats.byRule.map((r) => [r.rule, r.precision]));
    expect(precision).toEqual({ R01: 0.6667, R06: 0, R08: null });
    expect(stats.byRule[1]?.dismissedByReason).toEqual({ source_data_wrong: 1, no_violation: 1 });
    expect(stats.precision).toBe(0.4);
  });

  it('is empty-safe', () => {
    expect(leadStatistics([])).toMatchObject({
      total: 0,
      byRule: [],
      precision: null,
      amounts: { found: 0 },
    });
    expect(precisionOf(0, 0)).toBeNull();
    expect(precisionOf(1, 0)).toBe(1);
  });
});

describe('countInScoreRange', () => {
  /** Leads of every status at scores across the range, tallied together. */
  const scored = (['new', 'assigned', 'dismissed', 'superseded'] as const).flatMap((status, i) =>
    [0, 9, 10, 19, 20, 45, 89, 90, 99, 100].map(
      (score, k) => ({ leadId: `L${i}-${k}`, status, score }) as unknown as Lead,
    ),
  );
  const tally = scored.reduce((sum, l) => addTally(sum, tallyOf(l)), emptyTally());
  const exactly = (statuses: readonly LeadStatus[], min = 0, max = 100) =>
    scored.filter((l) => statuses.includes(l.status) && l.score >= min && l.score <= max).length;

  it('counts the leads of the statuses within a range on the bands’ edges, as reading them would', () => {
    const open: LeadStatus[] = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed'];
    for (const [statuses, min, max] of [
      [open, 20, 100],
      [open, 0, 100],
      [['superseded'], 0, 9],
      [['new', 'superseded'], 10, 89],
      [['assigned'], 90, 100],
      [['verifying'], 20, 100],
    ] as const)
      expect({ statuses, min, max, n: countInScoreRange(tally, statuses, min, max) }).toEqual({
        statuses,
        min,
        max,
        n: exactly(statuses, min, max),
      });
    expect(countInScoreRange(tally, open, 20)).toBe(exactly(open, 20));
    expect(countInScoreRange(tally, open, 20)).toBe(18);
  });

  it('cannot answer a bound inside a band', () => {
    expect(countInScoreRange(tally, ['new'], 25)).toBeUndefined();
    expect(countInScoreRange(tally, ['new'], 0, 95)).toBeUndefined();
    expect(countInScoreRange(tally, ['new'], 100)).toBeUndefined();
  });
});
