/**
 * Dataset kinds of CONTRACT.md §2 and how a new version of each relates to the
 * previous ones (CONTRACT.md §4).
 */
export const DATASET_KINDS = [
  'household_registry',
  'death_records',
  'public_officials',
  'fiscal_payroll',
  'market_entities',
  'property_records',
  'vehicle_records',
  'social_insurance',
  'divisions',
  'subsidy_payments',
  'poverty_registry',
  'livelihood_projects',
  'village_finance',
  'notices',
] as const;

/** One of the 14 dataset kinds a department can upload. */
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** Append kinds add rows; every other kind is a snapshot that replaces its predecessor. */
export const APPEND_KINDS: ReadonlySet<DatasetKind> = new Set([
  'subsidy_payments',
  'village_finance',
  'notices',
]);

/** The reference ("8 basic") databases: confidential, inspectors only. */
export const REFERENCE_KINDS: ReadonlySet<DatasetKind> = new Set([
  'household_registry',
  'death_records',
  'public_officials',
  'fiscal_payroll',
  'market_entities',
  'property_records',
  'vehicle_records',
  'social_insurance',
]);

/** Chinese labels for the UI and reports. */
export const KIND_LABELS: Readonly<Record<DatasetKind, string>> = {
  household_registry: '户籍人口',
  death_records: '死亡人员',
  public_officials: '公职人员',
  fiscal_payroll: '财政供养人员',
  market_entities: '市场主体',
  property_records: '不动产登记',
  vehicle_records: '机动车登记',
  social_insurance: '社保缴费',
  divisions: '行政区划',
  subsidy_payments: '民生资金发放明细',
  poverty_registry: '建档立卡贫困人口',
  livelihood_projects: '民生项目',
  village_finance: '村级财务',
  notices: '党务政务村务公开',
};

export function isDatasetKind(value: string): value is DatasetKind {
  return (DATASET_KINDS as readonly string[]).includes(value);
}

/** Whether a new version of this kind replaces the previous one from the same department. */
export function isSnapshotKind(kind: DatasetKind): boolean {
  return !APPEND_KINDS.has(kind);
}
