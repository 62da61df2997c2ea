import {
  buildReference,
  evaluateRules,
  hasLostId,
  kindsRead,
  type MatchInput,
  NAME_COLUMN_OF_RESOLVABLE_KIND,
  REFERENCE_ONLY_KINDS,
  RULES,
  type SourceRow,
} from '@jiandu/domain';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { Finding } from '@jiandu/domain/model';
import type { ShardResult, ShardTask } from '../contracts.js';
import type { DataReadDeps, MatchShardDeps } from '../deps.js';
import type { CollisionManifest } from '../manifest.js';
import { findingsKey, routedKey } from '../shards.js';
import { addRows, loadVersionShards, readSourceRows, sortRows } from '../source-rows.js';

/** Read a JSON object the pipeline wrote to the data bucket. */
export async function readJson<T>(deps: DataReadDeps, key: string): Promise<T> {
  const bytes = await deps.objects.getBytes(deps.buckets.data, key);
  if (!bytes) throw new Error(`Missing pipeline object ${key}`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** A lost-ID row of a kind the plan step recovers by name + village (it arrives routed instead). */
function isRoutedElsewhere(row: SourceRow): boolean {
  return hasLostId(row) && NAME_COLUMN_OF_RESOLVABLE_KIND[row.kind] !== undefined;
}

/**
 * Workflow step 3 (one Map iteration): run the run's rules over one shard. The shard holds
 * every row of its people (by ID hash), the lost-ID rows the plan step matched to them by
 * name + village, and every village-finance row of its villages; the facts beyond them (who
 * lives with whom, officials, payroll, entities, poverty households) come from its part of
 * the run's reference (`cutReference`), read together with its slice. A poverty household's
 * members live in several shards, so R02/R03 emit partial findings that ScoreAndStore combines.
 */
export async function matchShard(deps: MatchShardDeps, task: ShardTask): Promise<ShardResult> {
  const started = performance.now();
  const manifest = await readJson<CollisionManifest>(deps, task.manifestKey);
  const rules = RULES.filter((r) => manifest.rules.includes(r.code));
  const needed = new Set<DatasetKind>(kindsRead(rules));
  const [loaded, routed, referenceRows] = await Promise.all([
    // Officials, payroll, entities and assets come from the reference cut: no slice of them.
    loadVersionShards(
      deps,
      manifest.versions.filter((v) => needed.has(v.kind) && !REFERENCE_ONLY_KINDS.has(v.kind)),
      { shard: task.shard, of: manifest.shardCount },
    ),
    (manifest.routed[task.shard] ?? 0) > 0
      ? readSourceRows(deps, routedKey(task.runId, task.shard))
      : Promise.resolve([]),
    readSourceRows(deps, manifest.referenceKeys[task.shard] as string),
  ]);
  for (const [kind, rows] of loaded)
    loaded.set(
      kind,
      rows.filter((row) => !isRoutedElsewhere(row)),
    );
  if (routed.length > 0) {
    addRows(
      loaded,
      routed.filter((row) => needed.has(row.kind)),
    );
    for (const rows of loaded.values()) sortRows(rows);
  }
  const byKind = new Map<DatasetKind, SourceRow[]>();
  addRows(byKind, referenceRows);

  // Kinds with data in force anywhere (not just in this shard): absence rules like R08 need it.
  const kindsInForce = new Set(manifest.versions.map((v) => v.kind));
  const input: MatchInput = {
    rows: (kind) => {
      // Not loaded: a rule reading them as rows would silently see none.
      if (REFERENCE_ONLY_KINDS.has(kind))
        throw new Error(`Rules look ${kind} up in the reference, not as rows`);
      return loaded.get(kind) ?? [];
    },
    hasKind: (kind) => kindsInForce.has(kind),
    reference: buildReference(
      (kind) => byKind.get(kind) ?? [],
      new Map(Object.entries(manifest.villageTownships)),
    ),
  };
  const findings: Finding[] = rules.length > 0 ? evaluateRules(input, deps.ruleConfig, rules) : [];
  const key = findingsKey(task.runId, task.shard);
  await deps.objects.put(deps.buckets.data, key, JSON.stringify(findings), 'application/json');
  const rows = [...loaded.values()].reduce((n, r) => n + r.length, 0) + referenceRows.length;
  return {
    shard: task.shard,
    findingsKey: key,
    findings: findings.length,
    rows,
    durationMs: Math.round(performance.now() - started),
    // maxRSS is in kilobytes: the peak of the whole process (in Lambda, of its warm container).
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
