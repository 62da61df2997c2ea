import { randomUUID } from 'node:crypto';
import {
  buildReference,
  cutReference,
  hasLostId,
  kindsRead,
  NAME_COLUMN_OF_RESOLVABLE_KIND,
  POVERTY_ASSET_KINDS,
  povertyMemberIds,
  RULE_REFERENCE_KINDS,
  RULES,
  type Rule,
  referenceRow,
  resolveLostId,
  type rulesReading,
  type SourceRow,
  villageTownships,
} from '@jiandu/domain';
import { PENDING_COLLISION_TRIGGER } from '@jiandu/domain/collision-burst';
import { type DatasetKind, isDatasetKind } from '@jiandu/domain/kinds';
import type { PlanInput, PlanOutput } from '../contracts.js';
import type { PlanDeps } from '../deps.js';
import { type CollisionManifest, type ManifestVersion, versionsInForce } from '../manifest.js';
import {
  encodeRows,
  hashToShard,
  idNumberOfLine,
  LOST_ID_SHARD,
  manifestKey,
  referenceKey,
  routedKey,
  shardCountFor,
  shardOf,
} from '../shards.js';
import { loadVersionShards, mayHaveLostId, sortRows } from '../source-rows.js';

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

/** Kinds keyed by village or project whose rules look people up in the reference (R09, R12). */
const ASKING_KINDS: readonly DatasetKind[] = ['village_finance', 'livelihood_projects'];

/**
 * What crosses shards in this run: of the run's reference, the rows each shard's rules look up
 * beyond its own slice ({@link cutReference}), and the lost-ID rows the plan can place. Reads
 * every row of the reference kinds (snapshots, a county's worth: registry, officials, payroll,
 * entities, poverty, property, vehicles), the village-finance and project rows whose payees and
 * contractors the rules look up (when a rule that runs reads them), and, of the other kinds
 * with names and villages, only the lost-ID rows of the stored shard where they are kept
 * ({@link LOST_ID_SHARD}). Lost IDs are recovered by name + village; recovered rows are routed
 * to their person's shard, and poverty rows join the reference recovered or not (a household's
 * evidence is all its rows).
 */
async function buildRunReference(
  deps: PlanDeps,
  versions: readonly ManifestVersion[],
  rules: readonly Rule[],
  shardCount: number,
): Promise<{
  crossing: SourceRow[][];
  routed: SourceRow[][];
  townships: Map<string, string>;
  rows: number;
}> {
  const referenceKinds = new Set<DatasetKind>(RULE_REFERENCE_KINDS);
  const read = new Set(kindsRead(rules));
  const asking = new Set(ASKING_KINDS.filter((kind) => read.has(kind)));
  const resolvable = (kind: DatasetKind) => NAME_COLUMN_OF_RESOLVABLE_KIND[kind] !== undefined;
  const inForce = (test: (kind: DatasetKind) => boolean) => versions.filter((v) => test(v.kind));
  // Poverty rows whole (a recovered one is routed as it was read), the other reference kinds
  // but the assets trimmed as they stream in (`referenceRow`): never all rows whole at once.
  const rows = await loadVersionShards(
    deps,
    inForce((kind) => kind === 'poverty_registry' || asking.has(kind)),
    'all',
  );
  await loadVersionShards(
    deps,
    inForce(
      (kind) => referenceKinds.has(kind) && kind !== 'poverty_registry' && !POVERTY_ASSET_KINDS.has(kind),
    ),
    'all',
    rows,
    (row) => referenceRow(row),
  );
  // Of the other kinds with names and villages, the lost-ID rows (kept in one stored shard; the
  // other lines are not even parsed).
  await loadVersionShards(
    deps,
    inForce((kind) => !referenceKinds.has(kind) && resolvable(kind)),
    { stored: LOST_ID_SHARD },
    rows,
    (row) => (hasLostId(row) ? row : undefined),
    mayHaveLostId,
  );

  const townships = villageTownships(rows.get('household_registry') ?? []);
  // The county's registry: lost IDs are found in it, and who lives with whom.
  const registry = buildReference(
    (kind) => (kind === 'household_registry' ? (rows.get(kind) ?? []) : []),
    townships,
  );
  const routed: SourceRow[][] = Array.from({ length: shardCount }, () => []);
  for (const [kind, list] of rows) {
    if (!resolvable(kind)) continue;
    rows.set(
      kind,
      list.map((row) => {
        const resolved = resolveLostId(row, registry);
        if (resolved) routed[shardOf(resolved, kind, shardCount)]?.push(resolved);
        // A poverty row nobody could place is still its household's (its head, its exit year).
        return resolved ?? row;
      }),
    );
  }
  // Property and vehicles: only what poverty-household members own, recovered members included
  // (the other lines are not even parsed).
  const povertyMembers = povertyMemberIds(rows.get('poverty_registry') ?? []);
  await loadVersionShards(
    deps,
    inForce((kind) => POVERTY_ASSET_KINDS.has(kind)),
    'all',
    rows,
    (row) => referenceRow(row, povertyMembers),
    (line) => povertyMembers.has(idNumberOfLine(line) ?? ''),
  );
  const reference = RULE_REFERENCE_KINDS.flatMap((kind) => {
    const list = rows.get(kind) ?? [];
    return kind === 'poverty_registry' ? list.map((row) => referenceRow(row) as SourceRow) : list;
  });
  // One hash per person, however many rows and households name them.
  const shards = new Map<string, number>();
  const shardOfId = (id: string): number => {
    let shard = shards.get(id);
    if (shard === undefined) {
      shard = hashToShard(id, shardCount);
      shards.set(id, shard);
    }
    return shard;
  };
  const askers = [...asking].flatMap((kind) =>
    (rows.get(kind) ?? []).map((row) => ({ row, shard: shardOf(row, kind, shardCount) })),
  );
  const placement = {
    shards: shardCount,
    shardOfId,
    // The shard that reads a reference row in its own slice: by its ID (recovered ones too), else
    // where Normalize put it — but none for a lost-ID row nobody could place (every shard sets
    // those aside for routing, so the plan sends them wherever they are looked up).
    homeOf: (row: SourceRow) =>
      hasLostId(row) && resolvable(row.kind)
        ? -1
        : row.idNumber
          ? shardOfId(row.idNumber)
          : shardOf(row, row.kind, shardCount),
  };
  return {
    crossing: cutReference(reference, registry, placement, askers),
    routed: routed.map(sortRows),
    townships,
    rows: reference.length,
  };
}

/**
 * A row's NDJSON line for cuts written one after another: a row in several cuts (an employed
 * household member, a poverty household, spanning shards) is encoded once and its line kept only until its
 * last cut is written; a row in one cut is not kept at all (keeping every line for the whole
 * write held the county's reference a second time, as text).
 */
function sharedLines(cuts: readonly (readonly SourceRow[])[]): (row: SourceRow) => string {
  const left = new Map<SourceRow, number>();
  for (const rows of cuts) for (const row of rows) left.set(row, (left.get(row) ?? 0) + 1);
  for (const [row, uses] of left) if (uses === 1) left.delete(row);
  const lines = new Map<SourceRow, string>();
  return (row) => {
    const uses = left.get(row);
    if (uses === undefined) return JSON.stringify(row);
    const line = lines.get(row) ?? JSON.stringify(row);
    if (uses === 1) {
      left.delete(row);
      lines.delete(row);
    } else {
      left.set(row, uses - 1);
      lines.set(row, line);
    }
    return line;
  };
}

/**
 * Workflow step 2: decide what this collision run matches — the rules the trigger calls for
 * ({@link rulesForTrigger}) over every version in force — choose the shard count from the
 * rows in force ({@link shardCountFor}, bounded by `deps.shardSizing`), write the run's
 * manifest, what crosses shards (the reference rows each shard's rules look up beyond its own
 * slice, and the lost-ID rows found by name + village routed to their person's shard), then
 * fan out one task per shard. Each shard reads its own slice of every kind itself.
 * Only keys and numbers go back into the state (256 KiB limit).
 */
export async function planCollision(deps: PlanDeps, input: PlanInput): Promise<PlanOutput> {
  const startedAt = deps.now();
  const runId = `run-${startedAt.replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const { rules, kinds: changed } = rulesForTrigger(input);
  const kinds = [...new Set([...kindsRead(), ...RULE_REFERENCE_KINDS])];
  const versions = versionsInForce((await Promise.all(kinds.map((k) => deps.versions.listOfKind(k)))).flat());

  const rowsInForce = versions.reduce((n, v) => n + v.shardRows.reduce((a, b) => a + b, 0), 0);
  const shardCount = shardCountFor(rowsInForce, deps.shardSizing);

  const {
    crossing,
    routed,
    townships,
    rows: referenceRowCount,
  } = await buildRunReference(deps, versions, rules, shardCount);
  // Written one shard at a time so that only one encoded part is held at once.
  const line = sharedLines(crossing);
  for (const [shard, rows] of crossing.entries())
    if (rows.length > 0)
      await deps.objects.put(
        deps.buckets.data,
        referenceKey(runId, shard),
        encodeRows(rows, line),
        'application/x-ndjson',
      );
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
    shardCount,
    reference: crossing.map((rows) => rows.length),
    villageTownships: Object.fromEntries(townships),
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
    rowsInForce,
    shards: shardCount,
    referenceRows: referenceRowCount,
    referenceRowsSentPerShard: crossing.map((rows) => rows.length),
    lostIdsRecovered: routed.reduce((sum, rows) => sum + rows.length, 0),
  });
  return {
    runId,
    manifestKey: key,
    shards: Array.from({ length: shardCount }, (_, shard) => ({ runId, manifestKey: key, shard })),
  };
}
