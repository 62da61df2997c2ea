import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivePlatformKeys } from '../../src/keys.js';
import { isLeadId, leadIdFor, legacyLeadIdFor } from '../../src/leads/lead-id.js';
import { PERSON, TEST_KEYS } from './findings.js';

const KEY = TEST_KEYS.leadIds;

describe('leadIdFor', () => {
  it('is stable, URL-safe and rule-prefixed', () => {
    const id = leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, KEY);
    expect(id).toBe(leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, KEY));
    expect(id).toMatch(/^R01-[0-9a-f]{20}$/);
    expect(encodeURIComponent(id)).toBe(id);
    expect(isLeadId(id)).toBe(true);
    expect(isLeadId(`R01-${PERSON}`)).toBe(false);
  });

  it('differs by rule, by subject and by key', () => {
    const other = derivePlatformKeys('another-county-master-secret-0123456789').leadIds;
    const ids = new Set([
      leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, KEY),
      leadIdFor('R08', `${PERSON}|DIBAO_RURAL`, KEY),
      leadIdFor('R01', `${PERSON}|GAOLING`, KEY),
      leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, other),
    ]);
    expect(ids.size).toBe(4);
  });

  it('refuses to compute an id without a key', () => {
    expect(() => leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, undefined as unknown as Uint8Array)).toThrow(
      /key/,
    );
  });

  it('does not reveal the ID number or any run of its digits', () => {
    const id = leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, KEY);
    expect(id).not.toContain(PERSON);
    for (let i = 0; i + 6 <= PERSON.length; i++) expect(id).not.toContain(PERSON.slice(i, i + 6));
  });

  it('cannot be reversed by hashing guessed ID numbers (the attack on the old ids)', () => {
    // The old id was SHA-256 of `rule|subjectKey`: guessing the ID number found it at once.
    const guess = (id: string) =>
      `R01-${createHash('sha256').update(`R01|${id}|DIBAO_RURAL`).digest('hex').slice(0, 20)}`;
    expect(legacyLeadIdFor('R01', `${PERSON}|DIBAO_RURAL`)).toBe(guess(PERSON));
    expect(leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, KEY)).not.toBe(guess(PERSON));
  });
});
