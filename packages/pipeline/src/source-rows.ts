import { hasLostId, NAME_COLUMN_OF_RESOLVABLE_KIND, type SourceRow } from '@jiandu/domain';
import { coverageKey } from '@jiandu/domain/coverage';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { NormalizedRow } from '@jiandu/domain/model';
import { pool } from '@jiandu/domain/pool';
import type { DataReadDeps } from './deps.js';
import type { ManifestVersion } from './manifest.js';
import {
  decodeRowBatches,
  decodeRowBatchesWhere,
  decodeRowSketches,
  type LineField,
  shardKey,
  shardOf,
  storedShardsOf,
  utf8Text,
} from './shards.js';

/** A JSON object the pipeline wrote to the data bucket, or `undefined` when there is none. */
export async function readStoredJson<T>(deps: DataReadDeps, key: string): Promise<T | undefined> {
  const bytes = await deps.objects.getBytes(deps.buckets.data, key);
  return bytes === undefined ? undefined : (JSON.parse(utf8Text(bytes)) as T);
}

/** A lost-ID row of a kind the plan step recovers by name + village (it reaches its shard routed instead). */
export function isRoutedElsewhere(row: SourceRow): boolean {
  return hasLostId(row) && NAME_COLUMN_OF_RESOLVABLE_KIND[row.kind] !== undefined;
}

/** Rows of each kind. */
export type RowsByKind = Map<DatasetKind, SourceRow[]>;

/**
 * The rows of an NDJSON object the pipeline wrote, parsed as they stream in (never the whole
 * text and all rows at once), a chunk's rows at a time; a missing object is an error.
 */
async function* streamRows(
  deps: DataReadDeps,
  key: string,
  wanted?: LineTest,
): AsyncGenerator<NormalizedRow[]> {
  const chunks = deps.objects.stream(deps.buckets.data, key);
  try {
    yield* typeof wanted === 'object'
      ? decodeRowBatchesWhere(chunks, wanted)
      : decodeRowBatches(chunks, wanted);
  } catch (error) {
    if ((error as Error | undefined)?.name === 'NoSuchKey') throw new Error(`Missing pipeline object ${key}`);
    throw error;
  }
}

/** Read an NDJSON object of source rows the pipeline wrote; a missing object is an error. */
export async function readSourceRows(deps: DataReadDeps, key: string): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of streamRows(deps, key)) for (const row of batch) rows.push(row as SourceRow);
  return rows;
}

/**
 * Stored shards read at once by {@link loadVersionShards}: enough to overlap the round trips,
 * few enough that a run over hundreds of versions × shards does not open a stream (and a
 * socket) for each at once.
 */
export const MAX_OPEN_READS = 8;

/**
 * Which stored lines to parse: a test of the line's text, or of one of its fields on its bytes
 * ({@link LineField}: the other lines are not even decoded).
 */
export type LineTest = ((line: string) => boolean) | LineField;

/**
 * The stored lines that may be rows whose ID was lost: `JSON.stringify` writes such a row's
 * status as exactly `"idStatus":"lost"`, and a quote inside a value is escaped, so no other
 * line has it.
 */
export const mayHaveLostId: LineField = { key: 'idStatus', wanted: (status) => status === 'lost' };

/** The stored lines of rows whose ID number is one of `ids` (rows without one are not wanted). */
export function lineOfIdIn(ids: ReadonlySet<string>): LineField {
  return { key: 'idNumber', wanted: (id) => ids.has(id) };
}

/**
 * Which rows of each version to read: one shard of a run of `of` shards (a version's stored
 * shards are found from its own count, {@link storedShardsOf}), one stored shard of every
 * version (`stored`), or `'all'` of them.
 */
export type ShardSelection =
  | { readonly shard: number; readonly of: number }
  | { readonly stored: number }
  | 'all';

/**
 * Load the selected rows of each version (skipping rows a newer append version covers again),
 * as source rows grouped by kind, sorted once at the end in a fixed order (version, sheet,
 * row) so that findings and their evidence don't depend on which read finished first.
 * `keep`, when given, decides as each row streams in what of it is kept (`undefined`: nothing),
 * so that rows the caller would drop or trim are never all held; `wanted`, when given, sees each
 * stored line first, and the lines it turns down are not even parsed (it must accept every line
 * of a row `keep` keeps).
 */
export async function loadVersionShards(
  deps: DataReadDeps,
  versions: readonly ManifestVersion[],
  selection: ShardSelection,
  into: RowsByKind = new Map(),
  keep?: (row: SourceRow) => SourceRow | undefined,
  wanted?: LineTest,
): Promise<RowsByKind> {
  // `filter`: the run shard rows must hash to (only when the run has more shards than the version).
  const reads: { version: ManifestVersion; stored: number; filter?: { shard: number; of: number } }[] = [];
  for (const version of versions) {
    const count = version.shardRows.length;
    if (count === 0) continue;
    const { shards, filter } =
      selection === 'all'
        ? { shards: [...version.shardRows.keys()], filter: undefined }
        : 'stored' in selection
          ? { shards: [selection.stored], filter: undefined }
          : storedShardsOf(selection.shard, selection.of, count);
    for (const stored of shards)
      if ((version.shardRows[stored] ?? 0) > 0)
        reads.push({ version, stored, ...(filter ? { filter } : {}) });
  }
  // Each read keeps its rows apart: concatenated in read order (by version, then stored shard) the
  // rows of a kind are a few runs already in order, which the sort merges instead of sorting
  // rows that concurrent reads interleaved.
  const parts: SourceRow[][] = reads.map(() => []);
  await pool(
    reads.map((read, index) => ({ ...read, index })),
    MAX_OPEN_READS,
    async ({ version: v, stored, filter, index }) => {
      const excluded = v.excluded.length > 0 ? new Set(v.excluded) : undefined;
      const list = parts[index] as SourceRow[];
      for await (const rows of streamRows(deps, shardKey(v.versionId, stored), wanted))
        for (const row of rows) {
          if (excluded?.has(coverageKey(v.kind, row.values) ?? '')) continue;
          if (filter && shardOf(row, v.kind, filter.of) !== filter.shard) continue;
          // A freshly parsed row of our own: tag it in place rather than copying it.
          const source = row as { kind?: DatasetKind; versionId?: string };
          source.kind = v.kind;
          source.versionId = v.versionId;
          const kept = keep ? keep(row as SourceRow) : (row as SourceRow);
          if (kept) list.push(kept);
        }
    },
  );
  const kinds = new Set<DatasetKind>();
  reads.forEach(({ version }, index) => {
    const list = into.get(version.kind);
    const part = parts[index] as SourceRow[];
    if (!list) into.set(version.kind, part);
    else for (const row of part) list.push(row);
    kinds.add(version.kind);
  });
  for (const kind of kinds) sortRows(into.get(kind) ?? []);
  return into;
}

/**
 * Every row of `versions` (all their stored shards, skipping rows a newer append version covers
 * again) read as a sketch of the `columns` asked ({@link decodeRowSketches}), tagged with its
 * kind and version: `visit` sees each (in no fixed order) and returns what it keeps of the row
 * (`whole()` parses it), `undefined` for nothing. The rows kept, by kind, sorted as
 * {@link loadVersionShards} sorts them. A version with covered rows is parsed whole (its rows'
 * coverage is read from any of their columns).
 */
export async function sketchVersionShards(
  deps: DataReadDeps,
  versions: readonly ManifestVersion[],
  columns: readonly string[],
  visit: (row: SourceRow, whole: () => SourceRow) => SourceRow | undefined,
): Promise<RowsByKind> {
  const reads = versions.flatMap((version) =>
    [...version.shardRows.entries()].flatMap(([stored, rows]) => (rows > 0 ? [{ version, stored }] : [])),
  );
  const parts: SourceRow[][] = reads.map(() => []);
  await pool(
    reads.map((read, index) => ({ ...read, index })),
    MAX_OPEN_READS,
    async ({ version: v, stored, index }) => {
      const list = parts[index] as SourceRow[];
      const tag = (row: NormalizedRow) => {
        // A freshly made row of our own: tagged in place rather than copied.
        const source = row as { kind?: DatasetKind; versionId?: string };
        source.kind = v.kind;
        source.versionId = v.versionId;
        return row as SourceRow;
      };
      if (v.excluded.length > 0) {
        const excluded = new Set(v.excluded);
        for await (const rows of streamRows(deps, shardKey(v.versionId, stored)))
          for (const row of rows) {
            if (excluded.has(coverageKey(v.kind, row.values) ?? '')) continue;
            const whole = tag(row);
            const kept = visit(whole, () => whole);
            if (kept) list.push(kept);
          }
        return;
      }
      for await (const sketches of sketchRows(deps, shardKey(v.versionId, stored), columns))
        for (const sketch of sketches) {
          const kept = visit(tag(sketch.row), () => tag(sketch.whole()));
          if (kept) list.push(kept);
        }
    },
  );
  const into: RowsByKind = new Map();
  reads.forEach(({ version }, index) => {
    const part = parts[index] as SourceRow[];
    const list = into.get(version.kind);
    if (!list) into.set(version.kind, part);
    else for (const row of part) list.push(row);
  });
  for (const rows of into.values()) sortRows(rows);
  return into;
}

/** {@link decodeRowSketches} of a stored object; a missing object is an error. */
async function* sketchRows(deps: DataReadDeps, key: string, columns: readonly string[]) {
  try {
    yield* decodeRowSketches(deps.objects.stream(deps.buckets.data, key), columns);
  } catch (error) {
    if ((error as Error | undefined)?.name === 'NoSuchKey') throw new Error(`Missing pipeline object ${key}`);
    throw error;
  }
}

/**
 * Rows by dataset (when the match stage set it, `SourceRow.datasetKey`), version, sheet and row
 * number (sheet names compared only when they differ: most rows have none).
 */
export function compareSourceRows(a: SourceRow, b: SourceRow): number {
  if (a.datasetKey !== b.datasetKey) return (a.datasetKey ?? '') < (b.datasetKey ?? '') ? -1 : 1;
  if (a.versionId !== b.versionId) return a.versionId < b.versionId ? -1 : 1;
  if (a.sheet !== b.sheet) {
    const order = (a.sheet ?? '').localeCompare(b.sheet ?? '');
    if (order !== 0) return order;
  }
  return a.row - b.row;
}

/** Sort rows in place by version, sheet and row number. */
export function sortRows(rows: SourceRow[]): SourceRow[] {
  return rows.sort(compareSourceRows);
}

/** Add rows to their kind's list. */
export function addRows(into: RowsByKind, rows: Iterable<SourceRow>): void {
  for (const row of rows) {
    const list = into.get(row.kind);
    if (list) list.push(row);
    else into.set(row.kind, [row]);
  }
}
