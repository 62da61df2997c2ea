import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { keyedDigest } from '../keys.js';

/**
 * A small proof of work for anonymous filing, instead of a third-party CAPTCHA (unreachable
 * in many counties, and a third party that sees every reporter). The API hands out a signed
 * challenge; the reporter's browser searches a `solution` such that
 * `SHA-256("{challenge}:{solution}")` starts with `difficulty` zero bits (2^difficulty hashes
 * on average: about a second on a phone at 18 bits) and files with it. Each challenge is
 * accepted once and only until it expires. Nothing in it identifies the reporter: it is a
 * random nonce, an expiry and the difficulty, signed with the platform's challenge key.
 */

/** What the API hands out and the filer sends back. */
export interface PowChallenge {
  /** Opaque: `{base64url payload}.{signature}`. */
  readonly challenge: string;
  /** Leading zero bits the solution's hash needs. */
  readonly difficulty: number;
  /** ISO instant after which the challenge is refused. */
  readonly expiresAt: string;
}

/** A verified challenge: what the caller must mark as used (single use). */
export interface VerifiedProof {
  /** The challenge's random nonce (the key to claim once). */
  readonly nonce: string;
  /** When the challenge expires (ms since epoch): the claim need not outlive it. */
  readonly expiresAtMs: number;
}

/** Defaults: 18 bits (~260k hashes), valid for 10 minutes. */
export const DEFAULT_POW = { difficulty: 18, ttlSeconds: 600 } as const;

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const signature = (key: Uint8Array, payload: string) => keyedDigest(key, `pow|${payload}`).slice(0, 32);

/** A new challenge signed with `key` (`PlatformKeys.challenges`). */
export function newPowChallenge(
  key: Uint8Array,
  nowMs: number,
  options: { readonly difficulty?: number; readonly ttlSeconds?: number } = {},
  random: (size: number) => Uint8Array = randomBytes,
): PowChallenge {
  const difficulty = options.difficulty ?? DEFAULT_POW.difficulty;
  const expiresAtMs = nowMs + (options.ttlSeconds ?? DEFAULT_POW.ttlSeconds) * 1000;
  const payload = b64url(
    JSON.stringify({ n: Buffer.from(random(16)).toString('hex'), e: expiresAtMs, d: difficulty }),
  );
  return {
    challenge: `${payload}.${signature(key, payload)}`,
    difficulty,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

/** Leading zero bits of a byte string. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

function proofHash(challenge: string, solution: string): Uint8Array {
  return createHash('sha256').update(`${challenge}:${solution}`, 'utf8').digest();
}

/** Search a solution (what a browser does; tests and the CLI use it). */
export function solvePowChallenge(challenge: PowChallenge): string {
  for (let n = 0; ; n++) {
    const solution = n.toString(36);
    if (leadingZeroBits(proofHash(challenge.challenge, solution)) >= challenge.difficulty) return solution;
  }
}

/** The proof is missing, forged, expired or not enough work (HTTP 400 naming `proof`). */
export class InvalidProofError extends ValidationError {
  constructor(message: string) {
    super(message, { field: 'proof' });
  }
}

/**
 * Check a proof: the challenge is ours (signature), unexpired, asks at least
 * `minDifficulty` bits, and the solution's hash has that many leading zero bits. Returns the
 * nonce the caller must claim once; throws {@link InvalidProofError} otherwise.
 */
export function verifyPowProof(
  key: Uint8Array,
  proof: { readonly challenge: string; readonly solution: string },
  nowMs: number,
  minDifficulty: number,
): VerifiedProof {
  const [payload, sig, extra] = proof.challenge.split('.');
  const expected = payload ? signature(key, payload) : '';
  if (
    !payload ||
    !sig ||
    extra !== undefined ||
    sig.length !== expected.length ||
    !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))
  )
    throw new InvalidProofError('验证信息无效，请刷新页面后重新提交');
  let parsed: { n?: unknown; e?: unknown; d?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidProofError('验证信息无效，请刷新页面后重新提交');
  }
  const { n, e, d } = parsed;
  if (typeof n !== 'string' || typeof e !== 'number' || typeof d !== 'number')
    throw new InvalidProofError('验证信息无效，请刷新页面后重新提交');
  if (nowMs > e) throw new InvalidProofError('验证已过期，请刷新页面后重新提交');
  if (d < minDifficulty) throw new InvalidProofError('验证信息无效，请刷新页面后重新提交');
  if (proof.solution.length > 64 || leadingZeroBits(proofHash(proof.challenge, proof.solution)) < d)
    throw new InvalidProofError('验证计算结果不正确，请刷新页面后重新提交');
  return { nonce: n, expiresAtMs: e };
}
