import { isReportOverdue, type Report, type ReportCategory, type ReportStatus } from './report.js';

/** Filters of the staff report list. */
export interface ReportFilter {
  readonly statuses?: readonly ReportStatus[];
  /** The handling office: a township, or `null` for the county commission. */
  readonly office?: string | null;
  readonly category?: ReportCategory;
  readonly channel?: Report['channel'];
  /** Only reports that have (`true`) or have not (`false`) missed a deadline at `now`. */
  readonly overdue?: boolean;
  /** Only reports filed by this supervisor. */
  readonly assistedBy?: string;
}

/** Whether a report passes the filter at `now` (adapters push down what their keys can). */
export function matchesReportFilter(report: Report, filter: ReportFilter, now: string): boolean {
  return (
    (filter.statuses === undefined || filter.statuses.includes(report.status)) &&
    (filter.office === undefined || report.office === filter.office) &&
    (filter.category === undefined || report.category === filter.category) &&
    (filter.channel === undefined || report.channel === filter.channel) &&
    (filter.assistedBy === undefined || report.assistedBy?.subject === filter.assistedBy) &&
    (filter.overdue === undefined || isReportOverdue(report, now) === filter.overdue)
  );
}

/** Newest first, then by id (a stable order for lists). */
export function sortReports(reports: readonly Report[]): Report[] {
  return [...reports].sort(
    (a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.reportId.localeCompare(b.reportId),
  );
}
