import { createHash } from 'node:crypto';
import { type DatasetKind, kindOf } from '@jiandu/domain/kinds';
import type { NormalizedRow } from '@jiandu/domain/model';

/**
 * Normalized rows are stored in ID-hash shards so the match stage can fan out: every row
 * of one person lands in the same shard number in every version, whatever its kind.
 */
export const SHARD_COUNT = 16;

/**
 * Where rows whose ID a spreadsheet destroyed are kept. They can only be matched by name +
 * village against the registry, which the plan step does once per run; keeping them in one
 * known shard lets it read just that shard of the big append kinds instead of all of them.
 */
export const LOST_ID_SHARD = 0;

/** The shard of a text key (an ID number, a village, …). */
export function hashToShard(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % SHARD_COUNT;
}

/**
 * The shard of a row of `kind`:
 * - a row with an ID: by the ID, so all of a person's rows meet in one shard;
 * - a row whose ID was lost: {@link LOST_ID_SHARD} (the plan step routes it to its person's shard);
 * - any other row: by the kind's name column + village. Village-finance rows have no name
 *   column, so every row of one village lands in one shard — which is what the village rules
 *   (R09–R11) need — and a project row stays in one shard for R12.
 */
export function shardOf(row: NormalizedRow, kind: DatasetKind): number {
  if (row.idNumber) return hashToShard(row.idNumber);
  if (row.idStatus === 'lost') return LOST_ID_SHARD;
  const nameColumn = kindOf(kind).nameColumn;
  const name = (nameColumn === undefined ? undefined : row.values[nameColumn]) ?? '';
  return hashToShard(`${String(name)}|${String(row.values.village ?? '')}`);
}

/** Data-bucket key of one shard of a version. */
export function shardKey(versionId: string, shard: number): string {
  return `versions/${versionId}/shards/${String(shard).padStart(2, '0')}.ndjson`;
}

/** Data-bucket key of a version's rejected-rows file. */
export function rejectsKey(versionId: string): string {
  return `versions/${versionId}/rejects.csv`;
}

/** Data-bucket key of a run's manifest. */
export function manifestKey(runId: string): string {
  return `runs/${runId}/manifest.json`;
}

/** Data-bucket key of a run's reference rows (registry, officials, payroll, entities, poverty). */
export function referenceKey(runId: string): string {
  return `runs/${runId}/reference.ndjson`;
}

/** Data-bucket key of the rows the plan step routed to one shard (lost IDs found by name + village). */
export function routedKey(runId: string, shard: number): string {
  return `runs/${runId}/routed/${String(shard).padStart(2, '0')}.ndjson`;
}

/** Data-bucket key of the findings of one shard of a run. */
export function findingsKey(runId: string, shard: number): string {
  return `runs/${runId}/findings/${String(shard).padStart(2, '0')}.json`;
}

/** Rows as newline-delimited JSON, one shard file. */
export function encodeRows(rows: readonly NormalizedRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n');
}

export function decodeRows(text: string): NormalizedRow[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as NormalizedRow);
}
