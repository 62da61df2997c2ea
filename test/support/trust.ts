/**
 * Test doubles of the trust ports: fixed platform keys (never a deployment's) and the
 * cross-instance rate-limit store in memory, plus a filer that solves the proof of work.
 */
import { derivePlatformKeys } from '@jiandu/domain/keys';
import type { RateLimitStore } from '@jiandu/domain/rate-limit';
import { type PowChallenge, solvePowChallenge } from '@jiandu/domain/reports/proof-of-work';

/** The platform keys of the tests. */
export const TEST_KEYS = derivePlatformKeys('jiandu-test-master-secret-0123456789abcdef');

/** Proof-of-work difficulty in API tests: real work, but quick. */
export const TEST_POW_BITS = 6;

/** Counters and claims in memory, shared by every app built on the same instance (like DynamoDB). */
export class MemoryRateLimits implements RateLimitStore {
  readonly counters = new Map<string, number>();
  async increment(key: string) {
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return n;
  }
  async claimOnce(key: string) {
    if (this.counters.has(key)) return false;
    this.counters.set(key, 1);
    return true;
  }
}

/**
 * A solved proof of work for a public filing: fetches a challenge through `request` (an
 * app's `request` or `fetch` bound to its base URL) and solves it as a browser would.
 */
export async function solvedProof(
  request: (path: string) => Promise<Response>,
): Promise<{ challenge: string; solution: string }> {
  const res = await request('/api/v1/public/reports/challenge');
  if (res.status !== 200) throw new Error(`challenge: HTTP ${res.status}`);
  const challenge = (await res.json()) as PowChallenge;
  return { challenge: challenge.challenge, solution: solvePowChallenge(challenge) };
}
