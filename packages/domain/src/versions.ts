import type { DatasetKind } from './kinds.js';
import type { QualityReport } from './model.js';
import { RevisionConflictError, type VersionRepository } from './ports.js';

/**
 * Lifecycle of a dataset version (CONTRACT.md §4):
 * - `active`: its rows take part in collision;
 * - `replaced`: a newer snapshot from the same department took its place;
 * - `withdrawn`: the department withdrew it (with a reason);
 * - `rejected`: the file could not be read as its kind (file-level error);
 * - `needs_mapping`: held, not in force: a column that looks like ID numbers could not be placed;
 *   a column mapping from the department applies it without a new upload;
 * - `needs_confirmation`: held, not in force: a snapshot that would shrink the department's data
 *   by more than the configured share (or to nothing) waits for the department to confirm it.
 */
export type VersionStatus =
  | 'active'
  | 'replaced'
  | 'withdrawn'
  | 'rejected'
  | 'needs_mapping'
  | 'needs_confirmation';

/** Every version status, for validation. */
export const VERSION_STATUSES: readonly VersionStatus[] = [
  'active',
  'replaced',
  'withdrawn',
  'rejected',
  'needs_mapping',
  'needs_confirmation',
];

/** Why a version is held out of force until someone acts. */
export interface VersionHold {
  readonly reason: 'needs_mapping' | 'needs_confirmation';
  /** File headers that look like ID numbers but could not be placed (`needs_mapping`). */
  readonly candidates?: readonly string[];
  /** Canonical columns still to be placed, e.g. `owner_id` (`needs_mapping`). */
  readonly targets?: readonly string[];
  /** Accepted rows of the snapshot in force it would replace (`needs_confirmation`). */
  readonly previousRows?: number;
  readonly previousVersionId?: string;
}

/**
 * One entry of a version's history: nothing changes without who, when and why.
 * `replacement_requested`: someone asked for an upload URL to replace this version.
 * `held`: kept out of force (see {@link VersionHold}); `mapped`: read again under the
 * department's column mapping; `confirmed`: a held snapshot confirmed; `restored`: a withdrawn
 * version back in force (re-uploaded bytes or an explicit restore); `resolved`: read again
 * because other divisions came into force (its townships and villages resolved against them).
 */
export interface VersionEvent {
  readonly at: string;
  readonly action:
    | 'registered'
    | 'rejected'
    | 'replaced'
    | 'withdrawn'
    | 'replacement_requested'
    | 'held'
    | 'mapped'
    | 'confirmed'
    | 'restored'
    | 'resolved';
  /** The actor: a principal's subject, a department code (its own upload), or `system`. */
  readonly by: string;
  /** The actor's display name, when a person acted through the API. */
  readonly byName?: string;
  readonly reason?: string;
  /**
   * The other side of a replacement: on `replaced`/`replacement_requested` the version or upload
   * key that replaces this one; on `registered` the version this upload was asked to replace.
   */
  readonly replacement?: string;
}

/** A file-level error that made the whole file unusable. */
export interface FileError {
  readonly code: string;
  readonly message: string;
  readonly expected?: readonly string[];
  readonly found?: readonly string[];
}

/** One upload = one dataset version. The raw file stays in the upload bucket unchanged. */
export interface DatasetVersion {
  /** Deterministic: the same department, kind and bytes always give the same id. */
  readonly versionId: string;
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
  readonly rawBucket: string;
  readonly rawKey: string;
  /** The S3 `VersionId` of the raw file that was read (the upload bucket keeps every version). */
  readonly rawVersionId?: string;
  /** SHA-256 of the raw bytes, hex. */
  readonly fileHash: string;
  readonly size: number;
  /** When S3 received the file: orders versions even when events arrive out of order. */
  readonly receivedAt: string;
  readonly registeredAt: string;
  readonly status: VersionStatus;
  readonly statusReason?: string;
  readonly replacedBy?: string;
  readonly quality?: QualityReport;
  readonly columns?: readonly string[];
  /** Rows per ID-hash shard (index = shard number); empty for rejected versions. */
  readonly shardRows: readonly number[];
  /**
   * Per ID-hash shard, a digest of its rows' content in order, row numbers left out (a match of
   * a shard whose inputs digest the same as before re-cites its findings). Absent on versions
   * stored before it existed: those are always matched.
   */
  readonly shardDigests?: readonly string[];
  /**
   * The divisions its townships and villages were resolved against: the `divisions` versions
   * in force when it was read, their ids comma-joined; absent when none were (or the kind has
   * no places). When other divisions come into force it is read again (`resolved`).
   */
  readonly divisions?: string;
  /** Append kinds: what the version covers (`program|YYYY-MM`, or `township|village|YYYY`). */
  readonly coverage: readonly string[];
  /** Data-bucket key of the rejected-rows file, when rows were rejected. */
  readonly rejectsKey?: string;
  readonly error?: FileError;
  /** Set while the version is held (`needs_mapping` / `needs_confirmation`). */
  readonly hold?: VersionHold;
  readonly history: readonly VersionEvent[];
  /**
   * How often the version changed since it was registered (absent = 0); a change is stored
   * only if the stored version still has the revision it was read at (optimistic locking).
   */
  readonly revision?: number;
}

/** Figures of one collision run, listed for inspectors. */
export interface CollisionRun {
  readonly runId: string;
  readonly trigger: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly status: 'running' | 'succeeded';
  readonly rules: readonly string[];
  readonly versions: number;
  readonly findings?: number;
  readonly leadsNew?: number;
  readonly leadsUpdated?: number;
  readonly leadsUnchanged?: number;
  readonly leadsSuperseded?: number;
  readonly durationMs?: number;
  /** What each match shard read and cost (issue 10: the stage scales by adding shards). */
  readonly shards?: readonly ShardFigures[];
}

/** One match shard's figures in a run record. */
export interface ShardFigures {
  readonly shard: number;
  /** Rows read: the shard's slice of each kind, routed rows and the reference rows. */
  readonly rows: number;
  readonly findings: number;
  /** The shard's findings were all re-cited from an earlier match of equal inputs, not matched. */
  readonly recited?: boolean;
  readonly durationMs: number;
  /**
   * Peak resident memory of the process that ran the shard, in MB, so far. In Lambda that is
   * the shard's warm container. On the local platform every function worker is a thread of
   * the one platform process (pool workers running shards side by side, the API's worker, the
   * emulated S3): it is that process's peak, an upper bound of the shard's own, and the same
   * figure the county benchmark reports for the platform's Node process.
   */
  readonly peakRssMb: number;
}

/**
 * Sort key that orders versions of one dataset from oldest to newest: by S3 receive time
 * (EventBridge gives whole seconds), then by registration time, then by id — so a late
 * event for an older file never displaces a newer one, and ties resolve the same way everywhere.
 */
export function versionOrder(v: Pick<DatasetVersion, 'receivedAt' | 'registeredAt' | 'versionId'>): string {
  return `${v.receivedAt}#${v.registeredAt}#${v.versionId}`;
}

/** How often a system change of a version is re-read and re-derived after a conflict. */
const VERSION_CHANGE_RETRIES = 3;

/**
 * Store a change the system makes to a version (e.g. a newer upload replaces it), starting
 * from `current` as read. When someone changed the version meanwhile (a withdrawal, say) it
 * is read again and `change` decides afresh on the new state (`undefined`: nothing to do any
 * more), so the other change is never overwritten. Returns the stored version, or
 * `undefined` when nothing was written. A person's change answers 409 instead: they decided
 * on what they saw.
 */
export async function changeVersion(
  versions: VersionRepository,
  current: DatasetVersion,
  change: (current: DatasetVersion) => DatasetVersion | undefined,
): Promise<DatasetVersion | undefined> {
  let read: DatasetVersion | undefined = current;
  for (let attempt = 0; read; attempt++) {
    const next = change(read);
    if (!next) return undefined;
    try {
      return await versions.save(next);
    } catch (error) {
      if (!(error instanceof RevisionConflictError) || attempt >= VERSION_CHANGE_RETRIES) throw error;
      read = await versions.get(current.versionId);
    }
  }
  return undefined;
}
