import { createHash } from 'node:crypto';
import { keyedDigest } from '../keys.js';
import type { RuleCode } from '../model.js';

/**
 * The lead id of a rule's subject: `R01-` + 20 lower-case hex characters (80 bits) of an
 * HMAC-SHA-256 over `rule|subjectKey` under the platform's lead-id key
 * (`PlatformKeys.leadIds`). Deterministic (the same data gives the same id on every run),
 * URL-safe, and opaque: the subject key holds the ID number, and ID numbers have so little
 * entropy (region + birth date + sequence) that a plain hash is reversed in seconds; without
 * the key the id can't be computed from a guessed ID number at all.
 */
export function leadIdFor(rule: RuleCode, subjectKey: string, key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length < 16) throw new Error('leadIdFor needs the lead-id key');
  return `${rule}-${keyedDigest(key, `${rule}|${subjectKey}`).slice(0, 20)}`;
}

/**
 * The unkeyed id earlier releases gave a subject (plain SHA-256). Only the re-keying
 * migration uses it, to recognise leads still stored under such an id.
 */
export function legacyLeadIdFor(rule: RuleCode, subjectKey: string): string {
  return `${rule}-${createHash('sha256').update(`${rule}|${subjectKey}`, 'utf8').digest('hex').slice(0, 20)}`;
}

const LEAD_ID = /^R(0[1-9]|1[0-2])-[0-9a-f]{20}$/;

/** Whether `value` has the shape of a lead id (for validating path parameters). */
export function isLeadId(value: string): boolean {
  return LEAD_ID.test(value);
}
