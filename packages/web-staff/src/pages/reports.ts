/** 举报: the office's inbox (overdue first), a report's timeline and handling; supervisors' assisted reports. */
import {
  ApiError,
  type AssistedReport,
  allowed,
  get,
  post,
  type ReportDetail,
  type ReportSummary,
} from '../api';
import {
  actionForm,
  field,
  h,
  heading,
  mount,
  notice,
  section,
  select,
  table,
  tableSection,
  when,
} from '../dom';
import { label, REPORT_ACTION_LABELS, REPORT_CATEGORY_LABELS } from '../labels';
import { href, navigate, type PageContext } from '../router';

const STATUS_OPTIONS: readonly (readonly [string, string])[] = [
  ['', '全部'],
  ['received', '待受理'],
  ['acknowledged', '已受理'],
  ['investigating', '调查中'],
  ['concluded', '已办结'],
];

const OVERDUE_LABELS: Readonly<Record<string, string>> = { acknowledge: '受理逾期', conclude: '办结逾期' };

const place = (r: { township: string | null; village: string | null }) =>
  [r.township, r.village].filter(Boolean).join(' ') || '—';

/** The inbox: the API's order (newest first), overdue reports moved to the top. */
export async function reportsPage({ query, main }: PageContext): Promise<void> {
  const keys = ['status', 'category', 'channel', 'overdue'];
  const q = new URLSearchParams();
  for (const k of keys) if (query.get(k)) q.set(k, query.get(k) ?? '');
  const { items } = await get<{ items: ReportSummary[] }>(`/api/v1/reports?${q}`);
  const ordered = [...items.filter((r) => r.overdue), ...items.filter((r) => !r.overdue)];
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': '筛选' },
    field('状态', select('status', STATUS_OPTIONS, query.get('status') ?? '')),
    field(
      '类别',
      select(
        'category',
        [['', '全部'], ...Object.entries(REPORT_CATEGORY_LABELS)],
        query.get('category') ?? '',
      ),
    ),
    field(
      '渠道',
      select(
        'channel',
        [
          ['', '全部'],
          ['online', '网上举报'],
          ['assisted', '代为举报'],
        ],
        query.get('channel') ?? '',
      ),
    ),
    field(
      '逾期',
      select(
        'overdue',
        [
          ['', '不限'],
          ['true', '仅逾期'],
        ],
        query.get('overdue') ?? '',
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '筛选')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const k of keys) if (data.get(k)) next.set(k, String(data.get(k)));
    navigate(`${href('reports')}${next.size ? `?${next}` : ''}`);
  });
  mount(
    main,
    heading('举报'),
    form,
    table(
      `举报（共 ${items.length} 件，逾期的在前）`,
      ['类别', '地点', '承办单位', '渠道', '收到', '受理期限', '办结期限', '状态'],
      ordered.map((r) => [
        h('a', { href: href(`reports/${r.reportId}`) }, r.categoryLabel),
        place(r),
        r.officeLabel,
        r.channel === 'assisted' ? '代为举报' : '网上举报',
        when(r.receivedAt),
        when(r.acknowledgeBy),
        when(r.concludeBy),
        r.overdue ? `${r.statusLabel}（${OVERDUE_LABELS[r.overdue] ?? '逾期'}）` : r.statusLabel,
      ]),
      '没有举报',
    ),
  );
}

/** One report: content, reporter, timeline, linked leads and the handling steps. */
export async function reportPage({ params, main }: PageContext): Promise<void> {
  const id = params[0] ?? '';
  const base = `/api/v1/reports/${encodeURIComponent(id)}`;
  const draw = async (message?: HTMLElement) => {
    const report = await get<ReportDetail>(base);
    const can = new Set(report.allowedActions as string[]);
    const errors = h('div');
    const step = async (path: string, body: Record<string, unknown>, done: string) => {
      try {
        await post(`${base}/${path}`, { ...body, expectedRevision: report.revision });
        await draw(notice(done));
      } catch (error) {
        if (error instanceof ApiError && error.status === 409)
          await draw(
            notice(
              `冲突：在您办理期间他人已修改了这件举报（${error.message}）。已重新载入，请核对后再操作。`,
              'error',
            ),
          );
        else mount(errors, notice(error instanceof Error ? error.message : String(error), 'error'));
      }
    };
    const note = (d: FormData) =>
      String(d.get('note') ?? '').trim() ? { note: String(d.get('note')).trim() } : {};
    const actions: HTMLElement[] = [];
    if (can.has('acknowledge'))
      actions.push(
        actionForm(
          '受理',
          '受理',
          [field('内部备注', h('textarea', { name: 'note', rows: 2 }))],
          (d) => void step('acknowledge', note(d), '已受理'),
        ),
      );
    if (can.has('investigate'))
      actions.push(
        actionForm(
          '开始调查',
          '开始调查',
          [field('内部备注', h('textarea', { name: 'note', rows: 2 }))],
          (d) => void step('investigate', note(d), '已开始调查'),
        ),
      );
    if (can.has('conclude'))
      actions.push(
        actionForm(
          '办结并答复',
          '办结',
          [
            field(
              '给举报人的答复',
              h('textarea', { name: 'answer', rows: 4, required: true }),
              '举报人凭查询码可在公开页面看到这段答复',
            ),
            field('内部备注', h('textarea', { name: 'note', rows: 2 })),
          ],
          (d) =>
            void step(
              'conclude',
              { answer: String(d.get('answer') ?? '').trim(), ...note(d) },
              '已办结，答复已可供举报人查询',
            ),
        ),
      );
    if (can.has('link_lead'))
      actions.push(
        actionForm(
          '关联线索',
          '关联',
          [field('线索编号', h('input', { name: 'leadId', required: true, autocomplete: 'off' }))],
          (d) => void step('link-lead', { leadId: String(d.get('leadId') ?? '').trim() }, '已关联线索'),
        ),
      );
    const reporter = report.reporter as { anonymous: boolean; name?: string; phone?: string };
    mount(
      main,
      h('p', null, h('a', { href: href('reports') }, '← 返回举报列表')),
      heading(`举报：${report.categoryLabel} · ${place(report)}`),
      message ?? null,
      errors,
      h(
        'dl',
        { class: 'facts' },
        [
          [
            '状态',
            report.overdue
              ? `${report.statusLabel}（${OVERDUE_LABELS[report.overdue] ?? '逾期'}）`
              : report.statusLabel,
          ],
          ['承办单位', report.officeLabel],
          [
            '渠道',
            report.channel === 'assisted'
              ? `代为举报${report.assistedBy ? `（${(report.assistedBy as { name?: string }).name ?? ''}）` : ''}`
              : '网上举报',
          ],
          ['举报人', reporter.anonymous ? '匿名' : `${reporter.name ?? ''} ${reporter.phone ?? ''}`],
          ['收到', when(report.receivedAt)],
          ['受理期限', when(report.acknowledgeBy)],
          ['办结期限', when(report.concludeBy)],
        ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
      ),
      section('举报内容', h('p', { class: 'content' }, report.content)),
      report.answer ? section('答复', h('p', { class: 'content' }, report.answer)) : null,
      actions.length && allowed('POST /api/v1/reports/:reportId/acknowledge')
        ? section('办理', h('div', { class: 'action-forms' }, actions))
        : null,
      tableSection(
        '关联线索',
        ['对象', '规则', '状态', ''],
        (report.leads as { leadId: string; subject: string; rule: string; status: string }[]).map((l) => [
          h('a', { href: href(`leads/${l.leadId}`) }, l.subject),
          l.rule,
          l.status,
          can.has('unlink_lead')
            ? h(
                'button',
                {
                  type: 'button',
                  onclick: () => void step('unlink-lead', { leadId: l.leadId }, '已取消关联'),
                },
                `取消关联 ${l.subject}`,
              )
            : '',
        ]),
        '没有关联线索',
      ),
      section(
        '办理时间线',
        h(
          'ol',
          { class: 'timeline' },
          report.history.map((e) =>
            h(
              'li',
              null,
              h('time', { datetime: e.at }, when(e.at)),
              ` ${e.byName ?? (e.by === 'reporter' ? '举报人' : e.by)}：${label(REPORT_ACTION_LABELS, e.action)}`,
              e.note ? `（${e.note}）` : '',
            ),
          ),
        ),
      ),
    );
  };
  await draw();
}

/** A supervisor's assisted reports: file one for a villager, follow the answers. */
export async function assistedPage({ main }: PageContext): Promise<void> {
  const { items } = await get<{ items: AssistedReport[] }>('/api/v1/reports/assisted');
  const result = h('div');
  const form = h(
    'form',
    { class: 'action', 'aria-label': '代为举报' },
    field('类别', select('category', Object.entries(REPORT_CATEGORY_LABELS))),
    field('乡镇', h('input', { name: 'township', autocomplete: 'off' })),
    field('村', h('input', { name: 'village', required: true, autocomplete: 'off' })),
    field('举报内容', h('textarea', { name: 'content', rows: 4, required: true })),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'anonymous', checked: true }),
      '匿名举报',
    ),
    field('举报人姓名', h('input', { name: 'name', autocomplete: 'off' })),
    field('举报人电话', h('input', { name: 'phone', type: 'tel', autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'primary' }, '提交'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const text = (k: string) => String(d.get(k) ?? '').trim();
    const anonymous = d.get('anonymous') !== null;
    try {
      const receipt = await post<{ receiptCode: string; officeLabel: string; placeNote: string | null }>(
        '/api/v1/reports/assisted',
        {
          category: text('category'),
          ...(text('township') ? { township: text('township') } : {}),
          village: text('village'),
          content: text('content'),
          anonymous,
          ...(anonymous ? {} : { reporter: { name: text('name'), phone: text('phone') } }),
        },
      );
      mount(
        result,
        notice(
          `已提交，由${receipt.officeLabel}办理。${receipt.placeNote ? `${receipt.placeNote}。` : ''}请把查询码交给举报人：${receipt.receiptCode}（只显示这一次）`,
        ),
      );
    } catch (error) {
      mount(result, notice(error instanceof Error ? error.message : String(error), 'error'));
    }
  });
  mount(
    main,
    heading('代为举报'),
    section('为村民提交举报', form, result),
    tableSection(
      '我提交的举报',
      ['类别', '地点', '承办单位', '收到', '状态', '答复'],
      items.map((r) => [
        r.categoryLabel,
        place(r),
        r.officeLabel,
        when(r.receivedAt),
        r.statusLabel,
        r.answer ?? '—',
      ]),
      '还没有提交过举报',
    ),
  );
}
