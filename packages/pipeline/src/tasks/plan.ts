import { randomUUID } from 'node:crypto';
import { RULES } from '@jiandu/domain';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { PlanInput, PlanOutput } from '../contracts.js';
import type { PipelineDeps } from '../deps.js';
import { type CollisionManifest, versionsInForce } from '../manifest.js';
import { manifestKey, SHARD_COUNT } from '../shards.js';

/**
 * Workflow step 2: decide what this collision run matches — every version in force of
 * every kind an implemented rule reads — write it as the run's manifest, and fan out one
 * task per ID-hash shard. Only keys and numbers go back into the state (256 KiB limit).
 */
export async function planCollision(deps: PipelineDeps, input: PlanInput): Promise<PlanOutput> {
  const startedAt = deps.now();
  const runId = `run-${startedAt.replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const kinds = [...new Set(RULES.flatMap((r) => r.reads))] as DatasetKind[];
  const versions = (await Promise.all(kinds.map((k) => deps.versions.listOfKind(k)))).flat();
  const manifest: CollisionManifest = {
    runId,
    createdAt: startedAt,
    rules: RULES.map((r) => r.code),
    versions: versionsInForce(versions),
  };
  const key = manifestKey(runId);
  await deps.objects.put(deps.buckets.data, key, JSON.stringify(manifest), 'application/json');
  await deps.runs.save({
    runId,
    trigger: input.trigger,
    startedAt,
    status: 'running',
    rules: manifest.rules,
    versions: manifest.versions.length,
  });
  deps.log.info('collision planned', { runId, trigger: input.trigger, versions: manifest.versions.length });
  return {
    runId,
    manifestKey: key,
    shards: Array.from({ length: SHARD_COUNT }, (_, shard) => ({ runId, manifestKey: key, shard })),
  };
}
