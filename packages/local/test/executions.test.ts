import { MATCH_CONCURRENCY } from '@jiandu/pipeline/definition';
import { describe, expect, it } from 'vitest';
import { scheduledEvent } from '../src/events.js';
import { ExecutionQueue } from '../src/executions.js';
import { createWorkflow, type LocalWorkflow, type TaskHandlers } from '../src/workflow.js';

/** Task handlers of a collision run over `shards` shards; MatchShard counts how many run at once. */
function shardCounting(shards: number) {
  let active = 0;
  let maxActive = 0;
  // Shards wait until MATCH_CONCURRENCY of them run at once: one at a time would never get there.
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const handlers: TaskHandlers = {
    Normalize: async () => ({ outcome: 'duplicate' }),
    RecordPending: async () => ({}),
    PlanCollision: async () => ({
      runId: 'run-1',
      manifestKey: 'm',
      shards: Array.from({ length: shards }, (_, shard) => ({ shard })),
    }),
    MatchShard: async (input) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (active === MATCH_CONCURRENCY) open();
      await gate;
      active -= 1;
      return input;
    },
    ScoreAndStore: async (input) => input,
    SyncDisclosure: async () => ({ unitsAdded: 0 }),
  };
  return { handlers, maxActive: () => maxActive };
}

describe('the local workflow runner', () => {
  it("invokes the inline Map's shards side by side, up to its MaxConcurrency", async () => {
    const run = shardCounting(MATCH_CONCURRENCY + 3);
    const output = await createWorkflow(run.handlers).run(scheduledEvent('jiandu-nightly')).result;
    expect((output as { shards: unknown[] }).shards).toHaveLength(MATCH_CONCURRENCY + 3);
    // The function host then runs the overlapping invocations in its workers.
    expect(run.maxActive()).toBe(MATCH_CONCURRENCY);
  });
});

/** A workflow whose executions end when the test says so. */
function controlledWorkflow() {
  const ends: ((output: unknown) => void)[] = [];
  const workflow: LocalWorkflow = {
    run: () => {
      let abort = (): void => undefined;
      const result = new Promise<unknown>((resolve, reject) => {
        ends.push(resolve);
        abort = () => reject(new Error('aborted'));
      });
      return { result, abort: () => abort(), failedAt: () => undefined };
    },
  };
  return { workflow, end: (index: number) => ends[index]?.({ done: index }) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const statuses = (queue: ExecutionQueue) => queue.records().map((r) => r.status);

describe('execution queue', () => {
  it('runs one execution at a time by default', async () => {
    const { workflow, end } = controlledWorkflow();
    const queue = new ExecutionQueue(workflow, () => undefined);
    for (const rule of ['a', 'b']) queue.enqueue(scheduledEvent(rule));
    expect(statuses(queue)).toEqual(['RUNNING', 'QUEUED']);
    end(0);
    await settle();
    expect(statuses(queue)).toEqual(['SUCCEEDED', 'RUNNING']);
    end(1);
    await settle();
    expect(queue.busy()).toBe(false);
  });

  it('runs up to `concurrency` executions at once, starting them in arrival order', async () => {
    const { workflow, end } = controlledWorkflow();
    const queue = new ExecutionQueue(workflow, () => undefined, 2);
    for (const rule of ['a', 'b', 'c', 'd']) queue.enqueue(scheduledEvent(rule));
    expect(statuses(queue)).toEqual(['RUNNING', 'RUNNING', 'QUEUED', 'QUEUED']);
    end(1);
    await settle();
    expect(statuses(queue)).toEqual(['RUNNING', 'SUCCEEDED', 'RUNNING', 'QUEUED']);
    await queue.stop();
    expect(statuses(queue)).toEqual(['ABORTED', 'SUCCEEDED', 'ABORTED', 'ABORTED']);
    expect(queue.busy()).toBe(false);
  });
});
