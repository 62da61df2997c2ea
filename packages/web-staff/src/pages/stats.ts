/**
 * 统计: ECharts bar charts (only the bar chart and the components used are imported, to keep
 * the bundle small), each with its table beside it, and the lead list's filters.
 */

import type { ReportOfficeStats, ReportStats } from '@jiandu/domain/reports/stats';
import type { LeadGroupStats, RuleStats, TownshipStats } from '@jiandu/domain/stats';
import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { get } from '../api';
import { h, heading, money, mount, section, table } from '../dom';
import { KIND_LABELS, LEAD_STATUS_LABELS, label } from '../labels';
import type { PageContext } from '../router';
import { filterForm, filterQuery, rules } from './leads';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

type InYuan<T> = Omit<T, 'amountFound' | 'amountVerified' | 'amountRecovered'> & {
  amountFound: number;
  amountVerified: number;
  amountRecovered: number;
};

/** `GET /api/v1/stats` (amounts in 元). */
interface StatsAnswer {
  asOf: string;
  leads: {
    total: number;
    byStatus: Record<string, number>;
    byRule: InYuan<RuleStats>[];
    byTownship: InYuan<TownshipStats>[];
    amounts: { found: number; verified: number; recovered: number };
    dispositions: { partyDiscipline: number; admonition: number; criticism: number };
    precision: number | null;
    overdue: number;
  };
  reports: ReportStats & { byTownship: ReportOfficeStats[] };
  progress?: {
    datasets: number;
    overdue: number;
    neverReceived: number;
    items: {
      department: string;
      kind: string;
      lastReceivedAt: string | null;
      errorRate: number | null;
      nextDueAt: string | null;
      overdue: boolean;
      daysLate: number | null;
    }[];
  };
}

const charts: echarts.ECharts[] = [];
const resize = () => {
  for (const c of charts) c.resize();
};
window.addEventListener('resize', resize);

/** A chart and its table side by side; the chart is decorative for screen readers (the table says it all). */
function chartWithTable(
  title: string,
  categories: readonly string[],
  series: readonly { name: string; data: readonly number[] }[],
  tableEl: HTMLElement,
): HTMLElement {
  const box = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const el = section(title, h('div', { class: 'chart-row' }, box, tableEl));
  requestAnimationFrame(() => {
    const chart = echarts.init(box, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 8, bottom: 8, top: series.length > 1 ? 32 : 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: [...categories],
        axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 },
      },
      yAxis: { type: 'value' },
      series: series.map((s) => ({ type: 'bar', name: s.name, data: [...s.data] })),
    });
    charts.push(chart);
  });
  return el;
}

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10}%`;

/** The statistics page. */
export async function statsPage({ query, main }: PageContext): Promise<void> {
  for (const c of charts.splice(0)) c.dispose();
  const keys = ['rule', 'township', 'createdFrom', 'createdTo'] as const;
  const [form, stats, ruleList] = await Promise.all([
    filterForm(query, 'stats', [...keys]),
    get<StatsAnswer>(`/api/v1/stats?${filterQuery(query, keys)}`),
    rules(),
  ]);
  const ruleName = new Map(ruleList.map((r) => [r.code, `${r.code} ${r.name}`]));
  const l = stats.leads;
  const byRule = l.byRule;
  const byTownship = l.byTownship;
  const money3 = (g: InYuan<LeadGroupStats>) => [
    money(g.amountFound),
    money(g.amountVerified),
    money(g.amountRecovered),
  ];
  const r = stats.reports;
  mount(
    main,
    heading('统计'),
    form,
    h(
      'dl',
      { class: 'facts' },
      [
        ['线索总数', String(l.total)],
        ['逾期线索', String(l.overdue)],
        ['发现金额', money(l.amounts.found)],
        ['核实金额', money(l.amounts.verified)],
        ['追回金额', money(l.amounts.recovered)],
        ['查实率', pct(l.precision)],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    ),
    chartWithTable(
      '按规则的线索',
      byRule.map((g) => g.rule),
      [{ name: '线索数', data: byRule.map((g) => g.count) }],
      table(
        '按规则的线索',
        ['规则', '线索', '待办', '查实', '了结', '逾期', '发现金额', '核实金额', '追回金额', '查实率'],
        byRule.map((g) => [
          ruleName.get(g.rule) ?? g.rule,
          String(g.count),
          String(g.open),
          String(g.confirmed),
          String(g.dismissed),
          String(g.overdue),
          ...money3(g),
          pct(g.precision),
        ]),
      ),
    ),
    chartWithTable(
      '按乡镇的线索',
      byTownship.map((g) => g.township ?? '（未知）'),
      [{ name: '线索数', data: byTownship.map((g) => g.count) }],
      table(
        '按乡镇的线索',
        ['乡镇', '线索', '待办', '查实', '了结', '逾期', '发现金额', '核实金额', '追回金额'],
        byTownship.map((g) => [
          g.township ?? '（未知）',
          String(g.count),
          String(g.open),
          String(g.confirmed),
          String(g.dismissed),
          String(g.overdue),
          ...money3(g),
        ]),
      ),
    ),
    chartWithTable(
      '金额：发现 → 核实 → 追回（元）',
      ['发现', '核实', '追回'],
      [{ name: '金额（元）', data: [l.amounts.found, l.amounts.verified, l.amounts.recovered] }],
      table(
        '金额',
        ['发现金额', '核实金额', '追回金额'],
        [[money(l.amounts.found), money(l.amounts.verified), money(l.amounts.recovered)]],
      ),
    ),
    chartWithTable(
      '各规则查实率（按处理结论）',
      byRule.map((g) => g.rule),
      [
        {
          name: '查实率（%）',
          data: byRule.map((g) => (g.precision === null ? 0 : Math.round(g.precision * 1000) / 10)),
        },
      ],
      table(
        '各规则查实率',
        ['规则', '查实', '了结', '查实率'],
        byRule.map((g) => [
          ruleName.get(g.rule) ?? g.rule,
          String(g.confirmed),
          String(g.dismissed),
          pct(g.precision),
        ]),
      ),
    ),
    chartWithTable(
      '线索状态',
      Object.keys(l.byStatus).map((s) => label(LEAD_STATUS_LABELS, s)),
      [{ name: '线索数', data: Object.values(l.byStatus) }],
      table(
        '线索状态',
        ['状态', '线索数'],
        Object.entries(l.byStatus).map(([s, n]) => [label(LEAD_STATUS_LABELS, s), String(n)]),
      ),
    ),
    chartWithTable(
      '举报办理（按承办单位）',
      r.byTownship.map((o) => o.township ?? '县纪委监委'),
      [
        { name: '收到', data: r.byTownship.map((o) => o.received) },
        { name: '按时办结', data: r.byTownship.map((o) => o.concluded.onTime) },
        { name: '超期办结', data: r.byTownship.map((o) => o.concluded.late) },
        { name: '当前逾期', data: r.byTownship.map((o) => o.overdue) },
      ],
      table(
        '举报办理（按承办单位）',
        [
          '承办单位',
          '收到',
          '未办结',
          '按时受理',
          '超期受理',
          '按时办结',
          '超期办结',
          '当前逾期',
          '平均受理（小时）',
          '平均办结（小时）',
        ],
        r.byTownship.map((o) => [
          o.township ?? '县纪委监委',
          String(o.received),
          String(o.open),
          String(o.acknowledged.onTime),
          String(o.acknowledged.late),
          String(o.concluded.onTime),
          String(o.concluded.late),
          String(o.overdue),
          o.avgHoursToAcknowledge === null ? '—' : String(o.avgHoursToAcknowledge),
          o.avgHoursToConclude === null ? '—' : String(o.avgHoursToConclude),
        ]),
      ),
    ),
    stats.progress
      ? chartWithTable(
          '数据报送进度',
          ['数据集', '逾期', '从未报送'],
          [
            {
              name: '数量',
              data: [stats.progress.datasets, stats.progress.overdue, stats.progress.neverReceived],
            },
          ],
          table(
            '数据报送进度',
            ['部门', '数据类型', '最近收到', '错误率', '下次应报', '状态'],
            stats.progress.items.map((p) => [
              p.department,
              label(KIND_LABELS, p.kind),
              p.lastReceivedAt ? p.lastReceivedAt.slice(0, 10) : '从未报送',
              pct(p.errorRate),
              p.nextDueAt ? p.nextDueAt.slice(0, 10) : '—',
              p.overdue ? `逾期 ${p.daysLate ?? ''} 天` : '正常',
            ]),
          ),
        )
      : null,
  );
}
