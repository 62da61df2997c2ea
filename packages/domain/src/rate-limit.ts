import { TooManyRequestsError } from './errors.js';
import { keyedDigest } from './keys.js';

/**
 * Limits that hold across every API instance (a per-instance counter lets N instances take
 * N times the limit): counters live in the shared store, one per scope, address and
 * fixed window, and disappear with the window (DynamoDB TTL).
 *
 * A client address is never stored: the counter's key is an HMAC of scope, window and
 * address under the platform's address key (`PlatformKeys.addresses`), so counters of two
 * windows can't even be linked to each other, let alone to an address.
 */
export interface RateLimitStore {
  /** Add one to counter `key`, kept until `expiresAtMs` at least; resolves with the new count. */
  increment(key: string, expiresAtMs: number): Promise<number>;
  /** Claim `key` until `expiresAtMs`: `true` the first time, `false` for every later claim. */
  claimOnce(key: string, expiresAtMs: number): Promise<boolean>;
}

/** At most `max` requests per `windowSeconds` from one address. */
export interface RateLimit {
  readonly max: number;
  readonly windowSeconds: number;
}

/**
 * Count one request of `scope` from `address` and throw {@link TooManyRequestsError} (with
 * `retryAfterSeconds`) past the limit. `message` is what the caller reads (zh-CN).
 */
export async function enforceRateLimit(
  store: RateLimitStore,
  addressKey: Uint8Array,
  request: { readonly scope: string; readonly address: string; readonly nowMs: number },
  limit: RateLimit,
  message: string,
): Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  const window = Math.floor(request.nowMs / windowMs);
  const counter = keyedDigest(addressKey, `${request.scope}|${window}|${request.address}`).slice(0, 40);
  const windowEnd = (window + 1) * windowMs;
  const count = await store.increment(`${request.scope}#${counter}`, windowEnd);
  if (count > limit.max)
    throw new TooManyRequestsError(message, {
      retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - request.nowMs) / 1000)),
    });
}
