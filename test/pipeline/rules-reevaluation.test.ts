/**
 * Continuous monitoring: a new version of kind K re-evaluates exactly the rules that read K,
 * a platform request (`Version Withdrawn`) does the same for its kind, the schedule runs
 * everything, and superseding only ever touches leads of the rules that ran.
 */
import { RULES, rulesReading } from '@jiandu/domain';
import type { Lead } from '@jiandu/domain/model';
import { collisionRequestEvent, rulesForTrigger, SHARD_COUNT } from '@jiandu/pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

const DEAD = testId('1940-01-01', 301);
const TWICE = testId('1950-02-02', 302);
const csv = (...lines: string[]) => lines.join('\n');
const codes = (kind: Parameters<typeof rulesReading>[0]) => rulesReading(kind).map((r) => r.code);

describe('which rules a run evaluates', () => {
  it('follows the trigger', () => {
    const plan = (trigger: string, detail?: Record<string, unknown>) =>
      rulesForTrigger({
        trigger,
        eventTime: '2023-01-01T00:00:00Z',
        ...(detail ? { detail } : {}),
      }).rules.map((r) => r.code);
    expect(plan('Object Created', { object: { key: 'uploads/police/death_records/x.csv' } })).toEqual(
      codes('death_records'),
    );
    expect(plan('Object Created', { object: { key: 'uploads/x/village_finance/%E7%BA%A2.csv' } })).toEqual([
      'R09',
      'R10',
      'R11',
    ]);
    expect(plan('Object Created', { object: { key: 'uploads/x/notices/a.csv' } })).toEqual([]);
    expect(plan('Version Withdrawn', { kind: 'social_insurance' })).toEqual(['R07']);
    expect(plan('Version Withdrawn', {})).toHaveLength(RULES.length);
    // A burst: every rule reading one of its kinds, once, in rule order.
    expect(plan('Collision Pending', { kinds: ['social_insurance', 'village_finance'] })).toEqual([
      'R07',
      'R09',
      'R10',
      'R11',
    ]);
    expect(plan('Collision Pending', { kinds: ['no_such_kind'] })).toHaveLength(RULES.length);
    expect(plan('Scheduled Event', {})).toHaveLength(RULES.length);
  });
});

describe('re-evaluation through the workflow', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);
  // The pipeline's own workflow: every task on the same in-memory ports.
  const request = p.workflow;
  const lead = (rule: string): Lead => [...p.deps.leads.items.values()].find((l) => l.rule === rule) as Lead;
  const lastRun = async () => (await p.deps.runs.list(1))[0];

  beforeAll(async () => {
    // One upload a minute: runs are listed by start time (then by their random id).
    await p.upload(
      'uploads/police/household_registry/registry.csv',
      csv(
        '公民身份号码,姓名,户号,乡镇,村',
        `${DEAD},王建国,H1,青山镇,红星村`,
        `${TWICE},李秀英,H2,青山镇,红星村`,
      ),
    );
    clock.now = '2023-07-01T00:01:00.000Z';
    await p.upload(
      'uploads/police/death_records/deaths.csv',
      csv('身份证号,姓名,死亡日期', `${DEAD},王建国,2023-01-15`),
    );
    clock.now = '2023-07-01T00:02:00.000Z';
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2023.csv',
      csv(
        '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
        `农村低保,王建国,${DEAD},青山镇,红星村,300,2023-04-10`,
        `农村低保,李秀英,${TWICE},青山镇,红星村,300,2023-04-10`,
        `农村低保,李秀英,${TWICE},青山镇,白沙村,300,2023-04-20`,
      ),
    );
  });

  it('records the rules each upload re-evaluated', async () => {
    const runs = (await p.deps.runs.list(10)).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || 0);
    expect(runs.map((r) => r.rules)).toEqual([
      codes('household_registry'),
      codes('death_records'),
      codes('subsidy_payments'),
    ]);
    expect(lead('R01')).toMatchObject({ status: 'new', amount: 30_000 });
    expect(lead('R06')).toMatchObject({ status: 'new', amount: 30_000 });
  });

  it('records what each match shard read and cost', async () => {
    const [latest] = await p.deps.runs.list(1);
    const shards = latest?.shards ?? [];
    expect(shards.map((s) => s.shard)).toEqual(Array.from({ length: SHARD_COUNT }, (_, i) => i));
    // Every payment row is read by the one shard of its person (the reference comes on top).
    expect(shards.reduce((n, s) => n + s.rows, 0)).toBeGreaterThanOrEqual(3);
    // Partial findings of several shards (poverty households) combine into one: never more.
    expect(shards.reduce((n, s) => n + s.findings, 0)).toBeGreaterThanOrEqual(latest?.findings ?? 0);
    for (const s of shards) {
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.peakRssMb).toBeGreaterThan(0);
    }
  });

  it('a new death-records version re-checks old payments and leaves other rules’ leads alone', async () => {
    clock.now = '2023-07-02T00:00:00.000Z';
    const r06Before = lead('R06');
    // Police correct the death date to March: April is now the grace month, the R01 lead goes.
    await p.upload(
      'uploads/police/death_records/deaths-v2.csv',
      csv('身份证号,姓名,死亡日期', `${DEAD},王建国,2023-03-02`),
    );
    expect((await lastRun())?.rules).toEqual(['R01', 'R08']);
    expect(lead('R01')).toMatchObject({ status: 'superseded' });
    expect(lead('R01').statusReason).toContain('deaths.csv');
    expect(lead('R06')).toEqual(r06Before);
  });

  it('a withdrawal request re-runs the rules of its kind and supersedes with the reason', async () => {
    clock.now = '2023-07-03T00:00:00.000Z';
    const [payments] = await p.deps.versions.listOfDataset('civil-affairs', 'subsidy_payments');
    if (!payments) throw new Error('payments version missing');
    await p.deps.versions.save({
      ...payments,
      status: 'withdrawn',
      statusReason: '名单有误',
      history: [
        ...payments.history,
        { at: clock.now, action: 'withdrawn', by: 'civil-affairs', reason: '名单有误' },
      ],
    });
    await request.run(
      collisionRequestEvent(
        'Version Withdrawn',
        { kind: 'subsidy_payments', versionId: payments.versionId },
        new Date(clock.now),
      ),
    ).result;
    const run = await lastRun();
    expect(run).toMatchObject({
      trigger: 'Version Withdrawn',
      rules: codes('subsidy_payments'),
      leadsSuperseded: 1,
    });
    expect(lead('R06')).toMatchObject({ status: 'superseded' });
    expect(lead('R06').statusReason).toContain('名单有误');
  });

  it('the schedule runs all twelve rules', async () => {
    clock.now = '2023-07-04T00:00:00.000Z';
    await p.scheduled();
    expect((await lastRun())?.rules).toHaveLength(12);
  });
});

describe('scores after a partial run', () => {
  it('count the standing leads of rules that did not run, so nothing changes', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    clock.now = '2023-07-01T00:01:00.000Z';
    await p.upload(
      'uploads/police/death_records/deaths.csv',
      csv('身份证号,姓名,死亡日期', `${DEAD},王建国,2023-01-15`),
    );
    clock.now = '2023-07-01T00:02:00.000Z';
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2023.csv',
      csv(
        '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
        `农村低保,王建国,${DEAD},青山镇,红星村,300,2023-04-10`,
        `农村低保,王建国,${DEAD},青山镇,红星村,300,2023-04-11`,
      ),
    );
    const r01 = [...p.deps.leads.items.values()].find((l) => l.rule === 'R01') as Lead;
    expect(r01.scoreBreakdown.find((f) => f.factor === 'rules')?.points).toBe(10); // R01 + R06
    clock.now = '2023-07-02T00:00:00.000Z';
    // The crematorium's list (another department: the police list stays in force) adds a death
    // that matches nothing. Only R01/R08 run; the R06 lead still counts for the R01 score.
    const summary = await p.upload(
      'uploads/civil-affairs/death_records/cremations.csv',
      csv('身份证号,姓名,死亡日期', `${TWICE},李秀英,2023-06-30`),
    );
    expect(summary).toMatchObject({ leadsNew: 0, leadsUpdated: 0, leadsSuperseded: 0 });
    expect(p.deps.leads.items.get(r01.leadId)).toEqual(r01);
  });
});
