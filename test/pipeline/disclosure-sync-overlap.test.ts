/**
 * Overlapping executions on the real ASL (aws-local-stepfunctions) with the real tasks on
 * in-memory ports: two disclosure syncs never run at once. The one that finds the lease held
 * fails `DisclosureSyncBusy`, the workflow's Retry runs it again with its back-off, and it runs
 * after the first — with the version that came into force meanwhile — so the projections end
 * as one sync over everything would leave them. Also what the local interpreter does with that
 * Retry: it matches the custom error name, waits `random × min(IntervalSeconds × BackoffRate^n,
 * MaxDelaySeconds)` (full jitter, as Step Functions does), and stops after `MaxAttempts`.
 */
import { scopeKey } from '@jiandu/domain/disclosure/totals';
import { scheduledEvent } from '@jiandu/local/events';
import type { TaskHandler } from '@jiandu/local/workflow';
import { DISCLOSURE_SYNC_BUSY, DisclosureSyncBusy } from '@jiandu/pipeline';
import { DISCLOSURE_SYNC_BUSY_RETRY } from '@jiandu/pipeline/definition';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testId } from '../support/ids.js';
import { type MemoryPipelineOptions, memoryPipeline } from '../support/workflow.js';

const JIA = testId('1950-03-01', 11);
const BING = testId('1960-12-31', 33);
const MONTHS = ['2023-01', '2023-02', '2023-03'];
const NOW = '2023-07-01T00:00:00.000Z';

const registry = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王建国,男,H001,户主,青山镇,红星村`,
  `${BING},张伟,男,H003,户主,石门乡,白沙村`,
].join('\n');
const header = '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期';
const dibao = [header, ...MONTHS.map((m) => `农村低保,王建国,${JIA},青山镇,红星村,"1,200.00",${m}-05`)].join(
  '\n',
);
const tekun = [header, ...MONTHS.map((m) => `特困供养,张伟,${BING},石门乡,白沙村,"900.00",${m}-05`)].join(
  '\n',
);

/** A disclosure store whose first sync stops at its first read until the test lets it go on. */
class HeldDisclosureStore extends MemoryDisclosureStore {
  #calls = 0;
  #enter = () => {};
  #open = () => {};
  /** Resolves once the first sync is held. */
  readonly entered = new Promise<void>((resolve) => {
    this.#enter = resolve;
  });
  readonly #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  /** Let the held sync go on. */
  open(): void {
    this.#open();
  }
  override async units() {
    if (++this.#calls === 1) {
      this.#enter();
      await this.#gate;
    }
    return super.units();
  }
}

/** What each SyncDisclosure invocation did, in the order they ended. */
function recorded(log: string[]) {
  return (handler: TaskHandler): TaskHandler =>
    async (input) => {
      const trigger = (input as { trigger: string }).trigger;
      try {
        const out = await handler(input);
        log.push(`${trigger}: synced`);
        return out;
      } catch (error) {
        log.push(`${trigger}: ${(error as Error).name}`);
        throw error;
      }
    };
}

async function countyWith(files: readonly [string, string][], options: MemoryPipelineOptions = {}) {
  const clock = { now: NOW };
  const p = memoryPipeline(clock, options);
  for (const [key, content] of files) await p.deliver(key, content);
  return p;
}

/** What the public reads of the projections: units (without version ids), totals, a month's payments. */
async function projections(store: MemoryDisclosureStore) {
  const units = (await store.units()).map((u) => `${u.kind}|${u.part}|${u.records}`).sort();
  const totals = await Promise.all(
    ['month', 'program', 'village'].map((by) =>
      store.totals('2023', scopeKey({ level: 'county' }), '*', by as 'month'),
    ),
  );
  const payments = (await store.payments({ month: '2023-02' }, { limit: 100 })).items.map(
    ({ ref, ...p }) => p,
  );
  return { units, totals, payments, years: await store.years() };
}

const FILES: [string, string][] = [
  ['uploads/police/household_registry/registry.csv', registry],
  ['uploads/civil-affairs/subsidy_payments/dibao-2023Q1.csv', dibao],
];
const LATER: [string, string] = ['uploads/civil-affairs/subsidy_payments/tekun-2023Q1.csv', tekun];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('overlapping disclosure syncs', () => {
  it('run one after the other: the second waits for the lease and syncs what came into force meanwhile', async () => {
    // Short waits (the same back-off formula, a small random share of it): the test takes a second.
    vi.spyOn(Math, 'random').mockReturnValue(0.002);
    const store = new HeldDisclosureStore();
    const log: string[] = [];
    const p = await countyWith(FILES, { disclosure: store, wrap: { SyncDisclosure: recorded(log) } });

    // The nightly run: its sync takes the lease and is held there.
    const nightly = p.workflow.run(scheduledEvent('NightlyCollision', new Date(NOW))).result;
    await store.entered;
    // Meanwhile a department uploads a roster of another program, and its burst is completed.
    await p.deliver(...LATER);
    const burst = p.complete();
    // The burst's sync finds the lease held, fails DisclosureSyncBusy and is retried, again and again.
    await vi.waitFor(() =>
      expect(log.filter((l) => l.endsWith(DISCLOSURE_SYNC_BUSY)).length).toBeGreaterThan(2),
    );
    expect(log.every((l) => l === `Collision Pending: ${DISCLOSURE_SYNC_BUSY}`)).toBe(true);

    store.open();
    const [first, second] = (await Promise.all([nightly, burst])) as Record<string, { unitsAdded: number }>[];
    // The nightly sync ran first (without the new roster), then the waiting one, once, with it.
    expect(log.filter((l) => l.endsWith('synced'))).toEqual([
      'Scheduled Event: synced',
      'Collision Pending: synced',
    ]);
    expect(log.at(-1)).toBe('Collision Pending: synced');
    expect(first?.disclosure?.unitsAdded).toBe(MONTHS.length + 1);
    expect(second?.disclosure?.unitsAdded).toBe(MONTHS.length);

    // The projections are what one sync over both rosters leaves.
    const reference = new MemoryDisclosureStore();
    const once = await countyWith([...FILES, LATER], { disclosure: reference });
    await once.complete();
    const ours = await projections(store);
    expect(ours.units.filter((u) => u.startsWith('subsidy_payments'))).toHaveLength(2 * MONTHS.length);
    expect(ours).toEqual(await projections(reference));
  });

  it('honours the Retry locally: the custom error name and the jittered exponential back-off', async () => {
    const { IntervalSeconds, BackoffRate, MaxDelaySeconds } = DISCLOSURE_SYNC_BUSY_RETRY;
    const share = 0.0005;
    vi.spyOn(Math, 'random').mockReturnValue(share);
    const calls: number[] = [];
    const busyTimes = 6;
    const p = await countyWith(FILES, {
      wrap: {
        SyncDisclosure: (handler) => async (input) => {
          calls.push(performance.now());
          if (calls.length <= busyTimes) throw new DisclosureSyncBusy('另一次公示同步正在进行（测试）');
          return handler(input);
        },
      },
    });
    const output = (await p.scheduled()) as { disclosure: { unitsAdded: number } };
    expect(output.disclosure.unitsAdded).toBeGreaterThan(0);
    expect(calls).toHaveLength(busyTimes + 1);
    // Each wait is the drawn share of min(IntervalSeconds × BackoffRate^n, MaxDelaySeconds).
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] as number));
    gaps.forEach((gap, n) => {
      const cap = Math.min(IntervalSeconds * BackoffRate ** n, MaxDelaySeconds) * 1000;
      expect(gap, `wait ${n + 1}`).toBeGreaterThanOrEqual(cap * share - 2);
      // Jittered: a share of the cap, not the cap itself (which would be seconds).
      expect(gap, `wait ${n + 1}`).toBeLessThan(cap / 2);
    });
  });

  it('gives up only after MaxAttempts beside the collision and as many after it, failing the execution busy', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    let calls = 0;
    const p = await countyWith(FILES, {
      wrap: {
        SyncDisclosure: () => async () => {
          calls += 1;
          throw new DisclosureSyncBusy('另一次公示同步正在进行（测试）');
        },
      },
    });
    const run = p.workflow.run(scheduledEvent('NightlyCollision', new Date(NOW)));
    await expect(run.result).rejects.toMatchObject({ cause: { name: DISCLOSURE_SYNC_BUSY } });
    expect(run.failedAt()).toMatchObject({ state: 'SyncDisclosureAgain' });
    expect(calls).toBe(2 * (DISCLOSURE_SYNC_BUSY_RETRY.MaxAttempts + 1));
    // Leads were stored all the same.
    expect(await p.deps.runs.list(10)).toHaveLength(1);
  });
});
