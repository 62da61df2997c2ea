import * as z from 'zod';
import type { Finding } from '../model.js';
import { text } from './common.js';
import { defineRule, enabled, label } from './define.js';
import {
  combinePovertyAssetPartials,
  evaluatePovertyAssets,
  householdKey,
  type PovertyAssetRule,
} from './poverty-assets.js';
import type { MatchInput, RuleSection } from './types.js';

/** R03's settings (its section of the rule configuration). */
const schema = z.strictObject({
  enabled,
  /** Vehicle classes that do NOT fire (working vehicles). */
  exemptVehicleClasses: z.array(label),
});
type Config = RuleSection<'R03', typeof schema.shape>;

function spec(config: Config): PovertyAssetRule<'vehicle_records'> {
  return {
    rule: 'R03',
    assetKind: 'vehicle_records',
    // Working vehicles (摩托车, 三轮汽车, 低速货车, 拖拉机 and their variants such as 轮式拖拉机)
    // don't count; a vehicle without a class can't be judged and doesn't either.
    disqualifies: (asset) => {
      const vehicleClass = text(asset, 'vehicle_class');
      return (
        vehicleClass !== undefined &&
        !config.R03.exemptVehicleClasses.some((exempt) => vehicleClass.includes(exempt))
      );
    },
    describe: (values) => `${values.vehicle_class ?? '机动车'}${values.plate ? `（${values.plate}）` : ''}`,
  };
}

/**
 * R03 贫困户有车 (CONTRACT.md §5): as R02, with a vehicle whose class is none of
 * `R03.exemptVehicleClasses` (摩托车/三轮汽车/低速货车/拖拉机, matched as parts of the class).
 * One finding per poverty household (`subjectKey` = `household_no`).
 */
export function evaluatePoorWithVehicle(input: MatchInput, config: Config): Finding[] {
  if (!config.R03.enabled) return [];
  return evaluatePovertyAssets(spec(config), input);
}

/** R03 as a registered {@link Rule}. */
export const poorWithVehicleRule = defineRule({
  code: 'R03',
  key: 'POOR_WITH_VEHICLE',
  title: { zh: '贫困户有车', en: 'Poverty household owns a vehicle' },
  description: {
    zh: '建档立卡贫困户家庭成员名下有机动车（摩托车、三轮汽车、低速货车、拖拉机除外），且在脱贫当年年底前（未脱贫则任何时间）登记。',
    en: 'A poverty-household member owns a vehicle other than a motorcycle, tricycle, low-speed truck or tractor.',
  },
  reads: ['poverty_registry', 'vehicle_records', 'subsidy_payments', 'household_registry'],
  evaluate: evaluatePoorWithVehicle,
  combine: (partials, config) => combinePovertyAssetPartials(spec(config), partials),
  settings: {
    schema,
    defaults: { enabled: true, exemptVehicleClasses: ['摩托车', '三轮汽车', '低速货车', '拖拉机'] },
  },
  subjectKey: householdKey,
});
