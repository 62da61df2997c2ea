import { RULES, type SourceRow } from '@jiandu/domain';
import { coverageKey } from '@jiandu/domain/coverage';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { Finding } from '@jiandu/domain/model';
import type { ShardResult, ShardTask } from '../contracts.js';
import type { PipelineDeps } from '../deps.js';
import type { CollisionManifest } from '../manifest.js';
import { decodeRows, findingsKey, shardKey } from '../shards.js';

/** Read a JSON object the pipeline wrote to the data bucket. */
export async function readJson<T>(deps: PipelineDeps, key: string): Promise<T> {
  const bytes = await deps.objects.getBytes(deps.buckets.data, key);
  if (!bytes) throw new Error(`Missing pipeline object ${key}`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Load one shard of every version in force, skipping rows a newer append version covers. */
async function loadShard(deps: PipelineDeps, manifest: CollisionManifest, shard: number) {
  const byKind = new Map<DatasetKind, SourceRow[]>();
  await Promise.all(
    manifest.versions
      .filter((v) => (v.shardRows[shard] ?? 0) > 0)
      .map(async (v) => {
        const bytes = await deps.objects.getBytes(deps.buckets.data, shardKey(v.versionId, shard));
        if (!bytes) throw new Error(`Missing shard ${shard} of version ${v.versionId}`);
        const excluded = new Set(v.excluded);
        const rows = decodeRows(Buffer.from(bytes).toString('utf8'))
          .filter((r) => excluded.size === 0 || !excluded.has(coverageKey(v.kind, r.values) ?? ''))
          .map((r): SourceRow => ({ ...r, kind: v.kind, versionId: v.versionId }));
        const list = byKind.get(v.kind) ?? [];
        for (const row of rows) list.push(row);
        byKind.set(v.kind, list);
      }),
  );
  // Versions load concurrently: fix the row order so findings (and evidence order) are deterministic.
  for (const rows of byKind.values()) {
    rows.sort((a, b) => a.versionId.localeCompare(b.versionId) || a.row - b.row);
  }
  return byKind;
}

/**
 * Workflow step 3 (one Map iteration): run every rule over one ID-hash shard. All rows of a
 * person share a shard, so per-person rules see everything they need here.
 */
export async function matchShard(deps: PipelineDeps, task: ShardTask): Promise<ShardResult> {
  const manifest = await readJson<CollisionManifest>(deps, task.manifestKey);
  const rows = await loadShard(deps, manifest, task.shard);
  // Kinds with data in force anywhere (not just in this shard): absence rules like R08 need it.
  const kindsInForce = new Set(manifest.versions.map((v) => v.kind));
  const input = {
    rows: (kind: DatasetKind) => rows.get(kind) ?? [],
    hasKind: (kind: DatasetKind) => kindsInForce.has(kind),
  };
  const findings: Finding[] = RULES.filter((r) => manifest.rules.includes(r.code)).flatMap((rule) =>
    rule.evaluate(input, deps.ruleConfig),
  );
  const key = findingsKey(task.runId, task.shard);
  await deps.objects.put(deps.buckets.data, key, JSON.stringify(findings), 'application/json');
  return { shard: task.shard, findingsKey: key, findings: findings.length };
}
