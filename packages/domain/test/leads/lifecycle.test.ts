import { describe, expect, it } from 'vitest';
import { isOpen, reconcileLead, rekeyLead, staleLeads, supersedeLead } from '../../src/leads/lifecycle.js';
import { scoreFindings } from '../../src/leads/score.js';
import type { Lead } from '../../src/model.js';
import { finding, paymentEvidence, SCORING } from './findings.js';

const RUN1 = { runId: 'run-1', now: '2024-01-01T00:00:00.000Z' };
const RUN2 = { runId: 'run-2', now: '2024-02-01T00:00:00.000Z' };
const scoredOf = (...args: Parameters<typeof finding>) =>
  scoreFindings([finding(...args)], SCORING)[0] as NonNullable<ReturnType<typeof scoreFindings>[number]>;

/** A lead an inspector has worked on: assigned, with a note field the API added. */
function workedLead(): Lead & { notes: string } {
  const { lead } = reconcileLead(undefined, scoredOf(), RUN1);
  return { ...lead, status: 'verifying', assignee: 'inspector-7', revision: 4, notes: '已约谈村干部' };
}

describe('reconcileLead', () => {
  it('creates a new lead at revision 1', () => {
    const scored = scoredOf();
    const { lead, change } = reconcileLead(undefined, scored, RUN1);
    expect(change).toBe('new');
    expect(lead).toMatchObject({
      leadId: scored.leadId,
      status: 'new',
      revision: 1,
      createdAt: RUN1.now,
      updatedAt: RUN1.now,
      lastRunId: 'run-1',
      score: scored.score,
      amount: 150_000,
    });
    expect(lead.assignee).toBeUndefined();
  });

  it('leaves an unchanged lead alone except for the run id', () => {
    const existing = workedLead();
    const { lead, change } = reconcileLead(existing, scoredOf(), RUN2);
    expect(change).toBe('unchanged');
    expect(lead).toEqual({ ...existing, lastRunId: 'run-2' });
  });

  it('counts neither key order nor anything else but content as a change, and a changed citation as one', () => {
    const existing = workedLead();
    // Stored as another version wrote it: every evidence row's and value map's keys reversed.
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered = {
      ...existing,
      evidence: existing.evidence.map((e) => reversed({ ...e, values: reversed(e.values) })),
    };
    expect(JSON.stringify(reordered.evidence)).not.toBe(JSON.stringify(existing.evidence));
    expect(reconcileLead(reordered, scoredOf(), RUN2).change).toBe('unchanged');

    // The same rows cited from a new version of the roster: an update.
    const recited = scoredOf({
      evidence: existing.evidence.map((e) =>
        e.kind === 'subsidy_payments' ? { ...e, versionId: 'v-pay-2', row: e.row + 1 } : e,
      ),
    });
    const { lead, change } = reconcileLead(reordered, recited, RUN2);
    expect(change).toBe('updated');
    expect(lead.evidence).toEqual(recited.evidence);
    expect(lead).toMatchObject({ status: 'verifying', assignee: 'inspector-7', revision: 5 });
  });

  it("counts any difference of content as a change: a reason, a row fewer, a value's type", () => {
    const existing = workedLead();
    const reasons = [...existing.reasons.slice(0, -1), `${existing.reasons.at(-1)}。`];
    expect(reconcileLead(existing, scoredOf({ reasons }), RUN2).change).toBe('updated');
    const fewer = scoredOf({ evidence: existing.evidence.slice(0, -1) });
    expect(reconcileLead(existing, fewer, RUN2).change).toBe('updated');
    // The same amount as text where it was a number: JSON tells them apart, so does the comparison.
    const retyped = scoredOf({
      evidence: existing.evidence.map((e, i) =>
        i === 0 ? { ...e, values: { ...e.values, amount: String(e.values.amount ?? '') } } : e,
      ),
    });
    expect(reconcileLead(existing, retyped, RUN2).change).toBe('updated');
  });

  it('updates run-owned content and keeps what inspectors did', () => {
    const existing = workedLead();
    const { lead, change } = reconcileLead(
      existing,
      scoredOf({ amount: 200_000, evidence: paymentEvidence(4), reasons: ['更新后的原因'] }),
      RUN2,
    );
    expect(change).toBe('updated');
    expect(lead).toMatchObject({
      status: 'verifying',
      assignee: 'inspector-7',
      notes: '已约谈村干部',
      createdAt: RUN1.now,
      updatedAt: RUN2.now,
      lastRunId: 'run-2',
      revision: 5,
      amount: 200_000,
      reasons: ['更新后的原因'],
    });
    expect(lead.evidence).toHaveLength(4);
    expect(lead.score).not.toBe(existing.score);
  });

  it('drops optional content the new finding no longer has', () => {
    const existing = workedLead();
    const { village: _village, ...withoutVillage } = finding();
    const { lead, change } = reconcileLead(
      existing,
      scoreFindings([withoutVillage], SCORING)[0] as never,
      RUN2,
    );
    expect(change).toBe('updated');
    expect('village' in lead).toBe(false);
  });

  it('reopens a superseded lead whose evidence is back', () => {
    const superseded = supersedeLead(workedLead(), '发放明细版本已撤回', RUN2);
    const { lead, change } = reconcileLead(superseded, scoredOf(), {
      runId: 'run-3',
      now: '2024-03-01T00:00:00.000Z',
    });
    expect(change).toBe('updated');
    expect(lead.status).toBe('new');
    expect(lead.statusReason).toBeUndefined();
    expect(lead.assignee).toBe('inspector-7');
    expect(lead.revision).toBe(superseded.revision + 1);
  });

  it('writes every status change of a run into the history, by system, with the run and the reason', () => {
    const superseded = supersedeLead(workedLead(), '依据的数据版本已撤回：低保.csv（名单有误）', RUN2);
    expect(superseded.history).toEqual([
      {
        at: RUN2.now,
        by: 'system',
        action: 'supersede',
        from: 'verifying',
        to: 'superseded',
        note: '依据的数据版本已撤回：低保.csv（名单有误）',
        details: { runId: 'run-2' },
      },
    ]);
    const RUN3 = { runId: 'run-3', now: '2024-03-01T00:00:00.000Z' };
    const { lead } = reconcileLead(superseded, scoredOf(), RUN3);
    expect(lead.history?.slice(1)).toEqual([
      expect.objectContaining({
        by: 'system',
        action: 'reopen',
        from: 'superseded',
        to: 'new',
        details: { runId: 'run-3' },
      }),
    ]);
    const confirmed = supersedeLead({ ...workedLead(), status: 'confirmed' }, '死亡记录版本被替换', RUN2);
    expect(confirmed.history).toEqual([
      expect.objectContaining({
        action: 'evidence_lost',
        from: 'confirmed',
        to: 'confirmed',
        note: '死亡记录版本被替换',
      }),
    ]);
  });

  it('refuses to merge a finding into another lead', () => {
    expect(() => reconcileLead(workedLead(), scoredOf({ subjectKey: 'someone-else' }), RUN2)).toThrow(
      /is not/,
    );
  });
});

describe('rekeyLead', () => {
  it('moves a lead to its keyed id keeping status, work and history, and says so', () => {
    const worked = supersedeLead(workedLead(), '撤回', RUN1);
    const moved = rekeyLead(worked, 'R01-0123456789abcdef0123', RUN2);
    expect(moved).toMatchObject({
      leadId: 'R01-0123456789abcdef0123',
      status: 'superseded',
      assignee: 'inspector-7',
      notes: '已约谈村干部',
      revision: 1,
    });
    expect(moved.history?.[0]).toEqual(worked.history?.[0]);
    expect(moved.history?.[1]).toMatchObject({ by: 'system', action: 'rekey', details: { runId: 'run-2' } });
    expect(JSON.stringify(moved)).not.toContain(worked.leadId);
  });
});

describe('supersedeLead', () => {
  it('closes open leads with the reason', () => {
    const existing = workedLead();
    const lead = supersedeLead(existing, '发放明细版本已撤回', RUN2);
    expect(lead).toMatchObject({
      status: 'superseded',
      statusReason: '发放明细版本已撤回',
      revision: 5,
      assignee: 'inspector-7',
    });
    expect(isOpen(lead)).toBe(false);
    expect(supersedeLead(lead, '再次撤回', RUN2)).toBe(lead);
  });

  it('keeps a verdict and notes the reason after the inspector’s own text, once', () => {
    const confirmed: Lead = { ...workedLead(), status: 'confirmed', statusReason: '已核实，追回资金' };
    const first = supersedeLead(confirmed, '死亡记录版本被替换', RUN2);
    expect(first.status).toBe('confirmed');
    expect(first.statusReason).toBe('已核实，追回资金；2024-02-01 证据已失效：死亡记录版本被替换');
    expect(first.revision).toBe(confirmed.revision + 1);
    expect(first.updatedAt).toBe(RUN2.now);
    expect(supersedeLead(first, '死亡记录版本被替换', { runId: 'run-3', now: '2024-03-01T00:00:00Z' })).toBe(
      first,
    );
    // Dated by the China-time day: 23:00 UTC on 1 February is 2 February in Beijing.
    expect(
      supersedeLead(confirmed, '撤回', { runId: 'run-4', now: '2024-02-01T23:00:00Z' }).statusReason,
    ).toBe('已核实，追回资金；2024-02-02 证据已失效：撤回');
    const dismissed: Lead = { ...workedLead(), status: 'dismissed' };
    expect(supersedeLead(dismissed, '撤回', RUN2)).toMatchObject({
      status: 'dismissed',
      statusReason: '2024-02-01 证据已失效：撤回',
    });
  });
});

describe('isOpen and staleLeads', () => {
  it('tells open leads from closed ones', () => {
    const lead = workedLead();
    expect((['new', 'assigned', 'verifying'] as const).every((status) => isOpen({ ...lead, status }))).toBe(
      true,
    );
    expect(
      (['confirmed', 'dismissed', 'superseded'] as const).some((status) => isOpen({ ...lead, status })),
    ).toBe(false);
  });

  it('finds leads of the rules that ran which this run no longer confirmed', () => {
    const seen: Lead = { ...workedLead(), leadId: 'R01-a', lastRunId: 'run-2' };
    const gone: Lead = { ...workedLead(), leadId: 'R01-b', lastRunId: 'run-1' };
    const alreadyClosed: Lead = { ...gone, leadId: 'R01-c', status: 'superseded' };
    const otherRule: Lead = { ...gone, leadId: 'R06-d', rule: 'R06' };
    expect(
      staleLeads([seen, gone, alreadyClosed, otherRule], { runId: 'run-2', rules: ['R01'] }).map(
        (l) => l.leadId,
      ),
    ).toEqual(['R01-b']);
  });
});
