import { createHash, createHmac } from 'node:crypto';
import type { RuleCode } from '../model.js';

/**
 * The lead id of a rule's subject: `R01-` + 20 lower-case hex characters (80 bits) of a
 * SHA-256 over `rule|subjectKey`. Deterministic (the same data gives the same id on every
 * run), URL-safe, and opaque: the subject key (which holds the ID number) can't be read back.
 *
 * ID numbers have little entropy (region + birth date + sequence), so a plain hash could be
 * brute-forced by someone who guesses the rest of the key. Pass a deployment `secret` to make
 * the id an HMAC instead; it must then stay the same for the life of the data.
 */
export function leadIdFor(rule: RuleCode, subjectKey: string, secret?: string): string {
  const message = `${rule}|${subjectKey}`;
  const digest =
    secret === undefined
      ? createHash('sha256').update(message, 'utf8').digest('hex')
      : createHmac('sha256', secret).update(message, 'utf8').digest('hex');
  return `${rule}-${digest.slice(0, 20)}`;
}

const LEAD_ID = /^R(0[1-9]|1[0-2])-[0-9a-f]{20}$/;

/** Whether `value` has the shape of a lead id (for validating path parameters). */
export function isLeadId(value: string): boolean {
  return LEAD_ID.test(value);
}
