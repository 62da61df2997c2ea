import { createHash } from 'node:crypto';
import type { NormalizedRow } from '@jiandu/domain/model';

/**
 * Normalized rows are stored in ID-hash shards so the match stage can fan out: every row
 * of one person lands in the same shard number in every version, whatever its kind.
 */
export const SHARD_COUNT = 16;

function hashToShard(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % SHARD_COUNT;
}

/** The shard of a row: by ID number, or by name + village when the ID is missing or lost. */
export function shardOf(row: NormalizedRow): number {
  if (row.idNumber) return hashToShard(row.idNumber);
  const v = row.values;
  const name = v.name ?? v.recipient_name ?? v.owner_name ?? v.legal_rep_name ?? '';
  return hashToShard(`${String(name)}|${String(v.village ?? '')}`);
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
