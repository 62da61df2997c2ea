/**
 * The trial's case (issue 9 §2) as test data: a poor household, and a traffic-police vehicle
 * export whose owner-ID column no alias knows — two ID columns whose headers don't say whose
 * they are, so the platform must ask (`needs_mapping`). Mapped, it fires R03 (贫困户有车).
 */
import { testId } from './ids.js';

export const POOR = testId('1970-01-01', 11);
export const CLERK = testId('1980-02-02', 22);

export const povertyRegistry = [
  '户编号,证件号码,姓名,与户主关系,乡镇,村,脱贫状态,识别年度,脱贫年度',
  `P001,${POOR},王建国,户主,青山镇,红星村,未脱贫,2015,`,
].join('\n');

export const vehiclesWithUnplacedId = [
  '号牌号码,机动车所有人,号码一,号码二,车辆类型,初次登记日期',
  `湘H·A1234,王建国,${POOR},${CLERK},小型轿车,2020-06-18`,
].join('\n');
