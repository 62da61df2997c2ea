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
}

/** Storage of the one pending collision (a single DynamoDB item in AWS). */
export interface PendingCollisionRepository {
  /** Add `kinds` to the pending collision (creating it), set `lastMarkedAt`, bump the revision; atomic. */
  mark(kinds: readonly DatasetKind[], at: string): Promise<PendingCollision>;
  get(): Promise<PendingCollision | undefined>;
  /** Remove the pending collision if its revision is still `revision`; `false` when it changed or is gone. */
  claim(revision: number): Promise<boolean>;
}

/** What {@link startPendingCollision} did. */
export type BurstOutcome =
  | { readonly status: 'started'; readonly executionId: string; readonly kinds: readonly DatasetKind[] }
  /** Nothing was pending. */
  | { readonly status: 'idle' }
  /** A burst is still going on: uploads marked it less than the quiet period ago. */
  | { readonly status: 'quiet'; readonly dueAt: string; readonly kinds: readonly DatasetKind[] };

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
    if (!options.force && dueAt > deps.now()) return { status: 'quiet', dueAt, kinds: pending.kinds };
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
