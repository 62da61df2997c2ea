import type { SourceRow } from '@jiandu/domain';
import { coverageKey } from '@jiandu/domain/coverage';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { DataReadDeps } from './deps.js';
import type { ManifestVersion } from './manifest.js';
import { decodeRows, shardKey } from './shards.js';

/** Rows of each kind. */
export type RowsByKind = Map<DatasetKind, SourceRow[]>;

/** Read an NDJSON object of source rows the pipeline wrote; a missing object is an error. */
export async function readSourceRows(deps: DataReadDeps, key: string): Promise<SourceRow[]> {
  const bytes = await deps.objects.getBytes(deps.buckets.data, key);
  if (!bytes) throw new Error(`Missing pipeline object ${key}`);
  return decodeRows(Buffer.from(bytes).toString('utf8')) as SourceRow[];
}

/**
 * Load one shard of each version (skipping rows a newer append version covers again), as
 * source rows grouped by kind, in a fixed order (version, row) so that findings and their
 * evidence don't depend on which read finished first.
 */
export async function loadVersionShards(
  deps: DataReadDeps,
  versions: readonly ManifestVersion[],
  shard: number,
  into: RowsByKind = new Map(),
): Promise<RowsByKind> {
  await Promise.all(
    versions
      .filter((v) => (v.shardRows[shard] ?? 0) > 0)
      .map(async (v) => {
        const bytes = await deps.objects.getBytes(deps.buckets.data, shardKey(v.versionId, shard));
        if (!bytes) throw new Error(`Missing shard ${shard} of version ${v.versionId}`);
        const excluded = new Set(v.excluded);
        const list = into.get(v.kind) ?? [];
        for (const row of decodeRows(Buffer.from(bytes).toString('utf8'))) {
          if (excluded.size > 0 && excluded.has(coverageKey(v.kind, row.values) ?? '')) continue;
          list.push({ ...row, kind: v.kind, versionId: v.versionId });
        }
        into.set(v.kind, list);
      }),
  );
  for (const rows of into.values()) sortRows(rows);
  return into;
}

/** Sort rows in place by version, sheet and row number. */
export function sortRows(rows: SourceRow[]): SourceRow[] {
  return rows.sort(
    (a, b) =>
      (a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0) ||
      (a.sheet ?? '').localeCompare(b.sheet ?? '') ||
      a.row - b.row,
  );
}

/** Add rows to their kind's list. */
export function addRows(into: RowsByKind, rows: Iterable<SourceRow>): void {
  for (const row of rows) {
    const list = into.get(row.kind);
    if (list) list.push(row);
    else into.set(row.kind, [row]);
  }
}
