import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { RULE_CATALOG } from '../../src/rules/catalog.js';
import { evaluateRules, RULES, ruleByCode, rulesReading } from '../../src/rules/registry.js';
import { death, payment, resident, shard, validId } from './fixtures.js';

describe('rule registry', () => {
  it('lists each implemented rule once, named as in the catalogue', () => {
    expect(RULES.map((rule) => rule.code)).toEqual(['R01', 'R06', 'R08']);
    for (const rule of RULES) {
      expect(rule.key).toBe(RULE_CATALOG[rule.code].key);
      expect(rule.title).toEqual(RULE_CATALOG[rule.code].title);
      expect(rule.description.zh.length).toBeGreaterThan(0);
    }
    expect(ruleByCode('R06')?.key).toBe('DUPLICATE_PAYMENT');
    expect(ruleByCode('R12')).toBeUndefined();
  });

  it('knows which rules re-run when a kind changes', () => {
    expect(rulesReading('subsidy_payments').map((r) => r.code)).toEqual(['R01', 'R06', 'R08']);
    expect(rulesReading('death_records').map((r) => r.code)).toEqual(['R01', 'R08']);
    expect(rulesReading('household_registry').map((r) => r.code)).toEqual(['R08']);
    expect(rulesReading('notices')).toEqual([]);
  });

  it('runs every rule over one shard', () => {
    const id = validId('19400101', 1);
    const rows = [
      resident({ id: validId('19900101', 2), name: '王五' }),
      death({ id, date: '2023-01-05' }),
      payment({ id, period: '2023-06' }),
      payment({ id, period: '2023-06' }),
    ];
    const findings = evaluateRules(shard(rows), DEFAULT_RULE_CONFIG);
    // Dead (R01), paid twice in June (R06); R08 stays silent because death records count as registered.
    expect(findings.map((f) => [f.rule, f.amount])).toEqual([
      ['R01', 100_000],
      ['R06', 50_000],
    ]);
  });
});
