import { APPEND_KINDS, type DatasetKind } from '@jiandu/domain/kinds';
import { type DatasetVersion, versionOrder } from '@jiandu/domain/versions';
import { datasetKeyOf, derivedKeys } from './shards.js';

/** One version as the match stage sees it. */
export interface ManifestVersion {
  readonly versionId: string;
  readonly kind: DatasetKind;
  readonly department: string;
  readonly shardRows: readonly number[];
  /** Append kinds: coverage keys a newer version of the same department took over (their rows are skipped). */
  readonly excluded: readonly string[];
  /** Per stored shard, a digest of its rows by content (`DatasetVersion.shardDigests`), when the version has them. */
  readonly shardDigests?: readonly string[];
  /** Orders the version's rows among other versions' ({@link datasetKeyOf}). */
  readonly datasetKey?: string;
  /** Append kinds: how many coverage keys the version has (`DatasetVersion.coverage`), see {@link whollyCovered}. */
  readonly coverageKeys?: number;
}

/**
 * Whether a newer upload covers every row of an append version again (every row of an append
 * kind has a coverage key among its version's): the version adds no row to the run.
 */
export function whollyCovered(v: Pick<ManifestVersion, 'excluded' | 'coverageKeys'>): boolean {
  return v.excluded.length > 0 && v.excluded.length === v.coverageKeys;
}

/** What one collision run matches: written once by the plan step, read by every shard. */
export interface CollisionManifest {
  readonly runId: string;
  readonly createdAt: string;
  /** The rules this run evaluates (and whose stale leads it supersedes). */
  readonly rules: readonly string[];
  /** Every version in force of every kind any rule reads (absence rules need the full picture). */
  readonly versions: readonly ManifestVersion[];
  /** How many shards the run matches in (a power of two chosen from the data size, `shardCountFor`). */
  readonly shardCount: number;
  /**
   * Per shard, how many rows of the run's reference the plan step sent it beyond its own slice
   * (`cutReference`: what its rules look up in other shards), at {@link referencePartKeys}
   * when there are any.
   */
  readonly reference: readonly number[];
  /**
   * The layers of the reference cut the run reads (`derivedKeys.cut`; runs with the same
   * inputs share them): per layer, its digest and how many rows it sends each shard (no row
   * twice to one shard); `reference` is their sum.
   */
  readonly referenceLayers: readonly ReferenceLayer[];
  /** The township of each village as the whole registry has it (`villageTownships`): a shard's cut holds only part of it. */
  readonly villageTownships: Readonly<Record<string, string>>;
  /** Per shard, how many lost-ID rows the plan step routed there (found by name + village). */
  readonly routed: readonly number[];
}

/** A stored layer of a run's reference cut: its digest and how many rows it sends each shard. */
export interface ReferenceLayer {
  readonly digest: string;
  readonly rows: readonly number[];
}

/** Where a run's shard finds the reference rows the plan sent it (one object per layer that sends it any). */
export function referencePartKeys(manifest: CollisionManifest, shard: number): string[] {
  return manifest.referenceLayers.flatMap((layer) =>
    (layer.rows[shard] ?? 0) > 0 ? [derivedKeys.cutPart(layer.digest, shard)] : [],
  );
}

/**
 * The versions in force (CONTRACT.md §4): for snapshot kinds the newest active version of
 * each department; for append kinds every active version, minus the (program, period) or
 * (village, year) rows that a newer upload from the same department covers again.
 */
export function versionsInForce(versions: readonly DatasetVersion[]): ManifestVersion[] {
  const byDataset = new Map<string, DatasetVersion[]>();
  for (const v of versions) {
    if (v.status !== 'active') continue;
    const key = `${v.department}|${v.kind}`;
    byDataset.set(key, [...(byDataset.get(key) ?? []), v]);
  }
  const result: ManifestVersion[] = [];
  for (const group of byDataset.values()) {
    const sorted = [...group].sort((a, b) => versionOrder(a).localeCompare(versionOrder(b)));
    const kind = sorted[0]?.kind;
    if (!kind) continue;
    if (!APPEND_KINDS.has(kind)) {
      const newest = sorted[sorted.length - 1] as DatasetVersion;
      result.push(describe(newest, []));
      continue;
    }
    sorted.forEach((v, i) => {
      const later = new Set(sorted.slice(i + 1).flatMap((n) => n.coverage));
      result.push(
        describe(
          v,
          v.coverage.filter((c) => later.has(c)),
        ),
      );
    });
  }
  return result.sort((a, b) => a.versionId.localeCompare(b.versionId));
}

function describe(v: DatasetVersion, excluded: string[]): ManifestVersion {
  return {
    versionId: v.versionId,
    kind: v.kind,
    department: v.department,
    shardRows: v.shardRows,
    excluded,
    ...(v.shardDigests ? { shardDigests: v.shardDigests } : {}),
    datasetKey: datasetKeyOf(v),
    ...(v.coverage.length > 0 ? { coverageKeys: v.coverage.length } : {}),
  };
}
