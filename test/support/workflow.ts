/**
 * Runs the real collision definition (aws-local-stepfunctions, via the local platform's
 * runner) with the real task implementations bound to in-memory ports: the whole workflow
 * as a unit test, without emulators.
 */

import { resolveRuleConfig } from '@jiandu/domain';
import type { Lead } from '@jiandu/domain/model';
import { objectCreatedEvent, scheduledEvent } from '@jiandu/local/events';
import { createWorkflow } from '@jiandu/local/workflow';
import {
  matchShard,
  NormalizeInput,
  normalizeUpload,
  type PipelineDeps,
  PlanInput,
  planCollision,
  ScoreAndStoreInput,
  ShardTask,
  scoreAndStore,
} from '@jiandu/pipeline';
import { MemoryLeads, MemoryObjects, MemoryRuns, MemoryVersions } from './memory-ports.js';

export const UPLOAD = 'uploads-bucket';
export const DATA = 'data-bucket';

export function memoryPipeline(clock: { now: string }) {
  const deps = {
    versions: new MemoryVersions(),
    leads: new MemoryLeads(),
    runs: new MemoryRuns(),
    objects: new MemoryObjects(),
    buckets: { data: DATA },
    ruleConfig: resolveRuleConfig(),
    log: { info: () => {}, warn: () => {} },
    now: () => clock.now,
  } satisfies PipelineDeps;
  const workflow = createWorkflow({
    Normalize: (i) => normalizeUpload(deps, NormalizeInput.parse(i)),
    PlanCollision: (i) => planCollision(deps, PlanInput.parse(i)),
    MatchShard: (i) => matchShard(deps, ShardTask.parse(i)),
    ScoreAndStore: (i) => scoreAndStore(deps, ScoreAndStoreInput.parse(i)),
  });

  /** Put a file into the upload bucket and run the workflow on its Object Created event. */
  async function upload(key: string, content: string | Uint8Array, time = clock.now) {
    const body = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    await deps.objects.put(UPLOAD, key, body);
    return replay(key, body.length, time);
  }

  /** Deliver an Object Created event (again) for an object already in the bucket. */
  async function replay(key: string, size: number, time = clock.now) {
    const event = objectCreatedEvent({ bucket: UPLOAD, key, size, etag: 'etag', time: new Date(time) });
    return workflow.run(event).result as Promise<Record<string, unknown>>;
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

  return { deps, upload, replay, scheduled, leadsOf };
}
