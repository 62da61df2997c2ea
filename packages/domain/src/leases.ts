/**
 * Leases: a named piece of work that must run once at a time across processes (Lambda
 * functions, local workers), e.g. the disclosure sync. A lease is taken for an owner until an
 * expiry; it is free again when its owner releases it or, if the owner died without releasing
 * it, once the expiry has passed. Times are whole epoch seconds (DynamoDB's TTL unit, so a
 * forgotten lease item is also removed by the table's TTL).
 */

/** Who holds a lease and until when. */
export interface Lease {
  /** The owner token given when the lease was taken (random per attempt). */
  readonly owner: string;
  /** Epoch seconds after which anyone may take the lease. */
  readonly expiresAt: number;
}

/** The outcome of {@link LeaseStore.acquire}. */
export type LeaseAttempt =
  | { readonly acquired: true }
  /** Someone else holds it (`holder`; absent when it was released between the attempt and the read). */
  | { readonly acquired: false; readonly holder?: Lease };

/** Storage of leases (one DynamoDB item each in AWS, written with conditions). */
export interface LeaseStore {
  /**
   * Take lease `name` for `owner` until `expiresAt` if nobody holds it or its holder's expiry is
   * before `now` (epoch seconds); atomic: of two concurrent attempts at most one succeeds.
   */
  acquire(name: string, owner: string, now: number, expiresAt: number): Promise<LeaseAttempt>;
  /** Move `owner`'s expiry to `expiresAt`; `false` when the lease is no longer `owner`'s. */
  renew(name: string, owner: string, expiresAt: number): Promise<boolean>;
  /** Give the lease up if `owner` still holds it; `false` (and nothing changes) otherwise. */
  release(name: string, owner: string): Promise<boolean>;
}
