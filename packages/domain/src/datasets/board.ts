/**
 * The progress board and the lateness check over the storage ports: load, compute with the
 * pure functions of `progress.ts`, write what changed. Shared by the API and the scheduled job.
 */
import { DATASET_KINDS } from '../kinds.js';
import type { LatenessRepository, VersionRepository } from '../ports.js';
import type { CadenceConfig } from './cadence.js';
import { computeProgress, type LatenessRecord, latenessChanges, type ProgressEntry } from './progress.js';

/** Storage the board reads. */
export interface BoardPorts {
  readonly versions: VersionRepository;
  readonly lateness: LatenessRepository;
}

/** Every version of every kind (a county has thousands, not millions: one GSI query per kind). */
async function allVersions(versions: VersionRepository) {
  return (await Promise.all(DATASET_KINDS.map((kind) => versions.listOfKind(kind)))).flat();
}

/** The progress board as of `now`. */
export async function loadProgress(
  ports: BoardPorts,
  config: CadenceConfig,
  now: string,
): Promise<ProgressEntry[]> {
  const [versions, lateness] = await Promise.all([allVersions(ports.versions), ports.lateness.list()]);
  return computeProgress({ versions, lateness, config, now });
}

/** What one run of the lateness check did. */
export interface LatenessCheckResult {
  /** Entries overdue now. */
  readonly overdue: number;
  readonly flagged: number;
  readonly reopened: number;
  readonly resolved: number;
}

/**
 * The scheduled check: flag every (department, kind) that is overdue and not flagged yet,
 * resolve records that no longer apply. Idempotent: a second run on the same data writes nothing.
 */
export async function checkLateness(
  ports: BoardPorts,
  config: CadenceConfig,
  now: string,
): Promise<LatenessCheckResult> {
  const [versions, records] = await Promise.all([allVersions(ports.versions), ports.lateness.list()]);
  const entries = computeProgress({ versions, lateness: records, config, now });
  const changes = latenessChanges(entries, records, now);
  await ports.lateness.saveAll(changes);
  const count = (test: (r: LatenessRecord) => boolean) => changes.filter(test).length;
  return {
    overdue: entries.filter((e) => e.overdue).length,
    flagged: count((r) => r.flaggedAt === now && !r.resolvedAt),
    reopened: count((r) => r.reopenedAt === now),
    resolved: count((r) => r.resolvedAt === now),
  };
}
