import * as z from 'zod';

/**
 * Thresholds and lists of every lead rule (CONTRACT.md §5). Money is in integer fen
 * (1 元 = 100 fen) like every amount of a normalized row; `enabled: false` switches a rule off.
 */
export interface RuleConfig {
  readonly R01: {
    readonly enabled: boolean;
    /** Months after the death month that are still tolerated (contract: the following month). */
    readonly graceMonths: number;
  };
  readonly R02: {
    readonly enabled: boolean;
    /** `housing_type` values that make a property disqualifying. */
    readonly housingTypes: readonly string[];
    /** `usage` values that make a property disqualifying. */
    readonly usages: readonly string[];
  };
  readonly R03: {
    readonly enabled: boolean;
    /** Vehicle classes that do NOT fire (working vehicles). */
    readonly exemptVehicleClasses: readonly string[];
  };
  readonly R04: {
    readonly enabled: boolean;
  };
  readonly R05: {
    readonly enabled: boolean;
    /** Registered capital at or above which an entity fires (inclusive), fen. */
    readonly minRegisteredCapital: number;
    /** Registration statuses of an entity still in business. */
    readonly activeStatuses: readonly string[];
  };
  readonly R06: {
    readonly enabled: boolean;
  };
  readonly R07: {
    readonly enabled: boolean;
    /** Social-insurance contribution base at or above which a month counts as employed (inclusive), fen. */
    readonly minContributionBase: number;
  };
  readonly R08: {
    readonly enabled: boolean;
  };
  readonly R09: {
    readonly enabled: boolean;
    /** `public_officials.category` of village cadres. */
    readonly cadreCategory: string;
  };
  readonly R10: {
    readonly enabled: boolean;
    /** `village_finance.category` of construction payments. */
    readonly category: string;
    /** Maximum span between the first and the last expense of a cluster, days (inclusive). */
    readonly windowDays: number;
    /** Each expense of a cluster is strictly below this, fen. */
    readonly singleBelow: number;
    /** A cluster fires when its total reaches this (inclusive), fen. */
    readonly totalAtLeast: number;
  };
  readonly R11: {
    readonly enabled: boolean;
    /** `village_finance.category` of hospitality. */
    readonly category: string;
    /** A village-year fires when its hospitality total is strictly above this, fen. */
    readonly yearlyCap: number;
    /** A village-year fires when one voucher is strictly above this, fen. */
    readonly voucherCap: number;
  };
  readonly R12: {
    readonly enabled: boolean;
  };
}

/** 元 → fen. */
const yuan = (value: number): number => value * 100;

/** The defaults of CONTRACT.md §5. */
export const DEFAULT_RULE_CONFIG: RuleConfig = Object.freeze({
  R01: { enabled: true, graceMonths: 1 },
  R02: { enabled: true, housingTypes: ['商品房'], usages: ['商业'] },
  R03: { enabled: true, exemptVehicleClasses: ['摩托车', '三轮汽车', '低速货车', '拖拉机'] },
  R04: { enabled: true },
  R05: { enabled: true, minRegisteredCapital: yuan(100_000), activeStatuses: ['存续', '在业'] },
  R06: { enabled: true },
  R07: { enabled: true, minContributionBase: yuan(3_000) },
  R08: { enabled: true },
  R09: { enabled: true, cadreCategory: '村干部' },
  R10: {
    enabled: true,
    category: '工程款',
    windowDays: 60,
    singleBelow: yuan(50_000),
    totalAtLeast: yuan(50_000),
  },
  R11: { enabled: true, category: '招待费', yearlyCap: yuan(5_000), voucherCap: yuan(1_000) },
  R12: { enabled: true },
});

const fen = z.number().int('must be an integer amount in fen').nonnegative('must not be negative');
const labels = z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'needs at least one value');
const enabled = z.boolean();

/** Each rule's override: any subset of its keys, unknown keys rejected (typos must not pass silently). */
const ruleOverrides = {
  R01: z.strictObject({ enabled, graceMonths: z.number().int().min(0).max(24) }).partial(),
  R02: z.strictObject({ enabled, housingTypes: labels, usages: labels }).partial(),
  R03: z.strictObject({ enabled, exemptVehicleClasses: z.array(z.string().trim().min(1)) }).partial(),
  R04: z.strictObject({ enabled }).partial(),
  R05: z.strictObject({ enabled, minRegisteredCapital: fen, activeStatuses: labels }).partial(),
  R06: z.strictObject({ enabled }).partial(),
  R07: z.strictObject({ enabled, minContributionBase: fen }).partial(),
  R08: z.strictObject({ enabled }).partial(),
  R09: z.strictObject({ enabled, cadreCategory: z.string().trim().min(1) }).partial(),
  R10: z
    .strictObject({
      enabled,
      category: z.string().trim().min(1),
      windowDays: z.number().int().min(1).max(3660),
      singleBelow: fen,
      totalAtLeast: fen,
    })
    .partial(),
  R11: z
    .strictObject({ enabled, category: z.string().trim().min(1), yearlyCap: fen, voucherCap: fen })
    .partial(),
  R12: z.strictObject({ enabled }).partial(),
};

/**
 * Validated, deep-partial overrides of {@link RuleConfig} (e.g. from an admin setting or an
 * environment variable holding JSON). Unknown rules or keys are errors.
 */
export const RuleConfigOverrides = z.strictObject(ruleOverrides).partial();
export type RuleConfigOverrides = z.infer<typeof RuleConfigOverrides>;

/** Thrown when rule-config overrides don't validate; `message` names every bad path. */
export class RuleConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
    this.name = 'RuleConfigError';
  }
}

/**
 * The effective rule configuration: {@link DEFAULT_RULE_CONFIG} with `overrides` merged in
 * rule by rule, key by key. Throws {@link RuleConfigError} listing every invalid path.
 */
export function resolveRuleConfig(overrides?: unknown): RuleConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_RULE_CONFIG;
  const parsed = RuleConfigOverrides.safeParse(overrides);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw new RuleConfigError(`Invalid rule configuration:\n${lines.join('\n')}`, issues);
  }
  const merged: Record<string, unknown> = {};
  for (const code of Object.keys(DEFAULT_RULE_CONFIG) as (keyof RuleConfig)[]) {
    merged[code] = { ...DEFAULT_RULE_CONFIG[code], ...(parsed.data[code] ?? {}) };
  }
  const config = merged as unknown as RuleConfig;
  // Cross-field sanity: a split-payment cluster must be able to reach its total with ≥ 2 expenses.
  if (config.R10.totalAtLeast > 0 && config.R10.singleBelow === 0) {
    throw new RuleConfigError('Invalid rule configuration:\nR10.singleBelow: must be above 0', [
      { path: 'R10.singleBelow', message: 'must be above 0' },
    ]);
  }
  return config;
}
