import { describe, expect, it } from 'vitest';
import {
  addMonthsUtc,
  CadenceConfigError,
  DEFAULT_CADENCE_CONFIG,
  nextDueAt,
  resolveCadenceConfig,
  wholeDaysBetween,
} from '../../src/datasets/cadence.js';
import { DATASET_KINDS } from '../../src/kinds.js';

describe('cadence configuration', () => {
  it('has a default for every kind: payments monthly, registries quarterly, divisions yearly', () => {
    expect(Object.keys(DEFAULT_CADENCE_CONFIG).sort()).toEqual([...DATASET_KINDS].sort());
    expect(DEFAULT_CADENCE_CONFIG.subsidy_payments.cadence).toBe('monthly');
    expect(DEFAULT_CADENCE_CONFIG.village_finance.cadence).toBe('monthly');
    expect(DEFAULT_CADENCE_CONFIG.household_registry.cadence).toBe('quarterly');
    expect(DEFAULT_CADENCE_CONFIG.divisions.cadence).toBe('yearly');
  });

  it('merges overrides kind by kind and key by key', () => {
    const config = resolveCadenceConfig({
      subsidy_payments: { graceDays: 5, departments: ['civil-affairs'] },
      notices: { cadence: 'none' },
    });
    expect(config.subsidy_payments).toEqual({
      cadence: 'monthly',
      graceDays: 5,
      departments: ['civil-affairs'],
    });
    expect(config.notices.cadence).toBe('none');
    expect(config.household_registry).toEqual(DEFAULT_CADENCE_CONFIG.household_registry);
    expect(resolveCadenceConfig(undefined)).toBe(DEFAULT_CADENCE_CONFIG);
  });

  it('rejects unknown kinds, unknown keys and bad values, naming each path', () => {
    try {
      resolveCadenceConfig({
        subsidy_payment: { cadence: 'monthly' },
        village_finance: { cadence: 'weekly', graceDays: -1, everyone: true },
        notices: { departments: ['Civil Affairs'] },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CadenceConfigError);
      const paths = (error as CadenceConfigError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          '(root)',
          'village_finance.cadence',
          'village_finance.graceDays',
          'village_finance',
          'notices.departments.0',
        ]),
      );
    }
  });
});

describe('due dates', () => {
  it('adds calendar months in UTC, clamping to the end of shorter months', () => {
    expect(addMonthsUtc(new Date('2024-01-31T10:00:00Z'), 1).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(addMonthsUtc(new Date('2023-11-30T00:00:00Z'), 3).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(addMonthsUtc(new Date('2024-03-05T02:00:00Z'), 12).toISOString()).toBe('2025-03-05T02:00:00.000Z');
  });

  it('is one period after the last upload plus the grace days', () => {
    const monthly = { cadence: 'monthly' as const, graceDays: 10, departments: [] };
    expect(nextDueAt('2024-03-05T02:00:00Z', monthly)).toBe('2024-04-15T02:00:00.000Z');
    const quarterly = { cadence: 'quarterly' as const, graceDays: 0, departments: [] };
    expect(nextDueAt('2024-03-05T02:00:00Z', quarterly)).toBe('2024-06-05T02:00:00.000Z');
    expect(
      nextDueAt('2024-03-05T02:00:00Z', { cadence: 'none', graceDays: 0, departments: [] }),
    ).toBeUndefined();
  });

  it('counts whole days late, never negative', () => {
    expect(wholeDaysBetween('2024-04-15T02:00:00.000Z', '2024-04-20T01:59:59.000Z')).toBe(4);
    expect(wholeDaysBetween('2024-04-15T02:00:00.000Z', '2024-04-20T02:00:00.000Z')).toBe(5);
    expect(wholeDaysBetween('2024-04-15T02:00:00.000Z', '2024-04-01T00:00:00.000Z')).toBe(0);
  });
});
