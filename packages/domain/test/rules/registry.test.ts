import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { RULE_CATALOG } from '../../src/rules/catalog.js';
import {
  evaluateRules,
  kindsReadByRecipient,
  RULES,
  ruleByCode,
  rulesReading,
} from '../../src/rules/registry.js';
import { death, payment, resident, shard, validId } from './fixtures.js';

describe('rule registry', () => {
  it('lists all twelve rules once, named as in the catalogue', () => {
    expect(RULES.map((rule) => rule.code)).toEqual(Object.keys(RULE_CATALOG));
    for (const rule of RULES) {
      expect(rule.key).toBe(RULE_CATALOG[rule.code].key);
      expect(rule.title).toEqual(RULE_CATALOG[rule.code].title);
      expect(rule.description.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.description.en).toMatch(/^[\x20-\x7e’]+$/);
    }
    expect(ruleByCode('R06')?.key).toBe('DUPLICATE_PAYMENT');
    expect(ruleByCode('R12')?.key).toBe('CONTRACTOR_RELATED');
  });

  it('knows which rules re-run when a kind changes', () => {
    const codes = (kind: Parameters<typeof rulesReading>[0]) => rulesReading(kind).map((r) => r.code);
    expect(codes('subsidy_payments')).toEqual(['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08']);
    expect(codes('death_records')).toEqual(['R01', 'R08']);
    // Lost IDs are recovered against the registry, so every person rule on payments reads it.
    expect(codes('household_registry')).toEqual([
      'R01',
      'R02',
      'R03',
      'R04',
      'R05',
      'R06',
      'R07',
      'R08',
      'R09',
      'R12',
    ]);
    expect(codes('village_finance')).toEqual(['R09', 'R10', 'R11']);
    expect(codes('property_records')).toEqual(['R02']);
    expect(codes('vehicle_records')).toEqual(['R03']);
    expect(codes('social_insurance')).toEqual(['R07']);
    expect(codes('market_entities')).toEqual(['R05', 'R12']);
    expect(codes('public_officials')).toEqual(['R04', 'R09', 'R12']);
    expect(codes('fiscal_payroll')).toEqual(['R04']);
    expect(codes('livelihood_projects')).toEqual(['R12']);
    expect(codes('notices')).toEqual([]);
  });

  it('skips a kind unread only when every rule reading it looks it up by payment alone', () => {
    expect(kindsReadByRecipient()).toEqual(['death_records', 'social_insurance']);
    const r01 = ruleByCode('R01');
    const r07 = ruleByCode('R07');
    if (!r01 || !r07) throw new Error('R01 and R07 are registered');
    expect(kindsReadByRecipient([r07])).toEqual(['social_insurance']);
    // A rule that reads deaths some other way keeps every death row read.
    const other = { ...r01, code: 'RX', byRecipient: [] };
    expect(kindsReadByRecipient([r01, r07, other])).toEqual(['social_insurance']);
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

  it('derives the configuration from the rules: each section is its rule’s defaults, valid under its schema', () => {
    expect(Object.keys(DEFAULT_RULE_CONFIG)).toEqual(RULES.map((rule) => rule.code));
    for (const rule of RULES) {
      expect(DEFAULT_RULE_CONFIG[rule.code]).toBe(rule.settings.defaults);
      expect(rule.settings.schema.parse(rule.settings.defaults)).toEqual(rule.settings.defaults);
    }
    // A rule's own cross-field check runs on the merged section and names the full path.
    expect(() => resolveRuleConfig({ R10: { singleBelow: 0 } })).toThrow(/R10\.singleBelow: must be above 0/);
    expect(resolveRuleConfig({ R10: { singleBelow: 0, totalAtLeast: 0 } }).R10.singleBelow).toBe(0);
  });

  it('gives each rule one subject-key function, the one its findings use', () => {
    const id = validId('19400101', 1);
    const [finding] = evaluateRules(
      shard([death({ id, date: '2023-01-05' }), payment({ id, period: '2023-06' })]),
      DEFAULT_RULE_CONFIG,
    );
    expect(finding?.subjectKey).toBe(ruleByCode('R01')?.subjectKey(id, 'DIBAO_RURAL'));
  });
});
