import { keyedDigest } from '../keys.js';
import { normalizePersonName } from '../normalize/name.js';

/**
 * The personal lookup (个人查询, CONTRACT.md §7): full name + ID number → that person's own
 * payments and their household's, nothing else. The index stores keyed digests under the
 * platform's lookup key (`PlatformKeys.lookup`), never an ID number or a name:
 *
 * - an entry's key digests ID number and normalized name together, so an unknown ID and a
 *   name that doesn't match are the same miss — nothing tells them apart;
 * - payments carry the digest of their recipient's ID (`person`), entries list the household
 *   members' digests.
 */

/**
 * A keyed digest as the index stores it: the HMAC's first 128 bits in base64url (22
 * characters). Enough that no two persons or entries of a county share one, a third of the
 * bytes of the full hex HMAC: a county's index holds a million of them.
 */
function shortDigest(key: Uint8Array, message: string): string {
  return Buffer.from(keyedDigest(key, message).slice(0, 32), 'hex').toString('base64url');
}

/** The digest a person's payments are filed under. */
export function personDigest(key: Uint8Array, idNumber: string): string {
  return shortDigest(key, `person|${idNumber.toUpperCase()}`);
}

/**
 * {@link personDigest} under `key`, each ID's computed once: a person is paid month after month
 * and a household's members list each other.
 */
export function personDigests(key: Uint8Array): (idNumber: string) => string {
  const digests = new Map<string, string>();
  return (id) => {
    let d = digests.get(id);
    if (d === undefined) {
      d = personDigest(key, id);
      digests.set(id, d);
    }
    return d;
  };
}

/** The key of a lookup entry: ID number and name as the person types them (normalized). */
export function lookupDigest(key: Uint8Array, idNumber: string, name: string): string {
  return shortDigest(key, `lookup|${idNumber.toUpperCase()}|${normalizePersonName(name)}`);
}

/** One entry of the lookup index. */
export interface LookupEntry {
  /** {@link lookupDigest} of ID number + name. */
  readonly key: string;
  /** {@link personDigest} of the person. */
  readonly person: string;
  /** {@link personDigest}s of the other members of the person's household (registry), sorted. */
  readonly household: readonly string[];
}

/** A person the index knows: ID, every name it was written with (each once), household number (registry). */
export interface LookupPerson {
  readonly idNumber: string;
  readonly names: readonly string[];
  readonly household?: string;
}

/**
 * The index entries of the persons who were paid, and of the other members of their
 * households (a household member sees the household's payments too). `paid` are the ID
 * numbers of disclosed payments.
 */
export function lookupEntries(
  key: Uint8Array,
  persons: ReadonlyMap<string, LookupPerson>,
  paid: ReadonlySet<string>,
  /** {@link personDigest} under `key`, remembered (a sync that filed payments has most already). */
  digestOf: (idNumber: string) => string = personDigests(key),
): LookupEntry[] {
  const households = new Map<string, string[]>();
  for (const p of persons.values())
    if (p.household) {
      const members = households.get(p.household);
      if (members) members.push(p.idNumber);
      else households.set(p.household, [p.idNumber]);
    }
  const entries = new Map<string, LookupEntry>();
  for (const p of persons.values()) {
    const members = p.household ? (households.get(p.household) ?? []) : [p.idNumber];
    if (!members.some((id) => paid.has(id))) continue;
    const own = digestOf(p.idNumber);
    const household = members
      .filter((id) => id !== p.idNumber)
      .map(digestOf)
      .sort();
    for (const name of p.names) {
      const entry = { key: lookupDigest(key, p.idNumber, name), person: own, household };
      entries.set(entry.key, entry);
    }
  }
  // By code unit, not locale (ICU collation of a million digests took seconds): the store
  // files entries by digest whatever their order; sorted so that equal indexes are equal lists.
  return [...entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
