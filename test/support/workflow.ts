/**
 * Runs the real collision definition (aws-local-stepfunctions, via the local platform's
 * runner) with the real task implementations bound to in-memory ports: the whole workflow
 * as a unit test, without emulators.
 */

import { resolveRuleConfig } from '@jiandu/domain';
import { startPendingCollision } from '@jiandu/domain/collision-burst';
import { type DisclosureConfig, resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import type { DisclosureStore } from '@jiandu/domain/disclosure/ports';
import type { Lead } from '@jiandu/domain/model';
import { objectCreatedEvent, scheduledEvent } from '@jiandu/local/events';
import { createWorkflow, type TaskHandler, type TaskHandlers } from '@jiandu/local/workflow';
import {
  collisionRequestEvent,
  type DisclosureLeaseDeps,
  type DisclosureSyncDeps,
  matchShard,
  type NormalizeDeps,
  normalizeTask,
  type PlanDeps,
  PlanInput,
  planCollision,
  type RecordPendingDeps,
  RecordPendingInput,
  recordPending,
  type ScoreAndStoreDeps,
  ScoreAndStoreInput,
  SHARD_COUNT,
  ShardTask,
  SyncDisclosureInput,
  scoreAndStore,
  syncDisclosure,
  withDisclosureSyncLease,
} from '@jiandu/pipeline';
import { MemoryDisclosureStore, MemoryLeases } from '@jiandu/store/memory';
import {
  MemoryColumnMappings,
  MemoryLeads,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryReports,
  MemoryRuns,
  MemoryVersions,
} from './memory-ports.js';
import { TEST_KEYS } from './trust.js';

export const UPLOAD = 'uploads-bucket';
export const DATA = 'data-bucket';

/** Options of {@link memoryPipeline}. */
export interface MemoryPipelineOptions {
  /** Which programs' payments are published, how many months back. @default everything */
  readonly disclosureConfig?: DisclosureConfig;
  /** The disclosure projections' store (a test watching the sync's writes). @default a new `MemoryDisclosureStore` */
  readonly disclosure?: DisclosureStore;
  /** Wrap some tasks' handlers (a test injecting a failure). */
  readonly wrap?: Partial<Record<keyof TaskHandlers, (handler: TaskHandler) => TaskHandler>>;
}

/**
 * The in-memory dependencies of Normalize, PlanCollision and MatchShard alone (no leads, no
 * disclosure) at a fixed time, for tests of the collision's inner steps; `shards` fixes the
 * shard count however small the data (else it follows the data's size).
 */
export function collisionTaskDeps(shards?: number) {
  return {
    versions: new MemoryVersions(),
    objects: new MemoryObjects(),
    runs: new MemoryRuns(),
    buckets: { data: DATA },
    ruleConfig: resolveRuleConfig(),
    columnMappings: new MemoryColumnMappings(),
    pending: new MemoryPendingCollisions(),
    log: {
      info: (_message: string, _attributes?: Record<string, unknown>) => {},
      warn: (_message: string, _attributes?: Record<string, unknown>) => {},
    },
    now: () => '2023-03-01T00:00:00.000Z',
    ...(shards === undefined
      ? {}
      : { shardSizing: { rowsPerShard: 1, minShards: shards, maxShards: shards } }),
  };
}

export function memoryPipeline(clock: { now: string }, options: MemoryPipelineOptions = {}) {
  const deps = {
    versions: new MemoryVersions(),
    leads: new MemoryLeads(),
    runs: new MemoryRuns(),
    objects: new MemoryObjects(),
    buckets: { data: DATA },
    ruleConfig: resolveRuleConfig(),
    columnMappings: new MemoryColumnMappings(),
    log: { info: () => {}, warn: () => {} },
    now: () => clock.now,
    leadIdKey: TEST_KEYS.leadIds,
    reports: new MemoryReports(),
    pending: new MemoryPendingCollisions(),
    // As many shards as versions are stored in, however small the test's data: every path
    // across shards (households, poverty partials, routed lost IDs) is taken.
    shardSizing: { rowsPerShard: 1, minShards: SHARD_COUNT, maxShards: SHARD_COUNT },
    disclosure: options.disclosure ?? new MemoryDisclosureStore(),
    disclosureConfig: options.disclosureConfig ?? resolveDisclosureConfig(),
    lookupKey: TEST_KEYS.lookup,
    leases: new MemoryLeases(),
  } satisfies ScoreAndStoreDeps &
    NormalizeDeps &
    RecordPendingDeps &
    PlanDeps &
    DisclosureSyncDeps &
    DisclosureLeaseDeps;
  const handlers: TaskHandlers = {
    Normalize: (i) => normalizeTask(deps, i),
    RecordPending: (i) => recordPending(deps, RecordPendingInput.parse(i)),
    PlanCollision: (i) => planCollision(deps, PlanInput.parse(i)),
    MatchShard: (i) => matchShard(deps, ShardTask.parse(i)),
    ScoreAndStore: (i) => scoreAndStore(deps, ScoreAndStoreInput.parse(i)),
    // As the function does: one sync at a time, under the lease.
    SyncDisclosure: (i) => {
      SyncDisclosureInput.parse(i);
      return withDisclosureSyncLease(deps, () => syncDisclosure(deps));
    },
  };
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([task, handler]) => {
      const wrap = options.wrap?.[task as keyof TaskHandlers];
      return [task, wrap ? wrap(handler) : handler];
    }),
  ) as TaskHandlers;
  const workflow = createWorkflow(wrapped);

  /** Collision runs started by the burst starter (`startPendingCollision`), by execution id. */
  const started = new Map<string, Promise<Record<string, unknown>>>();
  const collisions = {
    start: async (reason: string, detail: Record<string, unknown>) => {
      const id = `exec-${started.size + 1}`;
      const event = collisionRequestEvent(reason, detail, new Date(clock.now));
      started.set(id, workflow.run(event).result as Promise<Record<string, unknown>>);
      return id;
    },
  };

  /**
   * The uploader says the burst is complete (`POST /api/v1/uploads/complete`): the pending
   * collision runs now. Resolves with its run summary, or undefined when nothing was pending.
   */
  async function complete(): Promise<Record<string, unknown> | undefined> {
    const outcome = await startPendingCollision(
      { pending: deps.pending, collisions, now: () => clock.now },
      { quietSeconds: 0, force: true },
    );
    return outcome.status === 'started' ? started.get(outcome.executionId) : undefined;
  }

  /** A registered upload only marked its kind pending: complete the burst of one (the per-file path). */
  async function settle(output: Record<string, unknown>): Promise<Record<string, unknown>> {
    return output.pending === undefined ? output : ((await complete()) ?? output);
  }

  /** Put a file into the upload bucket and run the workflow on its Object Created event, without completing the burst. */
  async function deliver(key: string, content: string | Uint8Array, time = clock.now) {
    const body = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    await deps.objects.put(UPLOAD, key, body);
    const event = objectCreatedEvent({
      bucket: UPLOAD,
      key,
      size: body.length,
      etag: 'etag',
      time: new Date(time),
    });
    return workflow.run(event).result as Promise<Record<string, unknown>>;
  }

  /** Upload one file and complete its burst: the collision runs for it alone (its summary is returned). */
  async function upload(key: string, content: string | Uint8Array, time = clock.now) {
    return settle(await deliver(key, content, time));
  }

  /** Deliver an Object Created event (again) for an object already in the bucket. */
  async function replay(key: string, size: number, time = clock.now) {
    const event = objectCreatedEvent({ bucket: UPLOAD, key, size, etag: 'etag', time: new Date(time) });
    return settle(await (workflow.run(event).result as Promise<Record<string, unknown>>));
  }

  /** A request the platform itself sends (`collisionRequestEvent`), e.g. a re-read after a mapping. */
  async function request(reason: string, detail: Record<string, unknown>, time = clock.now) {
    return settle(
      await (workflow.run(collisionRequestEvent(reason, detail, new Date(time))).result as Promise<
        Record<string, unknown>
      >),
    );
  }

  async function scheduled(time = clock.now) {
    return workflow.run(scheduledEvent('NightlyCollision', new Date(time))).result as Promise<
      Record<string, unknown>
    >;
  }

  /** The stored leads of one rule, in subject order. */
  function leadsOf(rule: string): Lead[] {
    return [...deps.leads.items.values()]
      .filter((l) => l.rule === rule)
      .sort((a, b) => a.subjectKey.localeCompare(b.subjectKey));
  }

  return { deps, workflow, upload, deliver, complete, replay, request, scheduled, leadsOf };
}
