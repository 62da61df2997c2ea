import { createHash, randomUUID } from 'node:crypto';
import {
  cutReferenceLayers,
  hasLostId,
  kindsRead,
  lostIdKey,
  NAME_COLUMN_OF_RESOLVABLE_KIND,
  type NameVillageIndex,
  nameVillageIndexer,
  POVERTY_ASSET_KINDS,
  personByNameIndex,
  povertyMemberIds,
  type RegistryOutline,
  RULE_REFERENCE_KINDS,
  RULES,
  type Rule,
  referenceRow,
  registryOutline,
  resolveLostId,
  type rulesReading,
  type SourceRow,
  soughtInRegistry,
} from '@jiandu/domain';
import { PENDING_COLLISION_TRIGGER } from '@jiandu/domain/collision-burst';
import { coverageKey } from '@jiandu/domain/coverage';
import { type DatasetKind, isDatasetKind } from '@jiandu/domain/kinds';
import { pool } from '@jiandu/domain/pool';
import type { PlanInput, PlanOutput } from '../contracts.js';
import type { PlanDeps } from '../deps.js';
import {
  type CollisionManifest,
  type ManifestVersion,
  type ReferenceLayer,
  versionsInForce,
} from '../manifest.js';
import {
  decodeLineBatches,
  decodeRows,
  derivedKeys,
  encodeRows,
  hashToShard,
  LOST_ID_SHARD,
  manifestKey,
  routedKey,
  shardCountFor,
  shardOf,
  utf8Text,
} from '../shards.js';
import {
  compareSourceRows,
  lineOfIdIn,
  loadVersionShards,
  MAX_OPEN_READS,
  mayHaveLostId,
  readStoredJson,
  sketchVersionShards,
  sortRows,
} from '../source-rows.js';

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
 * The version of what the plan derives and keeps for later runs ({@link derivedKeys}): part of
 * every digest, so that a change to how a cut, a lost-ID file or a name index is made or
 * encoded (here or in `cutReference`, `referenceRow`, `resolveLostId`, `nameVillageKey`, the
 * name and village normalization and its dictionaries) is never answered from objects an older
 * build wrote. Raise it with any such change.
 */
const DERIVED_FORMAT = 1;

/** A digest of exactly the inputs of something the plan derives (JSON of plain data, in a fixed order). */
function digestOf(what: string, inputs: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: DERIVED_FORMAT, what, inputs }))
    .digest('hex')
    .slice(0, 32);
}

/** A stored layer of a reference cut (`derivedKeys.cut`, written after its parts). */
interface CutLayer {
  /** Rows sent to each shard (at `derivedKeys.cutPart` when any). */
  readonly rows: readonly number[];
  /** The households layer: the township of each village as the whole registry has it. */
  readonly villageTownships?: Readonly<Record<string, string>>;
  /** The households layer: rows in the run's reference (for the log). */
  readonly referenceRows?: number;
}

/** Whether lost IDs of `kind` are recovered by name + village. */
const resolvable = (kind: DatasetKind) => NAME_COLUMN_OF_RESOLVABLE_KIND[kind] !== undefined;

/**
 * Who is who by name + village in the run's registry ({@link NameVillageIndex}), got once per
 * run and only if a lost ID must be resolved: built from the registry rows the run already
 * holds, else read from the index a run with the same registry stored, else built from the
 * registry's rows (and stored). Reading a stored index keeps only the keys asked for.
 */
class RegistryNames {
  private index: Promise<NameVillageIndex> | undefined;
  readonly key: string;

  constructor(
    private readonly deps: PlanDeps,
    private readonly registry: readonly ManifestVersion[],
  ) {
    this.key = derivedKeys.names(digestOf('names', registry));
  }

  /** The run indexed the registry's rows itself: use that index (and store it for later runs). */
  async indexed(index: NameVillageIndex): Promise<void> {
    this.index = Promise.resolve(index);
    if (!(await this.deps.objects.exists(this.deps.buckets.data, this.key))) await this.store(index);
  }

  /** The index, holding at least `keys` (read from a stored index: those only). */
  lookup(keys: ReadonlySet<string>): Promise<NameVillageIndex> {
    return this.index ?? this.read(keys);
  }

  private async read(keys: ReadonlySet<string>): Promise<NameVillageIndex> {
    const index: NameVillageIndex = new Map();
    if (keys.size === 0) return index;
    if (await this.deps.objects.exists(this.deps.buckets.data, this.key)) {
      const stored = this.deps.objects.stream(this.deps.buckets.data, this.key);
      for await (const lines of decodeLineBatches(stored))
        for (const line of lines) {
          const tab = line.indexOf('\t');
          const key = line.slice(0, tab);
          if (keys.has(key)) index.set(key, line.slice(tab + 1));
        }
      return index;
    }
    // No run stored this registry's index yet: stream the registry's rows into one, keeping none.
    this.index = Promise.resolve(index);
    const { add } = nameVillageIndexer(index);
    await loadVersionShards(this.deps, this.registry, 'all', new Map(), (row) => {
      add(row);
      return undefined;
    });
    await this.store(index);
    return index;
  }

  private store(index: NameVillageIndex): Promise<void> {
    // Each entry encoded straight into the object's bytes (a county's million lines joined into
    // one text and encoded again cost more than building the index).
    let size = 0;
    for (const [key, id] of index) size += (key.length + id.length) * 3 + 2;
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    for (const [key, id] of index) {
      if (at > 0) bytes[at++] = NEWLINE;
      at += bytes.write(key, at);
      bytes[at++] = TAB;
      at += bytes.write(id, at);
    }
    return this.deps.objects.put(
      this.deps.buckets.data,
      this.key,
      // Copied out: the room left over is not kept with the object.
      Buffer.from(bytes.subarray(0, at)),
      'text/tab-separated-values',
    );
  }
}

/** The registry columns a {@link RegistryOutline} reads of every row. */
const OUTLINE_COLUMNS = ['name', 'village', 'township', 'household_no'] as const;

/**
 * The run's registry streamed into `outline` (every row added once, none held), and the rows
 * it keeps: those of the `sought` IDs ({@link RegistryOutline.add}) and, from a second pass
 * that parses only their lines, every row of the namesakes it found (a namesake's other rows,
 * in another village, are sent too). `rows`: how many registry rows there are.
 */
async function outlineRegistry(
  deps: PlanDeps,
  versions: readonly ManifestVersion[],
  outline: RegistryOutline,
  sought: ReadonlySet<string>,
): Promise<{ kept: SourceRow[]; rows: number }> {
  let rows = 0;
  // The outline reads a few columns of every row; only the rows of the sought IDs are parsed whole.
  const read = await sketchVersionShards(deps, versions, OUTLINE_COLUMNS, (row, whole) => {
    rows += 1;
    return outline.add(row) ? referenceRow(whole()) : undefined;
  });
  // Namesakes are known once every row is in: a second pass parses only their lines.
  const namesakes = new Set([...outline.namesakes()].filter((id) => !sought.has(id)));
  if (namesakes.size > 0)
    await loadVersionShards(deps, versions, 'all', read, (row) => referenceRow(row), lineOfIdIn(namesakes));
  return { kept: read.get('household_registry') ?? [], rows };
}

/**
 * The reference cut of the run ({@link cutReference}: what crosses shards of the reference),
 * in its two layers ({@link cutReferenceLayers}), each stored at `derivedKeys.cut*` under a
 * digest of exactly what it is made of: the households layer of the versions of the reference
 * kinds and the shard count, the askers' layer (only when a rule that runs reads village
 * finance or projects) of those and the asking kinds' versions. Layers stored under their
 * digests are the run's as they stand; otherwise both are built and the missing ones stored
 * (parts first, the summary last: a summary always has all its parts).
 *
 * Building reads every row of the reference kinds (snapshots, a county's worth: registry,
 * officials, payroll, entities, poverty, property, vehicles) and the village-finance and
 * project rows whose payees and contractors the rules look up. Lost poverty IDs are recovered
 * by name + village, and poverty rows join the reference recovered or not (a household's
 * evidence is all its rows).
 */
async function runReferenceCut(
  deps: PlanDeps,
  versions: readonly ManifestVersion[],
  rules: readonly Rule[],
  shardCount: number,
  names: RegistryNames,
): Promise<{
  layers: ReferenceLayer[];
  townships: Readonly<Record<string, string>>;
  rows: number;
  reused: boolean;
}> {
  const referenceKinds = new Set<DatasetKind>(RULE_REFERENCE_KINDS);
  const read = new Set(kindsRead(rules));
  const asking = new Set(ASKING_KINDS.filter((kind) => read.has(kind)));
  const inForce = (test: (kind: DatasetKind) => boolean) => versions.filter((v) => test(v.kind));
  const households = digestOf('cut-households', {
    shardCount,
    versions: inForce((kind) => referenceKinds.has(kind)),
  });
  const asked =
    asking.size > 0
      ? digestOf('cut-asked', {
          shardCount,
          asking: [...asking],
          versions: inForce((kind) => referenceKinds.has(kind) || asking.has(kind)),
        })
      : undefined;
  const [storedHouseholds, storedAsked] = await Promise.all(
    [households, asked].map((digest) =>
      digest === undefined ? undefined : readStoredJson<CutLayer>(deps, derivedKeys.cut(digest)),
    ),
  );
  const summary = (layer: CutLayer) => ({
    townships: layer.villageTownships ?? {},
    rows: layer.referenceRows ?? 0,
  });
  if (storedHouseholds && (asked === undefined || storedAsked))
    return {
      layers: [
        { digest: households, rows: storedHouseholds.rows },
        ...(asked && storedAsked ? [{ digest: asked, rows: storedAsked.rows }] : []),
      ],
      ...summary(storedHouseholds),
      reused: true,
    };

  // The askers' rows whole, the reference kinds but the registry and the assets trimmed as they
  // stream in (`referenceRow`): never all rows whole at once.
  const rows = await loadVersionShards(
    deps,
    inForce((kind) => asking.has(kind)),
    'all',
  );
  await loadVersionShards(
    deps,
    inForce(
      (kind) => referenceKinds.has(kind) && kind !== 'household_registry' && !POVERTY_ASSET_KINDS.has(kind),
    ),
    'all',
    rows,
    (row) => referenceRow(row),
  );
  const askers = [...asking].flatMap((kind) =>
    (rows.get(kind) ?? []).map((row) => ({ row, shard: shardOf(row, kind, shardCount) })),
  );

  // The registry (a row per person): streamed into an outline of who lives with whom and who is
  // who by name + village; only the rows of the people the cut may send are kept.
  const sought = soughtInRegistry(
    RULE_REFERENCE_KINDS.flatMap((kind) => rows.get(kind) ?? []),
    askers.map(({ row }) => row),
  );
  const outline = registryOutline(sought, compareSourceRows);
  const registry = await outlineRegistry(
    deps,
    inForce((kind) => kind === 'household_registry'),
    outline,
    sought.ids,
  );
  rows.set('household_registry', registry.kept);
  const townships = outline.townships();
  await names.indexed(outline.names);
  const poverty = rows.get('poverty_registry') ?? [];
  const lostKeys = new Set(poverty.flatMap((row) => lostIdKey(row) ?? []));
  const known = personByNameIndex(await names.lookup(lostKeys));
  // A poverty row nobody could place is still its household's (its head, its exit year).
  rows.set(
    'poverty_registry',
    poverty.map((row) => resolveLostId(row, known) ?? row),
  );
  // Property and vehicles: only what poverty-household members own, recovered members included
  // (the other lines are not even parsed).
  const povertyMembers = povertyMemberIds(rows.get('poverty_registry') ?? []);
  await loadVersionShards(
    deps,
    inForce((kind) => POVERTY_ASSET_KINDS.has(kind)),
    'all',
    rows,
    (row) => referenceRow(row, povertyMembers),
    lineOfIdIn(povertyMembers),
  );
  const reference = RULE_REFERENCE_KINDS.flatMap((kind) => rows.get(kind) ?? []);
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
  const cut = cutReferenceLayers(reference, outline.lookups(registry.kept), placement, askers);
  const built: { digest: string; parts: SourceRow[][]; stored: boolean; layer: CutLayer }[] = [
    {
      digest: households,
      parts: cut.households,
      stored: storedHouseholds !== undefined,
      layer: {
        rows: cut.households.map((part) => part.length),
        villageTownships: Object.fromEntries(townships),
        referenceRows: reference.length - registry.kept.length + registry.rows,
      },
    },
    ...(asked === undefined
      ? []
      : [
          {
            digest: asked,
            parts: cut.asked,
            stored: false,
            layer: { rows: cut.asked.map((part) => part.length) },
          },
        ]),
  ];
  // Written one part at a time so that only one encoded part is held at once.
  const encode = sharedLines(built.flatMap(({ parts, stored }) => (stored ? [] : parts)));
  for (const { digest, parts, stored, layer } of built) {
    if (stored) continue;
    for (const [shard, part] of parts.entries())
      if (part.length > 0)
        await deps.objects.put(
          deps.buckets.data,
          derivedKeys.cutPart(digest, shard),
          encode(part),
          'application/x-ndjson',
        );
    await deps.objects.put(
      deps.buckets.data,
      derivedKeys.cut(digest),
      JSON.stringify(layer),
      'application/json',
    );
  }
  return {
    layers: built.map(({ digest, layer }) => ({ digest, rows: layer.rows })),
    ...summary(built[0]?.layer ?? { rows: [] }),
    reused: false,
  };
}

/**
 * The lost-ID rows of the run's versions of kinds with names and villages that name + village
 * place in the registry, routed to their person's shard. Per version they are kept under a
 * digest of the version and the registry (`derivedKeys.lostIds`, before the rows a newer append
 * version covers again are skipped, so that a later upload changes nothing kept): a version
 * seen with this registry before is not read again, only the new ones' lost-ID rows (kept in
 * one stored shard, {@link LOST_ID_SHARD}; the other lines are not even parsed) are looked up.
 */
async function routeLostIds(
  deps: PlanDeps,
  versions: readonly ManifestVersion[],
  registry: readonly ManifestVersion[],
  names: RegistryNames,
  shardCount: number,
): Promise<{ routed: SourceRow[][]; reused: number }> {
  const found = await Promise.all(
    versions.map(async (version) => {
      const key = derivedKeys.lostIds(
        digestOf('lost-ids', { registry, version: { ...version, excluded: [] } }),
      );
      const bytes = await deps.objects.getBytes(deps.buckets.data, key);
      return {
        version,
        key,
        rows: bytes && (decodeRows(utf8Text(bytes)) as SourceRow[]),
      };
    }),
  );
  const missing = found.filter((v) => v.rows === undefined);
  if (missing.length > 0) {
    const lost = await loadVersionShards(
      deps,
      missing.map(({ version }) => ({ ...version, excluded: [] })),
      { stored: LOST_ID_SHARD },
      new Map(),
      (row) => (hasLostId(row) ? row : undefined),
      mayHaveLostId,
    );
    const all = [...lost.values()].flat();
    const known = personByNameIndex(await names.lookup(new Set(all.flatMap((row) => lostIdKey(row) ?? []))));
    await pool(missing, MAX_OPEN_READS, async (entry) => {
      const rows = (lost.get(entry.version.kind) ?? []).flatMap((row) =>
        row.versionId === entry.version.versionId ? (resolveLostId(row, known) ?? []) : [],
      );
      entry.rows = rows;
      await deps.objects.put(deps.buckets.data, entry.key, encodeRows(rows), 'application/x-ndjson');
    });
  }
  const routed: SourceRow[][] = Array.from({ length: shardCount }, () => []);
  for (const { version, rows } of found) {
    const excluded = new Set(version.excluded);
    for (const row of rows ?? [])
      if (!excluded.has(coverageKey(version.kind, row.values) ?? ''))
        routed[shardOf(row, version.kind, shardCount)]?.push(row);
  }
  return { routed: routed.map(sortRows), reused: found.length - missing.length };
}

/**
 * The NDJSON bytes of cuts written one after another: a row in several cuts (an employed
 * household member, a poverty household, spanning shards) is stringified once and its line kept
 * only until its last cut is written (keeping every line for the whole write held the county's
 * reference a second time, as text); each line is encoded straight into its part's buffer (a
 * joined text encoded again, and a buffer per line copied together, cost more than the JSON).
 * Byte for byte `encodeRows` of each part.
 */
function sharedLines(cuts: readonly (readonly SourceRow[])[]): (rows: readonly SourceRow[]) => Buffer {
  const left = new Map<SourceRow, number>();
  for (const rows of cuts) for (const row of rows) left.set(row, (left.get(row) ?? 0) + 1);
  for (const [row, uses] of left) if (uses === 1) left.delete(row);
  const lines = new Map<SourceRow, string>();
  const line = (row: SourceRow): string => {
    const uses = left.get(row);
    if (uses === undefined) return JSON.stringify(row);
    const text = lines.get(row) ?? JSON.stringify(row);
    if (uses === 1) {
      left.delete(row);
      lines.delete(row);
    } else {
      left.set(row, uses - 1);
      lines.set(row, text);
    }
    return text;
  };
  // One scratch buffer for every part (grown when a part needs more), the part's bytes copied out of it.
  let room = Buffer.allocUnsafe(0);
  return (rows) => {
    const texts = rows.map(line);
    // At most 3 UTF-8 bytes per UTF-16 unit.
    const size = texts.reduce((sum, text) => sum + text.length * 3 + 1, 0);
    if (room.length < size) room = Buffer.allocUnsafe(Math.max(size, room.length * 2));
    let at = 0;
    for (const [index, text] of texts.entries()) {
      if (index > 0) room[at++] = NEWLINE;
      at += room.write(text, at);
    }
    return Buffer.from(room.subarray(0, at));
  };
}
const NEWLINE = 0x0a;
const TAB = 0x09;

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

  const registry = versions.filter((v) => v.kind === 'household_registry');
  const names = new RegistryNames(deps, registry);
  // The cut first: when it is built, the registry it reads gives the lost IDs their names.
  const cut = await runReferenceCut(deps, versions, rules, shardCount, names);
  const { routed, reused: lostIdsReused } = await routeLostIds(
    deps,
    versions.filter((v) => resolvable(v.kind)),
    registry,
    names,
    shardCount,
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
    reference: Array.from({ length: shardCount }, (_, shard) =>
      cut.layers.reduce((sum, layer) => sum + (layer.rows[shard] ?? 0), 0),
    ),
    referenceLayers: cut.layers,
    villageTownships: cut.townships,
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
    referenceRows: cut.rows,
    referenceRowsSentPerShard: manifest.reference,
    referenceCutReused: cut.reused,
    lostIdsRecovered: routed.reduce((sum, rows) => sum + rows.length, 0),
    lostIdVersionsReused: lostIdsReused,
  });
  return {
    runId,
    manifestKey: key,
    shards: Array.from({ length: shardCount }, (_, shard) => ({ runId, manifestKey: key, shard })),
  };
}
