import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { reconcileLead, supersedeLead } from '../../src/leads/lifecycle.js';
import { flagOverdueLeads } from '../../src/leads/overdue.js';
import { scoreFindings } from '../../src/leads/score.js';
import {
  ALLOWED_FROM,
  allowedActions,
  applyLeadCommand,
  correctionTasksFor,
  flagOverdue,
  InvalidTransitionError,
  type LeadCommand,
} from '../../src/leads/workflow.js';
import type { Lead, LeadStatus } from '../../src/model.js';
import { type LeadRepository, RevisionConflictError } from '../../src/ports.js';
import { finding, SCORING } from './findings.js';

const T0 = '2024-03-01T02:00:00.000Z'; // 10:00 CST, 1 March
const T1 = '2024-03-02T02:00:00.000Z';
const INSPECTOR = { subject: 'u-inspector', name: '李检查' };
const OFFICER = { subject: 'u-qingshan', name: '王镇' };

function newLead(): Lead {
  const scored = scoreFindings([finding()], SCORING)[0];
  if (!scored) throw new Error('no finding');
  return reconcileLead(undefined, scored, { runId: 'run-1', now: '2024-02-01T00:00:00.000Z' }).lead;
}

const assign = (overrides: Partial<Extract<LeadCommand, { action: 'assign' }>> = {}): LeadCommand => ({
  action: 'assign',
  kind: 'township_office',
  assignee: '灰山港镇',
  deadline: '2024-03-15',
  ...overrides,
});
const confirm = (overrides: Partial<Extract<LeadCommand, { action: 'confirm' }>> = {}): LeadCommand => ({
  action: 'confirm',
  verifiedAmount: 150_000,
  recoveredAmount: 100_000,
  dispositions: { partyDiscipline: 1, admonition: 0, criticism: 2 },
  note: '已追回部分资金',
  ...overrides,
});

/** Walk a fresh lead through commands, each based on the previous revision. */
function walk(lead: Lead, ...commands: LeadCommand[]): Lead {
  return commands.reduce((l, c, i) => applyLeadCommand(l, c, INSPECTOR, i === 0 ? T0 : T1, l.revision), lead);
}

describe('applyLeadCommand: the happy path', () => {
  it('assigns, verifies and confirms, keeping every step in the history', () => {
    const lead = newLead();
    const assigned = applyLeadCommand(lead, assign({ note: '请核查' }), INSPECTOR, T0, 1);
    expect(assigned).toMatchObject({
      status: 'assigned',
      assignee: '灰山港镇',
      revision: 2,
      updatedAt: T0,
      assignment: {
        kind: 'township_office',
        assignee: '灰山港镇',
        deadline: '2024-03-15',
        assignedBy: 'u-inspector',
        assignedAt: T0,
      },
    });
    const verifying = applyLeadCommand(assigned, { action: 'start_verification' }, OFFICER, T1, 2);
    const confirmed = applyLeadCommand(verifying, confirm(), OFFICER, T1, 3);
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.revision).toBe(4);
    expect(confirmed.verdict).toEqual({
      verifiedAmount: 150_000,
      recoveredAmount: 100_000,
      dispositions: { partyDiscipline: 1, admonition: 0, criticism: 2 },
      note: '已追回部分资金',
      decidedBy: 'u-qingshan',
      decidedAt: T1,
    });
    expect(confirmed.history?.map((h) => [h.action, h.from, h.to, h.by])).toEqual([
      ['assign', 'new', 'assigned', 'u-inspector'],
      ['start_verification', 'assigned', 'verifying', 'u-qingshan'],
      ['confirm', 'verifying', 'confirmed', 'u-qingshan'],
    ]);
    expect(confirmed.history?.[0]).toMatchObject({ note: '请核查', byName: '李检查', at: T0 });
    // The input lead is never mutated.
    expect(lead.status).toBe('new');
    expect(lead.history).toBeUndefined();
  });

  it('reassigns from assigned or verifying, back to assigned, recording the previous assignee', () => {
    const verifying = walk(newLead(), assign(), { action: 'start_verification' });
    const reassigned = applyLeadCommand(
      verifying,
      assign({ kind: 'person', assignee: 'u-zhang', deadline: '2024-04-01' }),
      INSPECTOR,
      T1,
      verifying.revision,
    );
    expect(reassigned.status).toBe('assigned');
    expect(reassigned.assignee).toBe('u-zhang');
    expect(reassigned.history?.at(-1)).toMatchObject({
      action: 'reassign',
      from: 'verifying',
      to: 'assigned',
      details: { previousAssignee: '灰山港镇', assignee: 'u-zhang', deadline: '2024-04-01', kind: 'person' },
    });
  });

  it('dismisses from new, assigned or verifying with a reason and a note', () => {
    for (const lead of [
      newLead(),
      walk(newLead(), assign()),
      walk(newLead(), assign(), { action: 'start_verification' }),
    ]) {
      const dismissed = applyLeadCommand(
        lead,
        { action: 'dismiss', reason: 'no_violation', note: '已核实为合规发放' },
        INSPECTOR,
        T1,
        lead.revision,
      );
      expect(dismissed.status).toBe('dismissed');
      expect(dismissed.dismissal).toMatchObject({ reason: 'no_violation', note: '已核实为合规发放' });
      expect(dismissed.dismissal?.wrongRows).toBeUndefined();
    }
  });
});

describe('applyLeadCommand: what is refused', () => {
  const statuses: LeadStatus[] = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'superseded'];
  const commands: LeadCommand[] = [
    assign(),
    { action: 'start_verification' },
    confirm(),
    { action: 'dismiss', reason: 'other', note: '重复' },
  ];

  const TARGET: Record<LeadCommand['action'], LeadStatus> = {
    assign: 'assigned',
    start_verification: 'verifying',
    confirm: 'confirmed',
    dismiss: 'dismissed',
  };

  it('allows exactly the transitions of the table, from every status', () => {
    for (const status of statuses) {
      for (const command of commands) {
        const lead = { ...walk(newLead(), assign()), status };
        const allowed = ALLOWED_FROM[command.action].includes(status);
        const run = () => applyLeadCommand(lead, command, INSPECTOR, T1, lead.revision);
        if (allowed) expect(run().status, `${command.action} from ${status}`).toBe(TARGET[command.action]);
        else expect(run, `${command.action} from ${status}`).toThrow(InvalidTransitionError);
      }
    }
    expect(allowedActions('confirmed')).toEqual([]);
    expect(allowedActions('superseded')).toEqual([]);
    expect(allowedActions('verifying')).toEqual(['assign', 'confirm', 'dismiss']);
  });

  it('maps an invalid transition to a 409 conflict naming the status and what is allowed', () => {
    try {
      applyLeadCommand(newLead(), confirm(), INSPECTOR, T0, 1);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect((error as InvalidTransitionError).code).toBe('conflict');
      expect((error as InvalidTransitionError).details).toEqual({
        status: 'new',
        action: 'confirm',
        allowed: ['assign', 'dismiss'],
      });
    }
  });

  it('refuses a stale revision with a ConflictError before anything else', () => {
    const lead = walk(newLead(), assign());
    expect(() => applyLeadCommand(lead, { action: 'start_verification' }, OFFICER, T1, 1)).toThrow(
      ConflictError,
    );
  });

  it.each([
    [assign({ deadline: '2024-02-30' }), 'deadline'],
    [assign({ deadline: '15/03/2024' }), 'deadline'],
    [assign({ deadline: '2024-02-29' }), 'deadline'], // before 1 March (CST): in the past
    [assign({ assignee: '  ' }), 'assignee'],
    [assign({ kind: 'team' as never }), 'kind'],
  ])('validates assignment fields (%#: %s)', (command, field) => {
    const lead = newLead();
    expect(() => applyLeadCommand(lead, command, INSPECTOR, T0, 1)).toThrow(
      expect.objectContaining({ name: 'ValidationError', details: { field } }),
    );
  });

  it('accepts a deadline of today in China time even when UTC is still yesterday', () => {
    // 2024-02-29T17:00Z is 1 March 01:00 in Beijing.
    const lead = applyLeadCommand(
      newLead(),
      assign({ deadline: '2024-03-01' }),
      INSPECTOR,
      '2024-02-29T17:00:00Z',
      1,
    );
    expect(lead.assignment?.deadline).toBe('2024-03-01');
  });

  it.each([
    [confirm({ verifiedAmount: -1 }), 'verifiedAmount'],
    [confirm({ verifiedAmount: 1.5 }), 'verifiedAmount'],
    [confirm({ recoveredAmount: 200_000 }), 'recoveredAmount'],
    [confirm({ note: '' }), 'note'],
    [
      confirm({ dispositions: { partyDiscipline: -1, admonition: 0, criticism: 0 } }),
      'dispositions.partyDiscipline',
    ],
  ])('validates verdict fields (%#: %s)', (command, field) => {
    const lead = walk(newLead(), assign(), { action: 'start_verification' });
    expect(() => applyLeadCommand(lead, command, INSPECTOR, T1, lead.revision)).toThrow(
      expect.objectContaining({ details: { field } }),
    );
  });

  it('requires a note to dismiss and refuses wrong rows that are not evidence', () => {
    const lead = newLead();
    expect(() =>
      applyLeadCommand(lead, { action: 'dismiss', reason: 'other', note: ' ' }, INSPECTOR, T0, 1),
    ).toThrow(ValidationError);
    expect(() =>
      applyLeadCommand(
        lead,
        {
          action: 'dismiss',
          reason: 'source_data_wrong',
          note: '死亡日期录错',
          wrongRows: [{ versionId: 'v-death', row: 99 }],
        },
        INSPECTOR,
        T0,
        1,
      ),
    ).toThrow(expect.objectContaining({ details: { field: 'wrongRows.0' } }));
    expect(() =>
      applyLeadCommand(
        lead,
        {
          action: 'dismiss',
          reason: 'duplicate',
          note: '重复',
          wrongRows: [{ versionId: 'v-death', row: 2 }],
        },
        INSPECTOR,
        T0,
        1,
      ),
    ).toThrow(expect.objectContaining({ details: { field: 'wrongRows' } }));
  });
});

describe('source data wrong → correction tasks', () => {
  const sources = new Map([
    [
      'v-death',
      { versionId: 'v-death', department: 'police', kind: 'death_records' as const, fileName: '死亡.csv' },
    ],
    [
      'v-pay',
      {
        versionId: 'v-pay',
        department: 'civil-affairs',
        kind: 'subsidy_payments' as const,
        fileName: '低保.xlsx',
      },
    ],
  ]);

  it('creates one task per version for the named rows, addressed to the uploading department', () => {
    const dismissed = applyLeadCommand(
      newLead(),
      {
        action: 'dismiss',
        reason: 'source_data_wrong',
        note: '死亡日期录错',
        wrongRows: [{ versionId: 'v-death', row: 2 }],
      },
      INSPECTOR,
      T0,
      1,
    );
    const tasks = correctionTasksFor(dismissed, sources);
    expect(tasks).toEqual([
      {
        taskId: expect.stringMatching(/^C-[0-9a-f]{24}$/),
        leadId: dismissed.leadId,
        rule: 'R01',
        department: 'police',
        kind: 'death_records',
        versionId: 'v-death',
        fileName: '死亡.csv',
        rows: [{ row: 2 }],
        note: '死亡日期录错',
        createdBy: 'u-inspector',
        createdAt: T0,
        status: 'open',
      },
    ]);
    // Deterministic: the same dismissal names the same task.
    expect(correctionTasksFor(dismissed, sources)[0]?.taskId).toBe(tasks[0]?.taskId);
  });

  it('defaults to every evidence row, grouped by version', () => {
    const dismissed = walk(newLead(), { action: 'dismiss', reason: 'source_data_wrong', note: '数据有误' });
    const tasks = correctionTasksFor(dismissed, sources);
    expect(tasks.map((t) => [t.department, t.rows.map((r) => r.row)])).toEqual([
      ['police', [2]],
      ['civil-affairs', [3, 4, 5]],
    ]);
  });

  it('creates nothing for other reasons, and refuses an unknown version', () => {
    expect(
      correctionTasksFor(walk(newLead(), { action: 'dismiss', reason: 'other', note: '其他' }), sources),
    ).toEqual([]);
    const dismissed = walk(newLead(), { action: 'dismiss', reason: 'source_data_wrong', note: '数据有误' });
    expect(() => correctionTasksFor(dismissed, new Map())).toThrow(ValidationError);
  });
});

describe('overdue', () => {
  const assigned = () => walk(newLead(), assign({ deadline: '2024-03-15' }));

  it('flags an assigned lead only from the day after its deadline (China time), once', () => {
    const lead = assigned();
    expect(flagOverdue(lead, '2024-03-15T15:59:00Z')).toBe(lead); // 23:59 on the 15th in Beijing
    const flagged = flagOverdue(lead, '2024-03-15T16:00:00Z');
    expect(flagged).toMatchObject({
      overdue: true,
      overdueSince: '2024-03-15T16:00:00Z',
      revision: lead.revision + 1,
    });
    expect(flagged.history?.at(-1)).toMatchObject({
      action: 'overdue',
      by: 'system',
      from: 'assigned',
      to: 'assigned',
    });
    expect(flagOverdue(flagged, '2024-03-20T00:00:00Z')).toBe(flagged);
  });

  it('never flags new, confirmed or dismissed leads, and reassignment clears the flag', () => {
    expect(flagOverdue(newLead(), '2030-01-01T00:00:00Z').overdue).toBeUndefined();
    const flagged = flagOverdue(assigned(), '2024-04-01T00:00:00Z');
    const reassigned = applyLeadCommand(
      flagged,
      assign({ deadline: '2024-04-30' }),
      INSPECTOR,
      '2024-04-01T01:00:00Z',
      flagged.revision,
    );
    expect(reassigned.overdue).toBeUndefined();
    expect(reassigned.overdueSince).toBeUndefined();
    const dismissed = applyLeadCommand(
      flagged,
      { action: 'dismiss', reason: 'other', note: '了结' },
      INSPECTOR,
      '2024-04-01T01:00:00Z',
      flagged.revision,
    );
    expect(dismissed.overdue).toBeUndefined();
    expect(flagOverdue(dismissed, '2030-01-01T00:00:00Z')).toBe(dismissed);
  });

  it('the scheduled check flags due leads, is idempotent and re-decides after a concurrent change', async () => {
    const due = { ...assigned(), leadId: 'R01-00000000000000000001' };
    const notDue = {
      ...walk(newLead(), assign({ deadline: '2024-06-01' })),
      leadId: 'R01-00000000000000000002',
    };
    const raced = { ...assigned(), leadId: 'R01-00000000000000000003' };
    const store = new Map<string, Lead>([due, notDue, raced].map((l) => [l.leadId, l]));
    let raceOnce = true;
    const repo: Pick<LeadRepository, 'get' | 'put' | 'scan'> = {
      get: async (id) => store.get(id),
      scan: async () =>
        [...store.values()].filter(
          (l) => (l.status === 'assigned' || l.status === 'verifying') && !l.overdue,
        ),
      put: async (lead, expected) => {
        if (lead.leadId === raced.leadId && raceOnce) {
          // An inspector reassigns with a later deadline while the check runs.
          raceOnce = false;
          const current = store.get(raced.leadId) as Lead;
          store.set(
            raced.leadId,
            applyLeadCommand(
              current,
              assign({ deadline: '2024-05-01' }),
              INSPECTOR,
              '2024-04-01T00:00:00Z',
              current.revision,
            ),
          );
        }
        if (store.get(lead.leadId)?.revision !== expected) throw new RevisionConflictError(lead.leadId);
        store.set(lead.leadId, lead);
      },
    };
    const now = '2024-04-01T01:00:00Z';
    expect(await flagOverdueLeads(repo as LeadRepository, now)).toEqual({ checked: 3, flagged: 1 });
    expect(store.get(due.leadId)?.overdue).toBe(true);
    expect(store.get(notDue.leadId)?.overdue).toBeUndefined();
    // The reassignment won; its new deadline is not past, so nothing was flagged over it.
    expect(store.get(raced.leadId)?.assignment?.deadline).toBe('2024-05-01');
    expect(store.get(raced.leadId)?.overdue).toBeUndefined();
    expect(await flagOverdueLeads(repo as LeadRepository, now)).toEqual({ checked: 2, flagged: 0 });
  });
});

describe('collision runs keep the inspectors’ work', () => {
  it('reconcile keeps assignment, verdict, dismissal, overdue flag and history', () => {
    const worked = flagOverdue(
      walk(newLead(), assign({ deadline: '2024-03-10' }), { action: 'start_verification' }),
      '2024-03-20T00:00:00Z',
    );
    const rescored = scoreFindings([finding({ amount: 999_999 })], SCORING)[0];
    if (!rescored) throw new Error('no finding');
    const { lead, change } = reconcileLead(worked, rescored, { runId: 'run-2', now: '2024-03-21T00:00:00Z' });
    expect(change).toBe('updated');
    expect(lead.amount).toBe(999_999);
    for (const key of ['status', 'assignee', 'assignment', 'overdue', 'overdueSince', 'history'] as const) {
      expect(lead[key], key).toEqual(worked[key]);
    }
    const confirmed = walk(newLead(), assign(), { action: 'start_verification' }, confirm());
    const again = reconcileLead(confirmed, rescored, { runId: 'run-3', now: '2024-03-22T00:00:00Z' }).lead;
    expect(again.verdict).toEqual(confirmed.verdict);
    expect(again.status).toBe('confirmed');
  });

  it('superseding a confirmed lead keeps the verdict; an open one keeps its history', () => {
    const confirmed = walk(newLead(), assign(), { action: 'start_verification' }, confirm());
    const ctx = { runId: 'run-2', now: '2024-04-01T00:00:00Z' };
    expect(supersedeLead(confirmed, '数据已撤回', ctx)).toMatchObject({
      status: 'confirmed',
      verdict: confirmed.verdict,
    });
    const assigned = walk(newLead(), assign());
    const superseded = supersedeLead(assigned, '数据已撤回', ctx);
    expect(superseded.status).toBe('superseded');
    // The inspectors' history stays, and the run's change is added to it.
    expect(superseded.history?.slice(0, -1)).toEqual(assigned.history);
    expect(superseded.history?.at(-1)).toMatchObject({
      by: 'system',
      action: 'supersede',
      note: '数据已撤回',
    });
    expect(allowedActions(superseded.status)).toEqual([]);
  });
});
