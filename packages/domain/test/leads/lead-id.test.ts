import { describe, expect, it } from 'vitest';
import { isLeadId, leadIdFor } from '../../src/leads/lead-id.js';
import { PERSON } from './findings.js';

describe('leadIdFor', () => {
  it('is stable, URL-safe and rule-prefixed', () => {
    const id = leadIdFor('R01', `${PERSON}|DIBAO_RURAL`);
    expect(id).toBe(leadIdFor('R01', `${PERSON}|DIBAO_RURAL`));
    expect(id).toMatch(/^R01-[0-9a-f]{20}$/);
    expect(encodeURIComponent(id)).toBe(id);
    expect(isLeadId(id)).toBe(true);
    expect(isLeadId(`R01-${PERSON}`)).toBe(false);
  });

  it('differs by rule, by subject and by secret', () => {
    const ids = new Set([
      leadIdFor('R01', `${PERSON}|DIBAO_RURAL`),
      leadIdFor('R08', `${PERSON}|DIBAO_RURAL`),
      leadIdFor('R01', `${PERSON}|GAOLING`),
      leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, 'county-secret'),
      leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, 'other-secret'),
    ]);
    expect(ids.size).toBe(5);
  });

  it('does not reveal the ID number or any run of its digits', () => {
    const id = leadIdFor('R01', `${PERSON}|DIBAO_RURAL`);
    expect(id).not.toContain(PERSON);
    // No 6-digit run of the ID (its region code or birth year block) leaks into the id.
    for (let i = 0; i + 6 <= PERSON.length; i++) expect(id).not.toContain(PERSON.slice(i, i + 6));
  });
});
