/**
 * Coalesced collision: a burst of uploads (a county's whole backlog, a department's month)
 * runs ONE collision, not one per file. Each registered upload marks the kinds it touched as
 * pending; the pending collision starts when the burst ends — after a quiet period without
 * new marks (the scheduled starter), or at once when the uploader says the folder is complete
 * (`POST /api/v1/uploads/complete`, `npm run cli -- complete`, the end of `cli upload`).
 *
 * One pending item holds the kinds. Marks add to it atomically; the starter claims it with a
 * conditional delete on the revision it read, so a mark that lands between read and claim
 * makes the claim fail (the burst is still going on) and two starters never both start a run.
 *
 * A burst also goes on while one of its files is still being read: a county's backlog has
 * files that take longer to normalize than the quiet period (a million-person registry), and
 * the registered ones must not start a collision that then competes with the reading of the
 * rest (measured on the local platform: 47 files gave three collision runs, each stalling the
 * uploads still queued). Normalize says when it starts and ends reading a file
 * ({@link whileReceiving}); the quiet period counts from the end of the last one.
 */
import type { DatasetKind } from './kinds.js';
import type { CollisionStarter } from './ports.js';

/** The trigger (execution `detail-type`, run `trigger`) of a collision that covers a burst. */
export const PENDING_COLLISION_TRIGGER = 'Collision Pending';

/** Quiet period of the deployed platform when none is configured: long enough for a folder upload between files. */
export const DEFAULT_COLLISION_QUIET_SECONDS = 60;
/** The longest quiet period a county may configure: an hour (the nightly run collides everything anyway). */
export const MAX_COLLISION_QUIET_SECONDS = 3600;

/** The kinds uploads changed since the last coalesced collision started. */
export interface PendingCollision {
  /** Every kind marked since the burst began, sorted. */
  readonly kinds: readonly DatasetKind[];
  /** When the burst's first registered upload marked it (ISO). */
  readonly firstMarkedAt: string;
  /** When the latest one did: the quiet period counts from here. */
  readonly lastMarkedAt: string;
  /** Bumped by every mark; a claim names the revision it read. */
  readonly revision: number;
  /** When each upload still being read began (ISO), oldest first. */
  readonly receivingSince?: readonly string[];
}

/**
 * After this long an upload still "being read" no longer holds the burst: its Normalize ended
 * without saying so (a crash, a timeout). Longer than Normalize's Lambda timeout (15 min).
 */
export const RECEIVING_STALE_SECONDS = 20 * 60;

/** Storage of the one pending collision (a single DynamoDB item in AWS). */
export interface PendingCollisionRepository {
  /** Add `kinds` to the pending collision (creating it), set `lastMarkedAt`, bump the revision; atomic. */
  mark(kinds: readonly DatasetKind[], at: string): Promise<PendingCollision>;
  get(): Promise<PendingCollision | undefined>;
  /** Remove the pending collision if its revision is still `revision`; `false` when it changed or is gone. */
  claim(revision: number): Promise<boolean>;
  /** Note that `upload` (an id of the uploaded object) is being read since `at`. */
  receiving(upload: string, at: string): Promise<void>;
  /**
   * `upload` has been read: forget it and, if a collision is pending, count its quiet period
   * from `at` (bumping the revision, so a claim racing with it fails).
   */
  received(upload: string, at: string): Promise<void>;
}

/**
 * Run `read` (the reading of one uploaded file) as part of the burst: the pending collision
 * does not start while it runs, nor for the quiet period after it ends, however it ends.
 */
export async function whileReceiving<T>(
  pending: PendingCollisionRepository,
  upload: string,
  now: () => string,
  read: () => Promise<T>,
): Promise<T> {
  await pending.receiving(upload, now());
  try {
    return await read();
  } finally {
    await pending.received(upload, now());
  }
}

/** What {@link startPendingCollision} did. */
export type BurstOutcome =
  | { readonly status: 'started'; readonly executionId: string; readonly kinds: readonly DatasetKind[] }
  /** Nothing was pending. */
  | { readonly status: 'idle' }
  /**
   * A burst is still going on: uploads marked it less than the quiet period ago, or `reading`
   * of its uploads are still being read.
   */
  | {
      readonly status: 'quiet';
      readonly dueAt: string;
      readonly kinds: readonly DatasetKind[];
      readonly reading?: number;
    };

/** What {@link startPendingCollision} needs. */
export interface BurstDeps {
  readonly pending: PendingCollisionRepository;
  readonly collisions: CollisionStarter;
  readonly now: () => string;
}

/** How a start is asked for. */
export interface BurstOptions {
  /** Seconds without a new mark before the burst counts as over. */
  readonly quietSeconds: number;
  /** The uploader said the folder is complete: start now, whatever the quiet period. */
  readonly force?: boolean;
}

/** How often a forced start re-reads an item that uploads keep marking before it gives up. */
const FORCED_CLAIM_ATTEMPTS = 5;

/**
 * Start the pending collision if its burst is over (or `force`): claim the pending item and
 * start one collision run over every kind it names (`detail.kinds`). Safe to call from
 * several places at once: only the caller whose claim succeeds starts a run. If the start
 * itself fails the kinds are marked again, so nothing is lost, and the error is rethrown.
 */
export async function startPendingCollision(deps: BurstDeps, options: BurstOptions): Promise<BurstOutcome> {
  for (let attempt = 1; ; attempt++) {
    const pending = await deps.pending.get();
    if (!pending) return { status: 'idle' };
    const dueAt = new Date(Date.parse(pending.lastMarkedAt) + options.quietSeconds * 1000).toISOString();
    if (!options.force) {
      if (dueAt > deps.now()) return { status: 'quiet', dueAt, kinds: pending.kinds };
      const reading = stillReading(pending, deps.now());
      if (reading > 0) return { status: 'quiet', dueAt, kinds: pending.kinds, reading };
    }
    if (!(await deps.pending.claim(pending.revision))) {
      // An upload marked it meanwhile (or another starter claimed it): the burst goes on.
      if (options.force && attempt < FORCED_CLAIM_ATTEMPTS) continue;
      const now = await deps.pending.get();
      return now
        ? { status: 'quiet', dueAt: options.force ? deps.now() : dueAt, kinds: now.kinds }
        : { status: 'idle' };
    }
    try {
      const executionId = await deps.collisions.start(PENDING_COLLISION_TRIGGER, {
        kinds: pending.kinds,
        firstMarkedAt: pending.firstMarkedAt,
        lastMarkedAt: pending.lastMarkedAt,
      });
      return { status: 'started', executionId, kinds: pending.kinds };
    } catch (error) {
      await deps.pending.mark(pending.kinds, pending.lastMarkedAt);
      throw error;
    }
  }
}

/** How many of the burst's uploads are still being read at `now` (stale ones don't count). */
function stillReading(pending: PendingCollision, now: string): number {
  const since = Date.parse(now) - RECEIVING_STALE_SECONDS * 1000;
  return (pending.receivingSince ?? []).filter((at) => Date.parse(at) > since).length;
}
