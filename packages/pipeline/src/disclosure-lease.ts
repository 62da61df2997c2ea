/**
 * One disclosure sync at a time. The sync keeps state outside the table (`disclosure/state.json`,
 * the per-(year, shard) totals parts and sums in the data bucket) and diffs against what the
 * table holds, so two syncs interleaved (two overlapping executions, a redrive while the
 * previous sync still runs) could leave totals or lookup entries out of step with what is in
 * force, or mark units another sync's deletes just removed. Each sync therefore runs under a
 * lease; a sync that finds it held fails with {@link DisclosureSyncBusy}, which the workflow
 * retries with jittered back-off (`definition.ts`).
 *
 * Why wait and not skip: the sync that finds the lease held may carry versions in force that
 * the running one read before they existed (an upload or a withdrawal between the two starts).
 * Skipping it would leave the public projections behind until some later run; waiting runs it
 * after the holder, from the state the holder left, and it does only what changed since.
 */
import { randomUUID } from 'node:crypto';
import type { LeaseStore } from '@jiandu/domain/leases';
import type { PipelineDeps } from './deps.js';

/** The lease's name (its item is `keys.lease(name)`). */
export const DISCLOSURE_SYNC_LEASE = 'disclosure-sync';

/**
 * How long a sync's lease lasts without renewal: longer than the sync's function may run
 * (`TASK_TIMEOUT_SECONDS.SyncDisclosure`, 900 s; a test holds it to that), so a live sync
 * never loses its lease, and one whose function was ended without releasing it (a timeout, a
 * crash) frees it by itself this long after its last renewal.
 */
export const DISCLOSURE_SYNC_LEASE_SECONDS = 960;

/** A running sync extends its lease this often (only a sync that outlives the lease needs it). */
const RENEW_EVERY_SECONDS = DISCLOSURE_SYNC_LEASE_SECONDS / 3;

/** The error name the workflow's `Retry` of both sync states matches. */
export const DISCLOSURE_SYNC_BUSY = 'DisclosureSyncBusy';

/** Another sync holds the lease (or took it over from this one): run this sync again later. */
export class DisclosureSyncBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = DISCLOSURE_SYNC_BUSY;
  }
}

/** What running a sync under the lease needs. */
export interface DisclosureLeaseDeps extends Pick<PipelineDeps, 'log' | 'now'> {
  readonly leases: LeaseStore;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Run `sync` (the disclosure sync) holding the disclosure sync lease: taken before it starts
 * (or {@link DisclosureSyncBusy} thrown at once, nothing done), renewed while it runs,
 * released when it ends however it ends (only if still this run's: a lease that expired and
 * was taken by another sync is left to it). A sync that lost its lease while running fails
 * with {@link DisclosureSyncBusy} too, so the workflow runs it again after the other.
 */
export async function withDisclosureSyncLease<T>(
  deps: DisclosureLeaseDeps,
  sync: () => Promise<T>,
): Promise<T> {
  const owner = randomUUID();
  const now = seconds(deps.now());
  const attempt = await deps.leases.acquire(
    DISCLOSURE_SYNC_LEASE,
    owner,
    now,
    now + DISCLOSURE_SYNC_LEASE_SECONDS,
  );
  if (!attempt.acquired) {
    const until = attempt.holder ? new Date(attempt.holder.expiresAt * 1000).toISOString() : undefined;
    deps.log.info('disclosure sync waits: another sync holds the lease', { heldUntil: until });
    throw new DisclosureSyncBusy(
      `另一次公示同步正在进行${until ? `（租约最迟至 ${until}）` : ''}，本次同步将在其结束后自动重试。`,
    );
  }
  let lost = false;
  const renewal = setInterval(() => {
    deps.leases.renew(DISCLOSURE_SYNC_LEASE, owner, seconds(deps.now()) + DISCLOSURE_SYNC_LEASE_SECONDS).then(
      (renewed) => {
        if (!renewed) lost = true;
      },
      // A failed renewal is tried again at the next tick; the lease outlasts one miss.
      (error: unknown) => deps.log.warn('disclosure sync lease not renewed', { error: String(error) }),
    );
  }, RENEW_EVERY_SECONDS * 1000);
  renewal.unref();
  let released: boolean | undefined;
  let result: T;
  try {
    result = await sync();
  } finally {
    clearInterval(renewal);
    released = await deps.leases.release(DISCLOSURE_SYNC_LEASE, owner).catch((error: unknown) => {
      // Not released: the lease frees itself at its expiry; the sync's own outcome stands.
      deps.log.warn('disclosure sync lease not released', { error: String(error) });
      return undefined;
    });
  }
  // Not ours any more: it expired and another sync took it, which may have run beside this one.
  if (lost || released === false) {
    deps.log.warn('disclosure sync lost its lease while running; it runs again', {});
    throw new DisclosureSyncBusy('公示同步运行期间租约已被另一次同步接管，本次同步将自动重新运行。');
  }
  return result;
}
