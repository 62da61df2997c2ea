import { randomUUID } from 'node:crypto';
import {
  buildReference,
  kindsRead,
  NAME_COLUMN_OF_RESOLVABLE_KIND,
  RULE_REFERENCE_KINDS,
  RULES,
  type Rule,
  referenceRows,
  resolveLostId,
  type rulesReading,
  type SourceRow,
} from '@jiandu/domain';
import { PENDING_COLLISION_TRIGGER } from '@jiandu/domain/collision-burst';
import { type DatasetKind, isDatasetKind } from '@jiandu/domain/kinds';
import type { PlanInput, PlanOutput } from '../contracts.js';
import type { PlanDeps } from '../deps.js';
import { type CollisionManifest, type ManifestVersion, versionsInForce } from '../manifest.js';
import {
  encodeRows,
  LOST_ID_SHARD,
  manifestKey,
  referenceKey,
  routedKey,
  SHARD_COUNT,
  shardOf,
} from '../shards.js';
import { loadVersionShards, type RowsByKind, sortRows } from '../source-rows.js';

/** The detail-types of the two event sources the workflow always accepts. */
const UPLOAD_EVENT = 'Object Created';
const SCHEDULE_EVENT = 'Scheduled Event';

/** The kind of an upload key `uploads/{department}/{kind}/{file}` (the kind segment is plain ASCII). */
function kindOfUploadKey(key: unknown): DatasetKind | undefined {
  if (typeof key !== 'string') return undefined;
  const kind = key.split('/')[2];
  return kind !== undefined && isDatasetKind(kind) ? kind : undefined;
}

/** The kinds a coalesced collision covers (`detail.kinds` of a {@link PENDING_COLLISION_TRIGGER} request). */
function pendingKinds(detail: Record<string, unknown>): DatasetKind[] | undefined {
  const kinds = detail.kinds;
  if (!Array.isArray(kinds) || kinds.length === 0) return undefined;
  return kinds.every((k): k is DatasetKind => typeof k === 'string' && isDatasetKind(k)) ? kinds : undefined;
}

/**
 * Which rules a run evaluates (continuous monitoring, CONTRACT.md §5):
 * - an upload of kind K re-evaluates exactly the rules that read K ({@link rulesReading});
 * - a platform request (e.g. `Version Withdrawn`) with `detail.kind` does the same for that kind;
 * - a coalesced collision (a burst of uploads, `detail.kinds`) every rule that reads one of its kinds;
 * - the schedule, and any request whose kind is unknown, runs all rules.
 */
export function rulesForTrigger(input: PlanInput): {
  readonly rules: readonly Rule[];
  readonly kinds?: readonly DatasetKind[];
} {
  if (input.trigger === SCHEDULE_EVENT) return { rules: RULES };
  const detail = input.detail ?? {};
  const object = detail.object as { key?: unknown } | undefined;
  const single =
    input.trigger === UPLOAD_EVENT
      ? kindOfUploadKey(object?.key)
      : typeof detail.kind === 'string' && isDatasetKind(detail.kind)
        ? detail.kind
        : undefined;
  const kinds =
    input.trigger === PENDING_COLLISION_TRIGGER
      ? pendingKinds(detail)
      : single === undefined
        ? undefined
        : [single];
  if (kinds === undefined) return { rules: RULES };
  return { rules: RULES.filter((rule) => kinds.some((kind) => rule.reads.includes(kind))), kinds };
}

/**
 * The run's reference and the lost-ID rows it can place. Reads every row of the reference
 * kinds (snapshots, a county's worth: registry, officials, payroll, entities, poverty,
 * property, vehicles) and, of the other kinds with names and villages, only the shard where
 * lost-ID rows are kept ({@link LOST_ID_SHARD}). Lost IDs are recovered by name + village;
 * recovered rows are routed to their person's shard, recovered poverty rows also join the
 * reference. Returns the reference rows and the routed rows per shard.
 */
async function buildRunReference(
  deps: PlanDeps,
  versions: readonly ManifestVersion[],
): Promise<{ reference: SourceRow[]; routed: SourceRow[][] }> {
  const referenceKinds = new Set<DatasetKind>(RULE_REFERENCE_KINDS);
  const full = versions.filter((v) => referenceKinds.has(v.kind));
  const rows: RowsByKind = new Map();
  for (let shard = 0; shard < SHARD_COUNT; shard++) await loadVersionShards(deps, full, shard, rows);
  const resolvable = versions.filter(
    (v) => !referenceKinds.has(v.kind) && NAME_COLUMN_OF_RESOLVABLE_KIND[v.kind] !== undefined,
  );
  await loadVersionShards(deps, resolvable, LOST_ID_SHARD, rows);

  const registryOnly = buildReference((kind) =>
    kind === 'household_registry' ? (rows.get(kind) ?? []) : [],
  );
  const routed: SourceRow[][] = Array.from({ length: SHARD_COUNT }, () => []);
  for (const [kind, list] of rows) {
    if (NAME_COLUMN_OF_RESOLVABLE_KIND[kind] === undefined) continue;
    const kept: SourceRow[] = [];
    for (const row of list) {
      if (row.idStatus !== 'lost' || row.idNumber !== undefined) {
        kept.push(row);
        continue;
      }
      const resolved = resolveLostId(row, registryOnly);
      if (!resolved) continue;
      kept.push(resolved);
      routed[shardOf(resolved, kind)]?.push(resolved);
    }
    rows.set(kind, sortRows(kept));
  }
  return { reference: referenceRows((kind) => rows.get(kind) ?? []), routed: routed.map(sortRows) };
}

/**
 * Workflow step 2: decide what this collision run matches — the rules the trigger calls for
 * ({@link rulesForTrigger}) over every version in force — write the run's manifest, its
 * reference (what rules need county-wide: households, officials, payroll, entities, poverty
 * households and their assets) and the lost-ID rows found by name + village routed to their
 * person's shard, then fan out one task per shard. Only keys and numbers go back into the
 * state (256 KiB limit).
 */
export async function planCollision(deps: PlanDeps, input: PlanInput): Promise<PlanOutput> {
  const startedAt = deps.now();
  const runId = `run-${startedAt.replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const { rules, kinds: changed } = rulesForTrigger(input);
  const kinds = [...new Set([...kindsRead(), ...RULE_REFERENCE_KINDS])];
  const versions = versionsInForce((await Promise.all(kinds.map((k) => deps.versions.listOfKind(k)))).flat());

  const { reference, routed } = await buildRunReference(deps, versions);
  const refKey = referenceKey(runId);
  await deps.objects.put(deps.buckets.data, refKey, encodeRows(reference), 'application/x-ndjson');
  await Promise.all(
    routed.map((rows, shard) =>
      rows.length > 0
        ? deps.objects.put(
            deps.buckets.data,
            routedKey(runId, shard),
            encodeRows(rows),
            'application/x-ndjson',
          )
        : undefined,
    ),
  );

  const manifest: CollisionManifest = {
    runId,
    createdAt: startedAt,
    rules: rules.map((r) => r.code),
    versions,
    referenceKey: refKey,
    routed: routed.map((rows) => rows.length),
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
  deps.log.info('collision planned', {
    runId,
    trigger: input.trigger,
    ...(changed !== undefined ? { kinds: changed } : {}),
    rules: manifest.rules,
    versions: manifest.versions.length,
    referenceRows: reference.length,
    lostIdsRecovered: routed.reduce((sum, rows) => sum + rows.length, 0),
  });
  return {
    runId,
    manifestKey: key,
    shards: Array.from({ length: SHARD_COUNT }, (_, shard) => ({ runId, manifestKey: key, shard })),
  };
}
