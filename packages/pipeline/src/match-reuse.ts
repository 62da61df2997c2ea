import { createHash } from 'node:crypto';
import { RULE_REFERENCE_KINDS, type Rule, type SourceRow } from '@jiandu/domain';
import type { Evidence, Finding } from '@jiandu/domain/model';
import { RULES_REVISION } from '@jiandu/domain/rules/revision';
import type { DataReadDeps } from './deps.js';
import { type CollisionManifest, type ManifestVersion, whollyCovered } from './manifest.js';
import { derivedKeys, manifestKey, routedKey, storedShardsOf } from './shards.js';
import {
  isRoutedElsewhere,
  loadVersionShards,
  readSourceRows,
  readStoredJson,
  sortRows,
} from './source-rows.js';

/**
 * Incremental match. A rule's findings in one shard are a function of what the shard feeds
 * it: rows and their order, whatever version ids and row numbers cite them. So each rule's
 * inputs in a shard are digested by content ({@link ShardReuse.fingerprint}), and a match
 * records which run found what under that fingerprint (`derivedKeys.match`). A later run whose
 * rule digests the same in that shard re-cites those findings instead of matching: citations
 * of versions both runs read stay, citations of a version that a new one of the same dataset
 * replaced are mapped row by row (rows equal by content, in order; checked on the rows
 * themselves). Anything missing, ambiguous or unequal falls back to matching: the result is
 * always what a match would find (`test/pipeline/match-reuse.test.ts`).
 */

/** Raise with any change to how rules read their inputs or to what the fingerprint covers. */
const FINGERPRINT_FORMAT = 1;

/** What a match of one rule in one shard found under inputs of one fingerprint. */
export interface MatchRecord {
  readonly runId: string;
  readonly manifestKey: string;
  readonly findingsKey: string;
  readonly rule: string;
}

/** Rows of the askers' layer are looked up only by the rules that read these kinds (R09, R12). */
const ASKING_KINDS = new Set<string>(['village_finance', 'livelihood_projects']);
const REFERENCE_KINDS = new Set<string>(RULE_REFERENCE_KINDS);

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);
const digest = (value: unknown): string => hash(JSON.stringify(value));

/** A row's content without its citation (version and row number), as rules see it. */
function contentOf(row: SourceRow): string {
  return JSON.stringify([
    row.sheet ?? null,
    row.idNumber ?? null,
    row.idStatus,
    row.identifiedBy ?? null,
    row.values,
  ]);
}

const citation = (sheet: string | undefined, row: number) => `${sheet ?? ''}|${row}`;

/** The versions that add rows to a run, grouped by dataset (kind and {@link ManifestVersion.datasetKey}). */
function datasets(manifest: CollisionManifest): Map<string, ManifestVersion[]> {
  const groups = new Map<string, ManifestVersion[]>();
  for (const v of manifest.versions) {
    if (whollyCovered(v)) continue;
    const key = v.datasetKey === undefined ? `version:${v.versionId}` : `${v.kind}|${v.datasetKey}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return groups;
}

/** Re-citing findings of earlier runs in one shard of a run. */
export class ShardReuse {
  readonly #groups: Map<string, ManifestVersion[]>;
  readonly #read = new Map<string, Promise<unknown>>();
  /** Each routed row's kind and its entry in the routed digest ({@link ShardReuse.#routedDigest}), in read order. */
  #routedEntries?: { readonly kind: string; readonly json: string }[];
  /** Routed digests by the routed kinds they cover. */
  readonly #routedDigests = new Map<string, string>();

  /** `routed`: the rows the plan routed to this shard in this run, tagged with their dataset. */
  constructor(
    private readonly deps: DataReadDeps,
    private readonly manifest: CollisionManifest,
    private readonly shard: number,
    private readonly routed: readonly SourceRow[],
  ) {
    this.#groups = datasets(manifest);
  }

  /**
   * A digest of everything `rule`'s findings in this shard depend on, citations left out: its
   * settings, the shard count and number, which of its kinds are in force, per version of its
   * kinds with rows in the shard (in the order rows are read) its dataset, the content digests
   * of the stored shards it reads and the rows a newer upload took over, the rows routed here,
   * the reference layers sent here and the county's village townships. `undefined` when a
   * version has no content digests (stored before they existed): the rule is matched.
   */
  fingerprint(rule: Rule, settings: unknown): string | undefined {
    const { manifest, shard } = this;
    const reads = new Set<string>(rule.reads);
    const versions: unknown[] = [];
    const live = manifest.versions
      .filter((v) => reads.has(v.kind) && !whollyCovered(v))
      .sort((a, b) => compare(a.datasetKey ?? '', b.datasetKey ?? '') || compare(a.versionId, b.versionId));
    for (const v of live) {
      const stored = v.shardRows.length;
      if (stored === 0) continue;
      const used = storedShardsOf(shard, manifest.shardCount, stored).shards.filter(
        (b) => (v.shardRows[b] ?? 0) > 0,
      );
      if (used.length === 0) continue;
      if (v.datasetKey === undefined || v.shardDigests?.length !== stored) return undefined;
      versions.push({
        dataset: v.datasetKey,
        // Versions of one dataset in force side by side are ordered by id: then the ids count.
        ...(this.#tied(v) ? { versionId: v.versionId } : {}),
        stored,
        digests: used.map((b) => [b, v.shardDigests?.[b]]),
        excluded: v.excluded,
      });
    }
    const routed = this.#routedDigest(reads);
    // Layer 0 is the households' layer, the others the askers' (`runReferenceCut`): a rule reads
    // the reference only for the kinds of it that it reads, and the askers' rows only if it
    // looks up the people that village books or projects name.
    const references = rule.reads.some((kind) => REFERENCE_KINDS.has(kind));
    const asks = references && rule.reads.some((kind) => ASKING_KINDS.has(kind));
    const layers = manifest.referenceLayers.flatMap((layer, index) =>
      (layer.rows[shard] ?? 0) > 0 && (index === 0 ? references : asks) ? [layer.digest] : [],
    );
    return digest({
      format: FINGERPRINT_FORMAT,
      // The rules' code: a deployed rule fix must not re-cite what the old code found.
      revision: RULES_REVISION,
      rule: rule.code,
      settings,
      shards: manifest.shardCount,
      shard,
      kinds: [...new Set(manifest.versions.map((v) => v.kind))].filter((kind) => reads.has(kind)).sort(),
      versions,
      routed,
      layers,
      townships: Object.entries(manifest.villageTownships).sort(([a], [b]) => compare(a, b)),
    });
  }

  /** Whether versions of this dataset are in force side by side (ordered by id: then the ids count). */
  #tied(v: Pick<ManifestVersion, 'kind' | 'datasetKey'>): boolean {
    return (this.#groups.get(`${v.kind}|${v.datasetKey}`)?.length ?? 0) > 1;
  }

  /**
   * The digest of the rows routed here of the kinds `reads`, in the order the shard reads them
   * (the plan wrote them in version id order): `digest` of the list of [kind, dataset, version
   * id when tied, content] per row. Each row is encoded once per shard, not once per rule.
   */
  #routedDigest(reads: ReadonlySet<string>): string {
    if (!this.#routedEntries) {
      this.#routedEntries = sortRows([...this.routed]).map((row) => ({
        kind: row.kind,
        json: JSON.stringify([
          row.kind,
          row.datasetKey,
          this.#tied(row) ? row.versionId : null,
          contentOf(row),
        ]),
      }));
    }
    // Rows of a few kinds are routed (payments, poverty): most rules digest the same list.
    const kinds = [...new Set(this.#routedEntries.map((entry) => entry.kind))].filter((kind) =>
      reads.has(kind),
    );
    const key = kinds.join('|');
    let routed = this.#routedDigests.get(key);
    if (routed === undefined) {
      // The JSON text of the list, as `JSON.stringify` writes it, from the rows' texts.
      const list = this.#routedEntries.filter((entry) => reads.has(entry.kind)).map((entry) => entry.json);
      routed = hash(`[${list.join(',')}]`);
      this.#routedDigests.set(key, routed);
    }
    return routed;
  }

  /** The findings an earlier match recorded under `fingerprint`, cited as this run reads the rows; `undefined`: match. */
  async recite(fingerprint: string): Promise<Finding[] | undefined> {
    const record = await this.#json<MatchRecord>(derivedKeys.match(fingerprint));
    if (!record) return undefined;
    const [before, found] = await Promise.all([
      this.#json<CollisionManifest>(record.manifestKey),
      this.#json<Finding[]>(record.findingsKey),
    ]);
    if (!before || !found || before.shardCount !== this.manifest.shardCount) return undefined;
    const cite = this.#citations(before);
    const recited: Finding[] = [];
    for (const finding of found) {
      if (finding.rule !== record.rule) continue;
      const evidence: Evidence[] = [];
      for (const e of finding.evidence) {
        const mapped = await cite(e);
        if (!mapped) return undefined;
        evidence.push(mapped);
      }
      recited.push({ ...finding, evidence });
    }
    return recited;
  }

  /** Record that `findingsKey` of this run holds `rule`'s findings under `fingerprint`. */
  async record(fingerprint: string, rule: string, findingsKey: string): Promise<void> {
    const record: MatchRecord = {
      runId: this.manifest.runId,
      manifestKey: manifestKey(this.manifest.runId),
      findingsKey,
      rule,
    };
    await this.deps.objects.put(
      this.deps.buckets.data,
      derivedKeys.match(fingerprint),
      JSON.stringify(record),
      'application/json',
    );
  }

  /**
   * How evidence of the run `before` is cited in this run: as it was for a version both runs
   * read, through the row map of the pair for a version this run reads a newer one of the same
   * dataset instead; `undefined` for anything else.
   */
  #citations(before: CollisionManifest): (e: Evidence) => Promise<Evidence | undefined> {
    const now = new Set(this.manifest.versions.filter((v) => !whollyCovered(v)).map((v) => v.versionId));
    const replacedBy = new Map<string, { old: ManifestVersion; next: ManifestVersion }>();
    for (const [key, group] of datasets(before)) {
      const next = this.#groups.get(key);
      const old = group[0] as ManifestVersion;
      if (group.length === 1 && next?.length === 1 && !now.has(old.versionId))
        replacedBy.set(old.versionId, { old, next: next[0] as ManifestVersion });
    }
    const kept = new Set(
      before.versions.filter((v) => !whollyCovered(v) && now.has(v.versionId)).map((v) => v.versionId),
    );
    return async (e) => {
      if (kept.has(e.versionId)) return e;
      const pair = replacedBy.get(e.versionId);
      if (!pair) return undefined;
      const rows = await this.#rowMap(before, pair.old, pair.next);
      const row = rows?.get(citation(e.sheet, e.row));
      return row === undefined ? undefined : { ...e, versionId: pair.next.versionId, row };
    };
  }

  /**
   * Old row → new row of a replaced version in this shard: its rows as each run read them (its
   * slice, less the rows a newer upload took over and the lost-ID rows routed instead, and the
   * rows routed here), in order, paired one to one (the nth of equal rows with the nth);
   * `undefined` unless both runs read equal rows in equal order.
   */
  #rowMap(before: CollisionManifest, old: ManifestVersion, next: ManifestVersion) {
    return this.#once(`map|${before.runId}|${old.versionId}|${next.versionId}`, async () => {
      const [was, is] = await Promise.all([
        this.#rowsOf(before, old, this.#routedOf(before)),
        this.#rowsOf(this.manifest, next, Promise.resolve(this.routed)),
      ]);
      if (was.length !== is.length) return undefined;
      const map = new Map<string, number>();
      for (const [i, row] of was.entries()) {
        const now = is[i] as SourceRow;
        if (contentOf(row) !== contentOf(now)) return undefined;
        map.set(citation(row.sheet, row.row), now.row);
      }
      return map;
    });
  }

  async #rowsOf(
    manifest: CollisionManifest,
    version: ManifestVersion,
    routed: Promise<readonly SourceRow[]>,
  ): Promise<SourceRow[]> {
    const slice = await loadVersionShards(
      this.deps,
      [version],
      { shard: this.shard, of: manifest.shardCount },
      new Map(),
      (row) => (isRoutedElsewhere(row) ? undefined : row),
    );
    const rows = [
      ...(slice.get(version.kind) ?? []),
      ...(await routed).filter((row) => row.versionId === version.versionId),
    ];
    return rows.sort((a, b) => compare(a.sheet ?? '', b.sheet ?? '') || a.row - b.row);
  }

  #routedOf(manifest: CollisionManifest): Promise<readonly SourceRow[]> {
    return this.#once(`routed|${manifest.runId}`, () =>
      (manifest.routed[this.shard] ?? 0) > 0
        ? readSourceRows(this.deps, routedKey(manifest.runId, this.shard))
        : Promise.resolve([]),
    );
  }

  #json<T>(key: string): Promise<T | undefined> {
    return this.#once(`json|${key}`, () => readStoredJson<T>(this.deps, key));
  }

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.#read.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.#read.set(key, value);
    }
    return value;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
