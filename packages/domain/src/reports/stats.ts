import {
  isReportOverdue,
  REPORT_CATEGORIES,
  REPORT_STATUSES,
  type Report,
  type ReportCategory,
  type ReportChannel,
  type ReportStatus,
} from './report.js';

/**
 * Report statistics for the commission's overview page (issue 5: "Reports: received, on
 * time, overdue, average time to acknowledge and to conclude"), overall and per handling
 * office. Deadlines are the ones each report was given when it was filed.
 */

/** Met or missed deadlines of one handling step. */
export interface DeadlineCounts {
  /** Reports that went through the step. */
  readonly total: number;
  readonly onTime: number;
  readonly late: number;
}

/** The figures of one group of reports. */
export interface ReportGroupStats {
  readonly received: number;
  /** Not concluded yet. */
  readonly open: number;
  readonly acknowledged: DeadlineCounts;
  readonly concluded: DeadlineCounts;
  /** Open reports past a deadline now (acknowledgement or conclusion). */
  readonly overdue: number;
  /** Mean hours from receipt to acknowledgement (one decimal), null before any. */
  readonly avgHoursToAcknowledge: number | null;
  /** Mean hours from receipt to conclusion (one decimal), null before any. */
  readonly avgHoursToConclude: number | null;
}

/** Per handling office; `township` null is the county commission. */
export interface ReportOfficeStats extends ReportGroupStats {
  readonly township: string | null;
}

/** The statistics over a set of reports. */
export interface ReportStats extends ReportGroupStats {
  readonly byStatus: Readonly<Record<ReportStatus, number>>;
  readonly byCategory: Readonly<Record<ReportCategory, number>>;
  readonly byChannel: Readonly<Record<ReportChannel, number>>;
  readonly byTownship: readonly ReportOfficeStats[];
}

interface Accumulator {
  received: number;
  open: number;
  ack: { total: number; onTime: number; hours: number };
  done: { total: number; onTime: number; hours: number };
  overdue: number;
}

const empty = (): Accumulator => ({
  received: 0,
  open: 0,
  ack: { total: 0, onTime: 0, hours: 0 },
  done: { total: 0, onTime: 0, hours: 0 },
  overdue: 0,
});

const hoursBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 3_600_000;
const mean = (sum: number, count: number): number | null =>
  count === 0 ? null : Math.round((sum / count) * 10) / 10;

function add(acc: Accumulator, report: Report, now: string): void {
  acc.received++;
  if (report.status !== 'concluded') acc.open++;
  if (report.acknowledgedAt) {
    acc.ack.total++;
    if (report.acknowledgedAt <= report.acknowledgeBy) acc.ack.onTime++;
    acc.ack.hours += hoursBetween(report.receivedAt, report.acknowledgedAt);
  }
  if (report.concludedAt) {
    acc.done.total++;
    if (report.concludedAt <= report.concludeBy) acc.done.onTime++;
    acc.done.hours += hoursBetween(report.receivedAt, report.concludedAt);
  }
  if (isReportOverdue(report, now)) acc.overdue++;
}

function finish(acc: Accumulator): ReportGroupStats {
  return {
    received: acc.received,
    open: acc.open,
    acknowledged: { total: acc.ack.total, onTime: acc.ack.onTime, late: acc.ack.total - acc.ack.onTime },
    concluded: { total: acc.done.total, onTime: acc.done.onTime, late: acc.done.total - acc.done.onTime },
    overdue: acc.overdue,
    avgHoursToAcknowledge: mean(acc.ack.hours, acc.ack.total),
    avgHoursToConclude: mean(acc.done.hours, acc.done.total),
  };
}

/** Compute the statistics of `reports` at `now` (for "currently overdue"). */
export function reportStatistics(reports: readonly Report[], now: string): ReportStats {
  const all = empty();
  const offices = new Map<string | null, Accumulator>();
  const byStatus = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])) as Record<ReportStatus, number>;
  const byCategory = Object.fromEntries(REPORT_CATEGORIES.map((c) => [c, 0])) as Record<
    ReportCategory,
    number
  >;
  const byChannel: Record<ReportChannel, number> = { online: 0, assisted: 0 };
  for (const report of reports) {
    add(all, report, now);
    const office = offices.get(report.office) ?? empty();
    add(office, report, now);
    offices.set(report.office, office);
    byStatus[report.status]++;
    byCategory[report.category]++;
    byChannel[report.channel]++;
  }
  return {
    ...finish(all),
    byStatus,
    byCategory,
    byChannel,
    byTownship: [...offices]
      // The county commission last, townships in pinyin-ish order.
      .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff', 'zh-CN'))
      .map(([township, acc]) => ({ township, ...finish(acc) })),
  };
}
