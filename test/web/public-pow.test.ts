import { createHash } from 'node:crypto';
import { newPowChallenge, verifyPowProof } from '@jiandu/domain/reports/proof-of-work';
import { describe, expect, it } from 'vitest';
import { solvePow } from '../../packages/web-public/src/pow.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

// The villagers' page solves the filing's proof of work in the browser (no crypto.subtle on a
// plain-HTTP county host): its solutions must be what the API verifies.
describe("villagers' page proof of work", () => {
  it("finds a solution the API's verifier accepts", () => {
    const key = new Uint8Array(32).fill(7);
    const now = Date.parse('2026-12-02T00:00:00Z');
    const challenge = newPowChallenge(key, now, { difficulty: 12 });
    const solution = solvePow(challenge);
    expect(verifyPowProof(key, { challenge: challenge.challenge, solution }, now, 12).nonce).toMatch(
      /^[0-9a-f]{32}$/,
    );
    // A solution short of the work is refused (the first counter value whose hash has < 12 zero bits).
    const zeroBits = (s: string) => {
      const hex = Buffer.from(sha256(new TextEncoder().encode(`${challenge.challenge}:${s}`))).toString(
        'hex',
      );
      return hex.match(/^0*/)?.[0].length ?? 0;
    };
    const short = ['a', 'b', 'c', 'd'].find((s) => zeroBits(s) < 3) as string;
    expect(() => verifyPowProof(key, { challenge: challenge.challenge, solution: short }, now, 12)).toThrow(
      '验证计算结果不正确',
    );
  });
});
