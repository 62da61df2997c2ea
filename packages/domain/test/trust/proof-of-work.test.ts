import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivePlatformKeys } from '../../src/keys.js';
import {
  InvalidProofError,
  leadingZeroBits,
  newPowChallenge,
  solvePowChallenge,
  verifyPowProof,
} from '../../src/reports/proof-of-work.js';

const KEY = derivePlatformKeys('pow-test-master-secret-0123456789abcdef').challenges;
const NOW = Date.parse('2024-03-01T02:00:00Z');

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0, 0x0f, 0xff))).toBe(12);
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0, 0))).toBe(16);
  });

  it('accepts a solved challenge once verified, and names its nonce for the single-use claim', () => {
    const challenge = newPowChallenge(KEY, NOW, { difficulty: 10, ttlSeconds: 600 });
    expect(challenge.expiresAt).toBe('2024-03-01T02:10:00.000Z');
    const solution = solvePowChallenge(challenge);
    const verified = verifyPowProof(KEY, { challenge: challenge.challenge, solution }, NOW + 1000, 10);
    expect(verified.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(verified.expiresAtMs).toBe(NOW + 600_000);
  });

  it('refuses a wrong solution, an expired or forged challenge, and one easier than required', () => {
    const challenge = newPowChallenge(KEY, NOW, { difficulty: 12 });
    const solution = solvePowChallenge(challenge);
    const refuse = (proof: { challenge: string; solution: string }, now = NOW, min = 12) =>
      expect(() => verifyPowProof(KEY, proof, now, min)).toThrow(InvalidProofError);
    // A solution that isn't one (find a candidate with too few zero bits).
    let wrong = 'x';
    const bits = (s: string) =>
      leadingZeroBits(createHash('sha256').update(`${challenge.challenge}:${s}`).digest());
    while (bits(wrong) >= 12) wrong += 'x';
    refuse({ challenge: challenge.challenge, solution: wrong });
    refuse({ challenge: challenge.challenge, solution }, NOW + 601_000);
    const otherKey = derivePlatformKeys('another-county-master-secret-0123456789').challenges;
    const forged = newPowChallenge(otherKey, NOW, { difficulty: 12 });
    refuse({ challenge: forged.challenge, solution: solvePowChallenge(forged) });
    const easy = newPowChallenge(KEY, NOW, { difficulty: 1 });
    refuse({ challenge: easy.challenge, solution: solvePowChallenge(easy) });
    // Tampering with the payload (lower difficulty) breaks the signature.
    const [payload, sig] = challenge.challenge.split('.');
    const lowered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()), d: 1 }),
    ).toString('base64url');
    refuse({ challenge: `${lowered}.${sig}`, solution });
    expect(() => verifyPowProof(KEY, { challenge: 'garbage', solution }, NOW, 12)).toThrow(/验证/);
  });
});
