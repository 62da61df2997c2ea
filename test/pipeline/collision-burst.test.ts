/**
 * Coalesced collision: uploads in a burst mark their kinds pending, and ONE run covers them
 * all. Through the real ASL (aws-local-stepfunctions) with the real tasks on in-memory ports,
 * compared with the per-file path (every upload completes its own burst).
 */

import { type DemoFile, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import { RULES } from '@jiandu/domain';
import {
  type BurstDeps,
  PENDING_COLLISION_TRIGGER,
  RECEIVING_STALE_SECONDS,
  startPendingCollision,
  whileReceiving,
} from '@jiandu/domain/collision-burst';
import type { Lead } from '@jiandu/domain/model';
import { MemoryPendingCollisions } from '@jiandu/store/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryPipeline } from '../support/workflow.js';

const county = generateDemoCounty({ persons: 300, seed: 11, months: 1 });
const files = demoFilesInUploadOrder(county.files);
/** The county's reference data first, each file on its own; then a burst of ten files. */
const before = files.slice(0, files.length - 10);
const burst = files.slice(files.length - 10);

/** A lead without what differs between runs (run ids, revisions, history of re-scores). */
function comparable(lead: Lead): Record<string, unknown> {
  const { lastRunId, revision, history, updatedAt, ...rest } = lead;
  return rest;
}

const leadsOf = (p: ReturnType<typeof memoryPipeline>) =>
  [...p.deps.leads.items.values()]
    .map(comparable)
    .sort((a, b) => String(a.leadId).localeCompare(String(b.leadId)));

describe('a burst of ten uploads', () => {
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const perFile = memoryPipeline(clock);
  const coalesced = memoryPipeline(clock);
  const upload = (p: typeof perFile, file: DemoFile) => p.upload(demoUploadKey(file), file.body);
  let runsBefore = 0;
  let outputs: Record<string, unknown>[] = [];
  let run: Record<string, unknown> | undefined;

  beforeAll(async () => {
    for (const file of before) {
      await upload(perFile, file);
      await upload(coalesced, file);
    }
    runsBefore = (await coalesced.deps.runs.list(100)).length;
    for (const file of burst) await upload(perFile, file);
    outputs = [];
    for (const file of burst) outputs.push(await coalesced.deliver(demoUploadKey(file), file.body));
    run = await coalesced.complete();
  }, 120_000);

  it('normalizes every file at once and collides none of them on its own', () => {
    expect(burst.map((f) => f.kind)).toHaveLength(10);
    for (const output of outputs) {
      expect(output).toMatchObject({ version: { outcome: 'registered' } });
      expect(output).not.toHaveProperty('runId');
    }
    // Each mark adds to the same pending collision: Normalize marks the kind before the version
    // is in force, the end of its reading restarts the quiet period, and RecordPending marks
    // the kinds it returned — three revisions per upload.
    expect(outputs.map((o) => (o.pending as { revision: number }).revision)).toEqual(
      Array.from({ length: 10 }, (_, i) => 3 * i + 3),
    );
  });

  it('runs exactly one collision covering every kind of the burst', async () => {
    const runs = await coalesced.deps.runs.list(100);
    expect(runs).toHaveLength(runsBefore + 1);
    // Runs of one instant are listed in random order: find the burst's by its id.
    const latest = runs.find((r) => r.runId === run?.runId);
    expect(latest).toMatchObject({ trigger: PENDING_COLLISION_TRIGGER });
    const kinds = [...new Set(burst.map((f) => f.kind))].sort();
    expect(kinds.length).toBeGreaterThan(2);
    // Every rule that reads one of the burst's kinds, and no other.
    const reading = RULES.filter((rule) => rule.reads.some((kind) => kinds.includes(kind)));
    expect(latest?.rules).toEqual(reading.map((rule) => rule.code));
    expect(await coalesced.deps.pending.get()).toBeUndefined();
    // Nothing left to start.
    expect(await coalesced.complete()).toBeUndefined();
  });

  it('finds exactly the leads of the per-file path', async () => {
    const leads = leadsOf(coalesced);
    expect(new Set(leads.map((l) => l.rule)).size).toBeGreaterThan(3);
    expect(leads).toEqual(leadsOf(perFile));
    expect((await perFile.deps.runs.list(100)).length).toBe(runsBefore + burst.length);
  });
});

describe('starting a pending collision', () => {
  const QUIET = 60;
  function deps(clock: { now: string }, fail = false) {
    const pending = new MemoryPendingCollisions();
    const started: { reason: string; detail: Record<string, unknown> }[] = [];
    const burstDeps: BurstDeps = {
      pending,
      collisions: {
        start: async (reason, detail) => {
          if (fail) throw new Error('StartExecution throttled');
          started.push({ reason, detail });
          return `exec-${started.length}`;
        },
      },
      now: () => clock.now,
    };
    return { burstDeps, pending, started };
  }

  it('waits for the quiet period after the last upload, then starts one run', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const { burstDeps, pending, started } = deps(clock);
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toEqual({ status: 'idle' });
    await pending.mark(['subsidy_payments'], '2024-05-01T00:00:00.000Z');
    await pending.mark(['death_records'], '2024-05-01T00:00:50.000Z');
    clock.now = '2024-05-01T00:01:10.000Z'; // 70 s after the first, 20 s after the last upload
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toEqual({
      status: 'quiet',
      dueAt: '2024-05-01T00:01:50.000Z',
      kinds: ['death_records', 'subsidy_payments'],
    });
    expect(started).toEqual([]);
    clock.now = '2024-05-01T00:01:50.000Z';
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toEqual({
      status: 'started',
      executionId: 'exec-1',
      kinds: ['death_records', 'subsidy_payments'],
    });
    expect(started).toEqual([
      {
        reason: PENDING_COLLISION_TRIGGER,
        detail: {
          kinds: ['death_records', 'subsidy_payments'],
          firstMarkedAt: '2024-05-01T00:00:00.000Z',
          lastMarkedAt: '2024-05-01T00:00:50.000Z',
        },
      },
    ]);
    // Claimed: a second starter (or tick) starts nothing.
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toEqual({ status: 'idle' });
  });

  it('waits while an upload of the burst is still being read, and a quiet period after it', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const { burstDeps, pending, started } = deps(clock);
    // A small file registered; a big one (a county's registry) is still being read.
    await pending.receiving('big-registry', '2024-05-01T00:00:00.000Z');
    await pending.mark(['divisions'], '2024-05-01T00:00:01.000Z');
    clock.now = '2024-05-01T00:05:00.000Z'; // long past the quiet period of the last mark
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toMatchObject({
      status: 'quiet',
      reading: 1,
    });
    // Read (whatever its outcome): the quiet period counts from there.
    await pending.received('big-registry', clock.now);
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toMatchObject({
      status: 'quiet',
      dueAt: '2024-05-01T00:06:00.000Z',
    });
    clock.now = '2024-05-01T00:06:00.000Z';
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toMatchObject({
      status: 'started',
      kinds: ['divisions'],
    });
    expect(started).toHaveLength(1);
  });

  it('does not wait for an upload whose reading never said it ended', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const { burstDeps, pending } = deps(clock);
    await pending.receiving('crashed', '2024-05-01T00:00:00.000Z');
    await pending.mark(['divisions'], '2024-05-01T00:00:00.000Z');
    clock.now = new Date(Date.parse(clock.now) + RECEIVING_STALE_SECONDS * 1000 - 1000).toISOString();
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toMatchObject({
      status: 'quiet',
    });
    clock.now = new Date(Date.parse(clock.now) + 2000).toISOString();
    expect(await startPendingCollision(burstDeps, { quietSeconds: QUIET })).toMatchObject({
      status: 'started',
    });
  });

  it('holds the burst while Normalize reads a file, however the reading ends', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const { pending } = deps(clock);
    await pending.mark(['divisions'], clock.now);
    const seen: number[] = [];
    await expect(
      whileReceiving(
        pending,
        'upload-1',
        () => clock.now,
        async () => {
          seen.push((await pending.get())?.receivingSince?.length ?? 0);
          throw new Error('the file is unreadable');
        },
      ),
    ).rejects.toThrow('unreadable');
    expect(seen).toEqual([1]);
    expect((await pending.get())?.receivingSince).toBeUndefined();
  });

  it('starts at once when the uploader says the burst is complete', async () => {
    const clock = { now: '2024-05-01T00:00:01.000Z' };
    const { burstDeps, pending, started } = deps(clock);
    await pending.mark(['vehicle_records'], '2024-05-01T00:00:00.000Z');
    const outcome = await startPendingCollision(burstDeps, { quietSeconds: QUIET, force: true });
    expect(outcome).toMatchObject({ status: 'started', kinds: ['vehicle_records'] });
    expect(started).toHaveLength(1);
  });

  it('does not start while an upload marks the item between read and claim', async () => {
    const clock = { now: '2024-05-01T00:05:00.000Z' };
    const { burstDeps, pending, started } = deps(clock);
    await pending.mark(['subsidy_payments'], '2024-05-01T00:00:00.000Z');
    // An upload lands right after the starter read the item.
    const racing: BurstDeps = {
      ...burstDeps,
      pending: {
        mark: (kinds, at) => pending.mark(kinds, at),
        claim: (revision) => pending.claim(revision),
        receiving: (upload, at) => pending.receiving(upload, at),
        received: (upload, at) => pending.received(upload, at),
        get: async () => {
          const read = await pending.get();
          await pending.mark(['death_records'], clock.now);
          return read;
        },
      },
    };
    const outcome = await startPendingCollision(racing, { quietSeconds: QUIET });
    expect(outcome.status).toBe('quiet');
    expect(started).toEqual([]);
    expect((await pending.get())?.kinds).toEqual(['death_records', 'subsidy_payments']);
  });

  it('keeps the kinds pending when the run cannot be started', async () => {
    const clock = { now: '2024-05-01T00:05:00.000Z' };
    const { burstDeps, pending } = deps(clock, true);
    await pending.mark(['poverty_registry'], '2024-05-01T00:00:00.000Z');
    await expect(startPendingCollision(burstDeps, { quietSeconds: QUIET })).rejects.toThrow('throttled');
    expect((await pending.get())?.kinds).toEqual(['poverty_registry']);
  });
});
