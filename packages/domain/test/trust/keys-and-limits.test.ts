import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { subjectHash } from '../../src/audit.js';
import { TooManyRequestsError } from '../../src/errors.js';
import { derivePlatformKeys, newMasterSecret } from '../../src/keys.js';
import { enforceRateLimit, type RateLimitStore } from '../../src/rate-limit.js';

/** The port's contract in memory: counters and claims by key. */
function memoryStore(): RateLimitStore & { keys(): string[] } {
  const counters = new Map<string, number>();
  return {
    increment: async (key) => {
      const n = (counters.get(key) ?? 0) + 1;
      counters.set(key, n);
      return n;
    },
    claimOnce: async (key) => {
      if (counters.has(key)) return false;
      counters.set(key, 1);
      return true;
    },
    keys: () => [...counters.keys()],
  };
}

describe('platform keys', () => {
  it('derive one distinct key per purpose from the master secret, the same every time', () => {
    const master = newMasterSecret();
    expect(master).toMatch(/^[0-9a-f]{64}$/);
    const keys = derivePlatformKeys(master);
    const hex = Object.values(keys).map((k) => Buffer.from(k).toString('hex'));
    expect(hex.length).toBeGreaterThanOrEqual(6);
    expect(new Set(hex).size).toBe(hex.length);
    expect(derivePlatformKeys(master)).toEqual(keys);
    expect(derivePlatformKeys(newMasterSecret()).leadIds).not.toEqual(keys.leadIds);
  });

  it('key the audit subject hash: hashing a guessed ID number finds nothing', () => {
    const id = '430521194001010110';
    const keys = derivePlatformKeys('audit-test-master-secret-0123456789abcdef');
    const plain = createHash('sha256').update(`jiandu-audit|${id}`).digest('hex').slice(0, 32);
    expect(subjectHash(id, keys.audit)).toMatch(/^[0-9a-f]{32}$/);
    expect(subjectHash(id, keys.audit)).not.toBe(plain);
    expect(subjectHash(id, keys.audit)).toBe(subjectHash(id, keys.audit));
  });

  it('refuse a short master secret', () => {
    expect(() => derivePlatformKeys('too-short')).toThrow(/at least 32/);
  });
});

describe('enforceRateLimit', () => {
  const key = derivePlatformKeys('rate-limit-test-master-secret-0123456789').addresses;
  const limit = { max: 3, windowSeconds: 600 };
  const at = Date.parse('2024-03-01T02:00:00Z');

  it('refuses past the limit per address and window, with when to retry', async () => {
    const store = memoryStore();
    const hit = (address: string, nowMs = at) =>
      enforceRateLimit(store, key, { scope: 'file', address, nowMs }, limit, '提交过于频繁，请稍后再试');
    for (let i = 0; i < 3; i++) await hit('203.0.113.9');
    const refused = await hit('203.0.113.9').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).message).toBe('提交过于频繁，请稍后再试');
    expect((refused as TooManyRequestsError).details?.retryAfterSeconds).toBe(600);
    // Another address, and the next window, count afresh.
    await hit('198.51.100.7');
    await hit('203.0.113.9', at + 600_000);
  });

  it('never stores the address, and its counters of two windows are unlinkable', async () => {
    const store = memoryStore();
    await enforceRateLimit(store, key, { scope: 'file', address: '203.0.113.9', nowMs: at }, limit, 'x');
    await enforceRateLimit(
      store,
      key,
      { scope: 'file', address: '203.0.113.9', nowMs: at + 600_000 },
      limit,
      'x',
    );
    const [a, b] = store.keys();
    expect(store.keys().join()).not.toContain('203.0.113');
    expect(a?.split('#')[1]).not.toBe(b?.split('#')[1]);
  });
});
