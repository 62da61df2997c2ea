import type { RuleCode } from '../model.js';
import type { Bilingual } from './types.js';

/** Names of all twelve rules of CONTRACT.md §5, implemented or not (for UI, exports and reports). */
export const RULE_CATALOG: Readonly<Record<RuleCode, { readonly key: string; readonly title: Bilingual }>> = {
  R01: { key: 'DECEASED_RECIPIENT', title: { zh: '死亡人员领取补贴', en: 'Deceased person still paid' } },
  R02: { key: 'POOR_WITH_PROPERTY', title: { zh: '贫困户有房', en: 'Poverty household owns property' } },
  R03: { key: 'POOR_WITH_VEHICLE', title: { zh: '贫困户有车', en: 'Poverty household owns a vehicle' } },
  R04: {
    key: 'OFFICIAL_RECIPIENT',
    title: { zh: '公职人员及家属享受低保', en: 'Official or family receives means-tested aid' },
  },
  R05: {
    key: 'BUSINESS_OWNER_RECIPIENT',
    title: { zh: '经营主体享受低保/贫困', en: 'Business owner receives means-tested aid' },
  },
  R06: { key: 'DUPLICATE_PAYMENT', title: { zh: '重复领取', en: 'Duplicate payment' } },
  R07: {
    key: 'EMPLOYED_RECIPIENT',
    title: { zh: '有稳定收入享受低保', en: 'Recipient with stable income' },
  },
  R08: {
    key: 'UNREGISTERED_RECIPIENT',
    title: { zh: '虚报冒领', en: 'Unregistered or mismatched recipient' },
  },
  R09: {
    key: 'CADRE_RELATED_PAYEE',
    title: { zh: '村级财务优亲厚友', en: 'Village payment to cadre or kin' },
  },
  R10: { key: 'SPLIT_PAYMENTS', title: { zh: '拆分支付规避招标', en: 'Split payments avoiding tender' } },
  R11: { key: 'HOSPITALITY_EXCESS', title: { zh: '招待费超标', en: 'Excessive hospitality spending' } },
  R12: {
    key: 'CONTRACTOR_RELATED',
    title: { zh: '项目承建优亲厚友', en: 'Project contractor related to official' },
  },
};
