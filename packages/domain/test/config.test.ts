import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULE_CONFIG,
  RuleConfigError,
  RuleConfigOverrides,
  resolveRuleConfig,
} from '../src/config.js';
import { RULES } from '../src/rules/registry.js';

describe('rule configuration', () => {
  it('has the contract defaults, money in fen', () => {
    expect(DEFAULT_RULE_CONFIG.R01.graceMonths).toBe(1);
    expect(DEFAULT_RULE_CONFIG.R05.minRegisteredCapital).toBe(10_000_000);
    expect(DEFAULT_RULE_CONFIG.R07.minContributionBase).toBe(300_000);
    expect(DEFAULT_RULE_CONFIG.R10).toMatchObject({
      windowDays: 60,
      singleBelow: 5_000_000,
      totalAtLeast: 5_000_000,
    });
    expect(DEFAULT_RULE_CONFIG.R11).toMatchObject({ yearlyCap: 500_000, voucherCap: 100_000 });
    expect(DEFAULT_RULE_CONFIG.R03.exemptVehicleClasses).toEqual([
      '摩托车',
      '三轮汽车',
      '低速货车',
      '拖拉机',
    ]);
    expect(Object.keys(DEFAULT_RULE_CONFIG)).toEqual(RULES.map((rule) => rule.code));
  });

  it('returns the defaults without overrides', () => {
    expect(resolveRuleConfig()).toEqual(DEFAULT_RULE_CONFIG);
    expect(resolveRuleConfig({})).toEqual(DEFAULT_RULE_CONFIG);
  });

  it('merges overrides key by key and leaves the defaults untouched', () => {
    const config = resolveRuleConfig({ R10: { windowDays: 30 }, R01: { enabled: false } });
    expect(config.R10).toEqual({ ...DEFAULT_RULE_CONFIG.R10, windowDays: 30 });
    expect(config.R01).toEqual({ enabled: false, graceMonths: 1 });
    expect(config.R07).toEqual(DEFAULT_RULE_CONFIG.R07);
    expect(DEFAULT_RULE_CONFIG.R10.windowDays).toBe(60);
  });

  it('rejects unknown rules, unknown keys and bad values, naming each path', () => {
    let error: unknown;
    try {
      resolveRuleConfig({
        R13: {},
        R05: { minRegisteredCapital: 12.5 },
        R10: { windowDay: 30 },
        R02: { usages: [] },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleConfigError);
    const paths = (error as RuleConfigError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['(root)', 'R02.usages', 'R05.minRegisteredCapital', 'R10']);
    expect((error as Error).message).toContain('R05.minRegisteredCapital: must be an integer amount in fen');
    expect(() => resolveRuleConfig({ R07: { minContributionBase: -1 } })).toThrow(/R07\.minContributionBase/);
    expect(() => resolveRuleConfig('{}')).toThrow(RuleConfigError);
  });

  it('exposes the overrides schema for API validation', () => {
    expect(RuleConfigOverrides.safeParse({ R11: { voucherCap: 80_000 } }).success).toBe(true);
    expect(RuleConfigOverrides.safeParse({ R11: { voucherCap: '800' } }).success).toBe(false);
  });
});
