/**
 * What a report is about, with the Chinese labels reporters and staff read. A module of its
 * own (no imports) so the villagers' page shows the same labels without bundling the domain.
 */
export const REPORT_CATEGORIES = ['subsidy', 'village_finance', 'project', 'conduct', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** Chinese labels of the categories. */
export const REPORT_CATEGORY_LABELS: Readonly<Record<ReportCategory, string>> = {
  subsidy: '补贴发放',
  village_finance: '村级财务',
  project: '项目工程',
  conduct: '作风',
  other: '其他',
};
