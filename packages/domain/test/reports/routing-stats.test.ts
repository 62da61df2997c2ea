import { describe, expect, it } from 'vitest';
import { derivePlatformKeys } from '../../src/keys.js';
import { DivisionIndex } from '../../src/normalize/division.js';
import { DEFAULT_REPORT_DEADLINES } from '../../src/reports/config.js';
import { matchesReportFilter, sortReports } from '../../src/reports/query.js';
import { applyReportCommand, fileReport, type Report } from '../../src/reports/report.js';
import { officeLabel, routeReport } from '../../src/reports/routing.js';
import { reportStatistics } from '../../src/reports/stats.js';

const DIVISIONS = new DivisionIndex([
  { code: '431199000000', name: '青山县', level: 'county' },
  { code: '431199100000', name: '青山镇', level: 'township' },
  { code: '431199200000', name: '石门乡', level: 'township' },
  { code: '431199100001', name: '龙泉村', level: 'village' },
  { code: '431199200001', name: '白沙村', level: 'village' },
]);

describe('routing', () => {
  it('sends a known village to its township office, whatever township was given', () => {
    expect(routeReport({ village: '龙泉村委会' }, DIVISIONS)).toEqual({
      township: '青山镇',
      village: '龙泉村',
      office: '青山镇',
    });
    expect(routeReport({ township: '青山镇', village: '白沙村' }, DIVISIONS).office).toBe('石门乡');
  });

  it('sends a known township to its office, and county-level or unknown places to the county', () => {
    expect(routeReport({ township: '石门乡人民政府' }, DIVISIONS)).toEqual({
      township: '石门乡',
      office: '石门乡',
    });
    expect(routeReport({}, DIVISIONS)).toEqual({ office: null });
    expect(routeReport({ township: '火星镇', village: '无名村' }, DIVISIONS)).toEqual({
      township: '火星镇',
      village: '无名村',
      office: null,
      explanation:
        '本县行政区划中没有“火星镇”；本县行政区划中没有“无名村”，举报已转县纪委监委，由其确定承办单位',
    });
    expect(officeLabel(null)).toBe('县纪委监委');
    expect(officeLabel('青山镇')).toBe('青山镇纪委');
  });

  it('sends a report straight to the county commission when the reporter asks, keeping the place', () => {
    // A complaint about the township office itself must not land on that office's desk.
    expect(routeReport({ township: '青山镇', village: '龙泉村' }, DIVISIONS, { toCounty: true })).toEqual({
      township: '青山镇',
      village: '龙泉村',
      office: null,
    });
    expect(routeReport({ township: '青山镇' }, undefined, { toCounty: true }).office).toBeNull();
    expect(routeReport({ township: '青山镇' }, DIVISIONS, { toCounty: false }).office).toBe('青山镇');
  });

  it('without divisions, trusts a given township and sends the rest to the county', () => {
    expect(routeReport({ township: ' 青山镇 ', village: '龙泉村' })).toEqual({
      township: '青山镇',
      village: '龙泉村',
      office: '青山镇',
    });
    expect(routeReport({ village: '龙泉村' })).toEqual({ village: '龙泉村', office: null });
  });
});

// Filed at 10:00 CST on the given March day; acknowledge within 3 days, conclude within 30.
const day = (d: number, hour = 2) =>
  `2024-03-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const staff = { subject: 'u-staff' };

function report(
  n: number,
  office: string | null,
  steps: { ack?: string; conclude?: string } = {},
  extra: Partial<Pick<Report, 'category'>> & { assistedBy?: string } = {},
): Report {
  let r = fileReport(
    {
      category: extra.category ?? 'subsidy',
      content: '反映的问题需要核查一下。',
      reporter: { anonymous: true },
    },
    {
      now: day(1),
      deadlines: DEFAULT_REPORT_DEADLINES,
      routing: { office, ...(office ? { township: office } : {}) },
      newId: () => `RP-${n}`,
      receiptKey: derivePlatformKeys('stats-test-master-secret-0123456789abcdef').receipts,
      ...(extra.assistedBy ? { assistedBy: { subject: extra.assistedBy } } : {}),
    },
  ).report;
  if (steps.ack) r = applyReportCommand(r, { action: 'acknowledge' }, staff, steps.ack, r.revision);
  if (steps.conclude)
    r = applyReportCommand(r, { action: 'conclude', answer: '已办结' }, staff, steps.conclude, r.revision);
  return r;
}

describe('report statistics', () => {
  // "now" is 10 March: acknowledgement deadlines (4 March) have passed, conclusion ones (31 March) not.
  const NOW = day(10);
  const reports = [
    // 青山镇: acknowledged after 12 h (on time) and concluded after 5 days (on time).
    report(1, '青山镇', { ack: day(1, 14), conclude: day(6) }),
    // 青山镇: acknowledged after 5 days (late), still open.
    report(2, '青山镇', { ack: day(6) }),
    // 石门乡: never acknowledged → overdue now.
    report(3, '石门乡', {}, { category: 'village_finance', assistedBy: 'u-supervisor' }),
    // County: acknowledged after 24 h, concluded after 40 days (late).
    report(4, null, { ack: day(2), conclude: '2024-04-10T02:00:00.000Z' }, { category: 'conduct' }),
  ];

  it('counts received, on time and late, overdue now, and average hours', () => {
    const stats = reportStatistics(reports, NOW);
    expect(stats).toMatchObject({
      received: 4,
      open: 2,
      acknowledged: { total: 3, onTime: 2, late: 1 },
      concluded: { total: 2, onTime: 1, late: 1 },
      overdue: 1,
      // Counted from the start of the CST day of receipt (the time of day is not kept), 10 h
      // before filing: (22 + 130 + 34) / 3 = 62 h; (130 + 970) / 2 = 550 h.
      avgHoursToAcknowledge: 62,
      avgHoursToConclude: 550,
      byStatus: { received: 1, acknowledged: 1, investigating: 0, concluded: 2 },
      byCategory: { subsidy: 2, village_finance: 1, project: 0, conduct: 1, other: 0 },
      byChannel: { online: 3, assisted: 1 },
    });
  });

  it('breaks the figures down by handling office, the county commission last', () => {
    const stats = reportStatistics(reports, NOW);
    expect(stats.byTownship.map((t) => t.township)).toEqual(['青山镇', '石门乡', null]);
    expect(stats.byTownship[0]).toMatchObject({
      received: 2,
      open: 1,
      acknowledged: { total: 2, onTime: 1, late: 1 },
      concluded: { total: 1, onTime: 1, late: 0 },
      overdue: 0,
      avgHoursToAcknowledge: 76,
      avgHoursToConclude: 130,
    });
    expect(stats.byTownship[1]).toMatchObject({ received: 1, overdue: 1, avgHoursToAcknowledge: null });
  });

  it('is all zeros and nulls without reports', () => {
    expect(reportStatistics([], NOW)).toMatchObject({
      received: 0,
      overdue: 0,
      avgHoursToAcknowledge: null,
      avgHoursToConclude: null,
      byTownship: [],
    });
  });

  it('filters lists by status, office, category, channel, supervisor and overdue', () => {
    const ids = (f: Parameters<typeof matchesReportFilter>[1]) =>
      sortReports(reports.filter((r) => matchesReportFilter(r, f, NOW))).map((r) => r.reportId);
    expect(ids({ office: '青山镇' })).toEqual(['RP-1', 'RP-2']);
    expect(ids({ office: null })).toEqual(['RP-4']);
    expect(ids({ statuses: ['received', 'acknowledged'] })).toEqual(['RP-2', 'RP-3']);
    expect(ids({ overdue: true })).toEqual(['RP-3']);
    expect(ids({ category: 'conduct' })).toEqual(['RP-4']);
    expect(ids({ channel: 'assisted' })).toEqual(['RP-3']);
    expect(ids({ assistedBy: 'u-supervisor' })).toEqual(['RP-3']);
  });
});
