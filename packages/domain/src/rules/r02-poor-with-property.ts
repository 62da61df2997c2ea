import * as z from 'zod';
import type { Finding } from '../model.js';
import { text } from './common.js';
import { defineRule, enabled, labels } from './define.js';
import {
  combinePovertyAssetPartials,
  evaluatePovertyAssets,
  householdKey,
  type PovertyAssetRule,
} from './poverty-assets.js';
import type { MatchInput, RuleSection } from './types.js';

/** R02's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** `housing_type` values that make a property disqualifying. */
  housingTypes: labels,
  /** `usage` values that make a property disqualifying. */
  usages: labels,
});
type Config = RuleSection<'R02', typeof schema.shape>;

function spec(config: Config): PovertyAssetRule<'property_records'> {
  return {
    rule: 'R02',
    assetKind: 'property_records',
    // 宅基地 and 自建房 are what rural households normally own: only the listed types/usages count.
    disqualifies: (asset) => {
      const housingType = text(asset, 'housing_type');
      const usage = text(asset, 'usage');
      return (
        (housingType !== undefined && config.R02.housingTypes.some((t) => housingType.includes(t))) ||
        (usage !== undefined && config.R02.usages.some((u) => usage.includes(u)))
      );
    },
    describe: (values) => {
      const kind = [values.housing_type, values.usage].filter((v) => v !== undefined && v !== null).join('/');
      return `${kind || '房产'}${values.address ? `（${values.address}）` : ''}`;
    },
  };
}

/**
 * R02 贫困户有房 (CONTRACT.md §5): a poverty-household member owns property whose
 * `housing_type` is one of `R02.housingTypes` (商品房) or whose `usage` is one of `R02.usages`
 * (商业), registered on or before 31 Dec of the household's exit year (any date if it has
 * not exited; an undated registration counts). One finding per poverty household
 * (`subjectKey` = `household_no`); amount = the means-tested payments to its members.
 */
export function evaluatePoorWithProperty(input: MatchInput, config: Config): Finding[] {
  if (!config.R02.enabled) return [];
  return evaluatePovertyAssets(spec(config), input);
}

/** R02 as a registered {@link Rule}. */
export const poorWithPropertyRule = defineRule({
  code: 'R02',
  key: 'POOR_WITH_PROPERTY',
  title: { zh: '贫困户有房', en: 'Poverty household owns property' },
  description: {
    zh: '建档立卡贫困户家庭成员名下有商品房或商业用房，且在脱贫当年年底前（未脱贫则任何时间）登记。',
    en: 'A poverty-household member owns commercial housing or business property registered before the exit year ended.',
  },
  reads: ['poverty_registry', 'property_records', 'subsidy_payments', 'household_registry'],
  evaluate: evaluatePoorWithProperty,
  combine: (partials, config) => combinePovertyAssetPartials(spec(config), partials),
  settings: {
    schema,
    defaults: { enabled: true, housingTypes: ['商品房'], usages: ['商业'] },
  },
  subjectKey: householdKey,
});
