import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { chinaDay, endOfChinaDay, endOfChinaDayAfter, isCalendarDay, startOfChinaDay } from '../src/time.js';

describe('China Standard Time', () => {
  it('chinaDay is the Beijing calendar day', () => {
    expect(chinaDay('2024-03-15T15:59:59Z')).toBe('2024-03-15');
    expect(chinaDay('2024-03-15T16:00:00Z')).toBe('2024-03-16');
    expect(() => chinaDay('yesterday')).toThrow(ValidationError);
  });

  it('counts days from the CST calendar day, also late in the evening', () => {
    // 23:30 CST on 1 March is still 1 March.
    expect(endOfChinaDayAfter('2024-03-01T15:30:00.000Z', 3)).toBe('2024-03-04T15:59:59.999Z');
    // 00:30 CST on 2 March is 2 March.
    expect(endOfChinaDayAfter('2024-03-01T16:30:00.000Z', 3)).toBe('2024-03-05T15:59:59.999Z');
  });

  it('bounds a CST day in UTC instants, across month ends and leap days', () => {
    expect(startOfChinaDay('2024-03-01')).toBe('2024-02-29T16:00:00.000Z');
    expect(startOfChinaDay('2024-02-29', 1)).toBe('2024-02-29T16:00:00.000Z');
    expect(endOfChinaDay('2024-02-29')).toBe('2024-02-29T15:59:59.999Z');
    expect(chinaDay(startOfChinaDay('2024-12-31'))).toBe('2024-12-31');
    expect(chinaDay(endOfChinaDay('2024-12-31'))).toBe('2024-12-31');
  });

  it('knows real calendar days', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2023-02-29')).toBe(false);
    expect(isCalendarDay('2024-2-1')).toBe(false);
    expect(isCalendarDay('2024-02-01T00:00:00Z')).toBe(false);
  });
});
