import { APPEND_KINDS, type DatasetKind } from '@jiandu/domain/kinds';
import { type DatasetVersion, versionOrder } from '@jiandu/domain/versions';
import { derivedKeys } from './shards.js';

/** One version as the match stage sees it. */
export interface ManifestVersion {
  readonly versionId: string;
  readonly kind: DatasetKind;
  readonly department: string;
  readonly shardRows: readonly number[];
  /** Append kinds: coverage keys a newer version of the same department took over (their rows are skipped). */
  readonly excluded: readonly string[];
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
   * (`cutReference`: what its rules look up in other shards), at {@link referencePartKey}
   * when there are any.
   */
  readonly reference: readonly number[];
  /**
   * The digest of the reference cut the run reads (`derivedKeys.cut`): runs whose reference
   * versions, asking versions and shard count are the same share one.
   */
  readonly referenceCut: string;
  /** The township of each village as the whole registry has it (`villageTownships`): a shard's cut holds only part of it. */
  readonly villageTownships: Readonly<Record<string, string>>;
  /** Per shard, how many lost-ID rows the plan step routed there (found by name + village). */
  readonly routed: readonly number[];
}

/** Where a run's shard finds the reference rows the plan sent it. */
export function referencePartKey(manifest: CollisionManifest, shard: number): string {
  return derivedKeys.cutPart(manifest.referenceCut, shard);
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
  return { versionId: v.versionId, kind: v.kind, department: v.department, shardRows: v.shardRows, excluded };
}
