/**
 * The disclosure sync as its own step beside the collision (`Collide`, a Parallel state of the
 * real ASL in aws-local-stepfunctions, real task code on in-memory ports): every run that is not
 * a single upload ends with leads stored and the projections synced; a failing sync never stops
 * the leads, fails the execution at a step of its own, and a redrive of that step completes it;
 * the nightly run moves the published months forward.
 */
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import type { ProjectedKind } from '@jiandu/domain/disclosure/ports';
import { scheduledEvent } from '@jiandu/local/events';
import type { TaskHandler } from '@jiandu/local/workflow';
import { describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { type MemoryPipelineOptions, memoryPipeline } from '../support/workflow.js';

const JIA = testId('1950-03-01', 11);
const BING = testId('1960-12-31', 33);
const MONTHS = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'];

const registry = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王建国,男,H001,户主,青山镇,红星村`,
  `${BING},张伟,男,H003,户主,石门乡,白沙村`,
].join('\n');
const deaths = ['身份证号,姓名,死亡日期,数据来源', `${JIA},王建国,2023/2/10,公安注销`].join('\n');
const payments = [
  '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
  ...MONTHS.flatMap((m) => [
    `农村低保,王建国,${JIA},青山镇,红星村,"1,200.00",${m}-05`,
    `农村低保,张伟,${BING},石门乡,白沙村,"800.00",${m}-05`,
  ]),
].join('\n');

/** A pipeline with the county's three files delivered (normalized, kinds pending), no collision run yet. */
async function delivered(options: MemoryPipelineOptions = {}) {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  const p = memoryPipeline(clock, options);
  await p.deliver('uploads/police/household_registry/registry.csv', registry);
  await p.deliver('uploads/police/death_records/deaths.csv', deaths);
  await p.deliver('uploads/civil-affairs/subsidy_payments/2023H1.csv', payments);
  const units = async (kind: ProjectedKind) =>
    (await p.deps.disclosure.units()).filter((u) => u.kind === kind).length;
  return { clock, p, units };
}

/** A handler that fails with a plain (not transient) error the first `times` calls, then works. */
function failing(times: number, calls: { n: number }, message = '公示数据写入失败（测试注入）') {
  return (handler: TaskHandler): TaskHandler =>
    async (input) => {
      calls.n += 1;
      if (calls.n <= times) throw new Error(message);
      return handler(input);
    };
}

describe('disclosure sync beside the collision', () => {
  it("ends an upload burst's run with leads stored and the projections synced", async () => {
    const { p, units } = await delivered();
    const output = (await p.complete()) as Record<string, unknown>;
    // The run's summary (what the CLI reports) with the sync's figures beside it.
    expect(output).toMatchObject({ runId: expect.any(String), leadsNew: expect.any(Number) });
    expect(output.disclosure).toMatchObject({ unitsAdded: expect.any(Number), paymentsWritten: 12 });
    expect(p.leadsOf('R01').map((l) => l.subjectKey)).toHaveLength(1);
    expect(await units('subsidy_payments')).toBeGreaterThan(0);
    expect(await units('household_registry')).toBe(1);
  });

  it('runs a sync that failed beside the collision once more after it, and the run succeeds', async () => {
    const calls = { n: 0 };
    const { p, units } = await delivered({ wrap: { SyncDisclosure: failing(1, calls) } });
    const output = (await p.complete()) as Record<string, unknown>;
    expect(calls.n).toBe(2);
    expect(output).toMatchObject({ leadsNew: expect.any(Number), disclosure: { paymentsWritten: 12 } });
    expect(await units('subsidy_payments')).toBeGreaterThan(0);
  });

  it('fails only the sync: leads are stored, the execution fails at its own step, and a redrive completes it', async () => {
    const calls = { n: 0 };
    const { clock, p, units } = await delivered({ wrap: { SyncDisclosure: failing(2, calls) } });
    const event = scheduledEvent('NightlyCollision', new Date(clock.now));
    const first = p.workflow.run(event);
    await expect(first.result).rejects.toThrow('公示数据写入失败');
    // The collision was not stopped by the sync beside it: its leads are there.
    expect(p.leadsOf('R01')).toHaveLength(1);
    expect(await p.deps.runs.list(10)).toHaveLength(1);
    expect(await units('subsidy_payments')).toBe(0);
    // Where a redrive starts: the sync's own step after the collision, not the collision again.
    const failedAt = first.failedAt();
    expect(failedAt).toMatchObject({ state: 'SyncDisclosureAgain', type: 'Task' });

    const redriven = p.workflow.run(event, failedAt);
    const output = (await redriven.result) as Record<string, unknown>;
    expect(calls.n).toBe(3);
    expect(output).toMatchObject({ leadsNew: 1, disclosure: { paymentsWritten: 12 } });
    expect(await units('subsidy_payments')).toBeGreaterThan(0);
    // No second collision: the run list still has the one run.
    expect(await p.deps.runs.list(10)).toHaveLength(1);
  });

  it('fails the whole step when the collision fails; a redrive runs collision and sync again', async () => {
    const calls = { n: 0 };
    const { clock, p, units } = await delivered({
      wrap: { PlanCollision: failing(1, calls, '碰撞计划失败（测试注入）') },
    });
    const event = scheduledEvent('NightlyCollision', new Date(clock.now));
    const first = p.workflow.run(event);
    await expect(first.result).rejects.toThrow('碰撞计划失败');
    expect(first.failedAt()).toMatchObject({ state: 'Collide', type: 'Parallel' });
    expect(p.leadsOf('R01')).toHaveLength(0);

    const output = (await p.workflow.run(event, first.failedAt()).result) as Record<string, unknown>;
    expect(output).toMatchObject({ leadsNew: 1, disclosure: { unitsAdded: expect.any(Number) } });
    expect(p.leadsOf('R01')).toHaveLength(1);
    expect(await units('subsidy_payments')).toBeGreaterThan(0);
  });

  it('the nightly run moves the published months forward', async () => {
    // Six months published, counting the current one: on 2023-07-01 that is February to July.
    const disclosureConfig = resolveDisclosureConfig({ default: { monthsBack: 6 } });
    const { clock, p, units } = await delivered({ disclosureConfig });
    await p.complete();
    const inJuly = await units('subsidy_payments');
    expect(inJuly).toBeGreaterThan(0);

    // Two months later, nothing uploaded: April to September, so February and March leave.
    clock.now = '2023-09-01T00:00:00.000Z';
    const nightly = (await p.scheduled()) as Record<string, unknown>;
    expect(nightly.disclosure).toMatchObject({ unitsAdded: 0, unitsRemoved: expect.any(Number) });
    expect((nightly.disclosure as { unitsRemoved: number }).unitsRemoved).toBeGreaterThan(0);
    expect(await units('subsidy_payments')).toBeLessThan(inJuly);
  });
});
