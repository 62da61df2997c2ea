import { createHmac, randomBytes } from 'node:crypto';

/**
 * The platform's keyed digests. Everything derived from low-entropy personal data (ID
 * numbers: region + birth date + sequence, ~10⁷ per county) or from short codes a person
 * types (receipt codes) is an HMAC under a secret, never a plain hash: without the secret a
 * stored value can't be brute-forced back to the number or the code.
 *
 * One master secret (Secrets Manager, created by CDK; locally generated once under the data
 * folder) is split into one key per purpose, so a digest of one kind can never be replayed
 * as another. The master secret must stay the same for the life of the data: lead ids,
 * receipt lookups and audit subject hashes all depend on it.
 */
export interface PlatformKeys {
  /** Lead ids (`R01-` + HMAC of rule and subject key). */
  readonly leadIds: Uint8Array;
  /** Stored receipt-code digests. */
  readonly receipts: Uint8Array;
  /** Audit subject hashes of looked-up ID numbers. */
  readonly audit: Uint8Array;
  /** Signatures of proof-of-work challenges. */
  readonly challenges: Uint8Array;
  /** Rate-limit counter keys of client addresses (never stored in the clear). */
  readonly addresses: Uint8Array;
  /** The personal lookup index of disclosed payments (ID number + name → household), never the ID itself. */
  readonly lookup: Uint8Array;
}

/** The purposes of {@link PlatformKeys}. */
export type KeyPurpose = keyof PlatformKeys;

const PURPOSES: readonly KeyPurpose[] = ['leadIds', 'receipts', 'audit', 'challenges', 'addresses', 'lookup'];

/** Fewest characters of a master secret (CDK generates 64, the local platform 64 hex). */
export const MIN_MASTER_SECRET_LENGTH = 32;

/** Split a master secret into one key per purpose (HMAC-SHA-256 of the purpose's label). */
export function derivePlatformKeys(masterSecret: string): PlatformKeys {
  if (masterSecret.length < MIN_MASTER_SECRET_LENGTH)
    throw new Error(`The platform secret must be at least ${MIN_MASTER_SECRET_LENGTH} characters`);
  const keys = Object.fromEntries(
    PURPOSES.map((p) => [
      p,
      new Uint8Array(createHmac('sha256', masterSecret).update(`jiandu-key|${p}`).digest()),
    ]),
  );
  return keys as unknown as PlatformKeys;
}

/** A new random master secret (64 hex characters, 256 bits). */
export function newMasterSecret(random: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(32)).toString('hex');
}

/** HMAC-SHA-256 of `message` under `key`, lower-case hex. */
export function keyedDigest(key: Uint8Array, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}
