import { describe, expect, it } from 'vitest';
import { dateOf, evidenceOf, text } from '../../src/rules/common.js';
import { death, validId } from './fixtures.js';

describe('typed column reads', () => {
  const row = death({ id: validId('19400101', 1), date: '2023-01-05', source: '火化' });

  it('reads the columns the row’s kind declares', () => {
    expect(text(row, 'source')).toBe('火化');
    expect(dateOf(row, 'death_date')).toBe('2023-01-05');
    expect(evidenceOf(row, ['death_date', 'source']).values).toEqual({
      death_date: '2023-01-05',
      source: '火化',
    });
  });

  it('does not compile a column the kind does not have (a typo used to read undefined silently)', () => {
    // @ts-expect-error: death records have no `deathdate` column.
    expect(text(row, 'deathdate')).toBeUndefined();
    // @ts-expect-error: `recipient_name` is a subsidy payment's column.
    expect(evidenceOf(row, ['recipient_name']).values).toEqual({});
  });
});
