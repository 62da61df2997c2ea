/**
 * The filing's proof of work as the API checks it (packages/domain/src/reports/proof-of-work.ts):
 * a `solution` such that SHA-256("{challenge}:{solution}") starts with `difficulty` zero bits.
 * The search runs in a worker (pow-worker.ts) so the page keeps answering taps meanwhile.
 */
// Not crypto.subtle: it exists only in secure contexts (a county's own host may serve the page
// over plain HTTP) and is asynchronous per hash, far too slow for the ~260k hashes a challenge
// needs. @noble/hashes is audited, dependency-free and ~3 KB for SHA-256.
import { sha256 } from '@noble/hashes/sha2.js';

/** What the worker is asked and answers. */
export interface PowTask {
  readonly challenge: string;
  readonly difficulty: number;
}

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/** Search the first solution (base-36 counter, like the domain's own solver). */
export function solvePow(task: PowTask): string {
  const encoder = new TextEncoder();
  for (let n = 0; ; n++) {
    const solution = n.toString(36);
    if (leadingZeroBits(sha256(encoder.encode(`${task.challenge}:${solution}`))) >= task.difficulty)
      return solution;
  }
}
