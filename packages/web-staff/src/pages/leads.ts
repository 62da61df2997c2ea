/** 线索: the filtered list (filters saved in the URL), the detail and the workflow actions. */
import {
  ApiError,
  allowed,
  download,
  get,
  type LeadDetail,
  type LeadSummary,
  type LeadWorkflow,
  post,
} from '../api';
import { currentSession } from '../auth';
import {
  actionForm,
  type Child,
  field,
  h,
  heading,
  money,
  mount,
  notice,
  section,
  select,
  table,
  tableSection,
  when,
} from '../dom';
import {
  COLUMN_LABELS,
  DISMISS_REASONS,
  KIND_LABELS,
  LEAD_ACTION_LABELS,
  LEAD_STATUS_LABELS,
  label,
  MATCH_LABELS,
  SCORE_FACTOR_LABELS,
  VERSION_STATUS_LABELS,
} from '../labels';
import { href, navigate, type PageContext } from '../router';

interface RuleInfo {
  readonly code: string;
  readonly name: string;
}

let rulesCache: Promise<RuleInfo[]> | undefined;

/** The rules with their Chinese names (public route), fetched once. */
export function rules(): Promise<RuleInfo[]> {
  rulesCache ??= fetch('/api/v1/rules')
    .then((r) => r.json() as Promise<{ items: { code: string; title: { zh: string } }[] }>)
    .then((b) => b.items.map((r) => ({ code: r.code, name: r.title.zh })));
  return rulesCache;
}

/** `R01 死亡人员领取补贴`. */
export async function ruleLabel(code: string): Promise<string> {
  const rule = (await rules()).find((r) => r.code === code);
  return rule ? `${rule.code} ${rule.name}` : code;
}

/** The list filters the URL may carry (the API's own query names). */
export const LEAD_FILTERS = [
  'rule',
  'status',
  'township',
  'village',
  'minScore',
  'minAmount',
  'createdFrom',
  'createdTo',
  'overdue',
  'includeSuperseded',
  'sort',
  'order',
] as const;

/** The filters of the current URL as an API query string. */
export function filterQuery(query: URLSearchParams, keys: readonly string[] = LEAD_FILTERS): string {
  const q = new URLSearchParams();
  for (const key of keys) {
    const value = query.get(key);
    if (value) q.set(key, value);
  }
  return q.toString();
}

/** The filter form; submitting writes the filters into the URL (so a view can be saved and shared). */
export async function filterForm(
  query: URLSearchParams,
  path: string,
  keys: readonly (typeof LEAD_FILTERS)[number][],
): Promise<HTMLElement> {
  const ruleOptions = (await rules()).map((r) => [r.code, `${r.code} ${r.name}`] as const);
  const value = (k: string) => query.get(k) ?? '';
  const controls: Record<string, HTMLElement> = {
    rule: field('规则', select('rule', [['', '全部规则'], ...ruleOptions], value('rule'))),
    status: field(
      '状态',
      select('status', [['', '默认（未失效）'], ...Object.entries(LEAD_STATUS_LABELS)], value('status')),
    ),
    township: currentSession()?.township
      ? h('span')
      : field('乡镇', h('input', { name: 'township', value: value('township'), autocomplete: 'off' })),
    village: field('村', h('input', { name: 'village', value: value('village'), autocomplete: 'off' })),
    minScore: field(
      '最低分',
      h('input', { name: 'minScore', type: 'number', min: 0, max: 100, value: value('minScore') }),
    ),
    minAmount: field(
      '最低金额（元）',
      h('input', { name: 'minAmount', inputmode: 'decimal', value: value('minAmount') }),
    ),
    createdFrom: field(
      '发现日期自',
      h('input', { name: 'createdFrom', type: 'date', value: value('createdFrom') }),
    ),
    createdTo: field('至', h('input', { name: 'createdTo', type: 'date', value: value('createdTo') })),
    overdue: field(
      '逾期',
      select(
        'overdue',
        [
          ['', '不限'],
          ['true', '仅逾期'],
          ['false', '未逾期'],
        ],
        value('overdue'),
      ),
    ),
    includeSuperseded: field(
      '已失效线索',
      select(
        'includeSuperseded',
        [
          ['', '不显示'],
          ['true', '一并显示'],
        ],
        value('includeSuperseded'),
      ),
    ),
    sort: field(
      '排序',
      select(
        'sort',
        // Empty: the API's default order, newest first (served page by page from an index).
        [
          ['', '发现日期（默认）'],
          ['score', '评分'],
          ['amount', '金额'],
        ],
        value('sort'),
      ),
    ),
    order: field(
      '顺序',
      select(
        'order',
        [
          ['', '从高到低（日期从新到旧）'],
          ['asc', '从低到高（日期从旧到新）'],
        ],
        value('order'),
      ),
    ),
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': '筛选' },
    keys.map((k) => controls[k]),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, '筛选'),
      h('a', { href: href(path) }, '清除筛选'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const key of keys) {
      const v = String(data.get(key) ?? '').trim();
      if (v) q.set(key, v);
    }
    const s = q.toString();
    navigate(href(path) + (s ? `?${s}` : ''));
  });
  return form;
}

function leadRows(items: readonly LeadSummary[], labels: Map<string, string>): Child[][] {
  return items.map((l) => [
    labels.get(l.rule) ?? l.rule,
    h('a', { href: href(`leads/${l.leadId}`) }, l.subject),
    l.idNumber ?? '—',
    [l.township, l.village].filter(Boolean).join(' ') || '—',
    money(l.amount),
    String(l.score),
    label(LEAD_STATUS_LABELS, l.status),
    l.assignee ?? '—',
    l.deadline ? `${l.deadline}${l.overdue ? '（逾期）' : ''}` : '—',
  ]);
}

const LEAD_HEADERS = ['规则', '对象', '身份证号', '地点', '金额', '评分', '状态', '承办', '期限'];

/** The lead list with its filters, paging and the export of the current view. */
export async function leadsPage({ query, main }: PageContext): Promise<void> {
  const filters = filterQuery(query);
  const [form, first, ruleList] = await Promise.all([
    filterForm(query, 'leads', LEAD_FILTERS),
    // `total` is left out when the server cannot tell without counting every lead.
    get<{ items: LeadSummary[]; cursor: string | null; total?: number }>(`/api/v1/leads?${filters}&limit=50`),
    rules(),
  ]);
  const labels = new Map(ruleList.map((r) => [r.code, `${r.code} ${r.name}`]));
  const items = [...first.items];
  const holder = h('div');
  const status = h('p', { role: 'status' });
  let cursor = first.cursor;
  const more = h('button', { type: 'button' }, '加载更多');
  const draw = () => {
    mount(
      holder,
      table(
        first.total !== undefined
          ? `线索列表（共 ${first.total} 条，已显示 ${items.length} 条）`
          : `线索列表（已显示 ${items.length} 条${cursor ? '，还有更多' : '，已全部显示'}）`,
        LEAD_HEADERS,
        leadRows(items, labels),
        '没有符合条件的线索',
      ),
    );
    more.hidden = !cursor;
  };
  more.addEventListener('click', async () => {
    if (!cursor) return;
    const next = await get<{ items: LeadSummary[]; cursor: string | null }>(
      `/api/v1/leads?${filters}&limit=50&cursor=${encodeURIComponent(cursor)}`,
    );
    items.push(...next.items);
    cursor = next.cursor;
    draw();
    status.textContent = `已加载 ${items.length} 条`;
  });
  const exporter = (format: 'csv' | 'xlsx') => async () => {
    status.textContent = '正在导出…';
    try {
      await download(
        `/api/v1/leads/export?${filters}${filters ? '&' : ''}format=${format}`,
        `线索.${format}`,
      );
      status.textContent = `已导出当前视图（${format.toUpperCase()}）`;
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  draw();
  mount(
    main,
    heading('线索'),
    form,
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', onclick: exporter('csv') }, '导出 CSV'),
      h('button', { type: 'button', onclick: exporter('xlsx') }, '导出 Excel'),
      status,
    ),
    holder,
    more,
  );
}

/** One evidence row as a card: the values next to where they came from. */
function evidenceCard(e: LeadDetail['evidence'][number], index: number): HTMLElement {
  const source = e.source;
  return h(
    'article',
    { class: 'evidence', 'aria-labelledby': `ev${index}` },
    h('h3', { id: `ev${index}` }, `证据 ${index + 1}：${label(KIND_LABELS, e.kind)}`),
    h(
      'p',
      { class: 'source' },
      source
        ? `来源文件：${source.fileName}（版本 ${e.versionId}，${source.department}，${when(source.receivedAt)} 收到，${label(VERSION_STATUS_LABELS, source.status)}）`
        : `来源版本：${e.versionId}`,
      `　第 ${e.row} 行${e.sheet ? `（工作表 ${e.sheet}）` : ''}`,
    ),
    h(
      'dl',
      null,
      Object.entries(e.values).map(([k, v]) => [
        h('dt', null, label(COLUMN_LABELS, k)),
        h('dd', null, v === null ? '—' : String(v)),
      ]),
    ),
  );
}

/** The workflow actions the lead's status and the caller's role allow. */
function actionForms(lead: LeadDetail, reload: (message?: HTMLElement) => Promise<void>): HTMLElement | null {
  const can = new Set(lead.allowedActions as string[]);
  const base = `/api/v1/leads/${lead.leadId}`;
  const out = h('div', { class: 'action-forms' });
  const send = async (
    path: string,
    body: Record<string, unknown>,
    done: (r: LeadWorkflow) => HTMLElement,
  ) => {
    try {
      const result = await post<LeadWorkflow>(`${base}/${path}`, {
        ...body,
        expectedRevision: lead.revision,
      });
      await reload(done(result));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        await reload(
          notice(
            `冲突：在您编辑期间他人已修改了这条线索（${error.message}）。已重新载入最新内容，请核对后再操作。`,
            'error',
          ),
        );
      } else {
        out.prepend(notice(error instanceof Error ? error.message : String(error), 'error'));
      }
    }
  };
  const text = (d: FormData, k: string) => String(d.get(k) ?? '').trim();
  if ((can.has('assign') || can.has('reassign')) && allowed('POST /api/v1/leads/:leadId/assign')) {
    const inTwoWeeks = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10);
    out.append(
      actionForm(
        '指派',
        '指派',
        [
          field(
            '承办类型',
            select(
              'kind',
              [
                ['township_office', '乡镇纪委'],
                ['person', '个人'],
              ],
              'township_office',
            ),
          ),
          field(
            '承办人或乡镇',
            h('input', { name: 'assignee', required: true, value: lead.township ?? '' }),
            '乡镇纪委填乡镇名，个人填账号',
          ),
          field(
            '办结期限',
            h('input', { name: 'deadline', type: 'date', required: true, value: inTwoWeeks }),
          ),
          field('说明', h('textarea', { name: 'note', rows: 2 })),
        ],
        (d) =>
          send(
            'assign',
            {
              kind: text(d, 'kind'),
              assignee: text(d, 'assignee'),
              deadline: text(d, 'deadline'),
              ...(text(d, 'note') ? { note: text(d, 'note') } : {}),
            },
            (r) => notice(`已指派给 ${r.assignee ?? ''}，期限 ${r.assignment?.deadline ?? ''}`),
          ),
      ),
    );
  }
  if (can.has('start_verification') && allowed('POST /api/v1/leads/:leadId/start-verification')) {
    out.append(
      actionForm('开始核查', '开始核查', [field('说明', h('textarea', { name: 'note', rows: 2 }))], (d) =>
        send('start-verification', text(d, 'note') ? { note: text(d, 'note') } : {}, () =>
          notice('已开始核查'),
        ),
      ),
    );
  }
  if (can.has('confirm') && allowed('POST /api/v1/leads/:leadId/confirm')) {
    out.append(
      actionForm(
        '查实',
        '确认查实',
        [
          field(
            '核实金额（元）',
            h('input', { name: 'verifiedAmount', inputmode: 'decimal', required: true }),
            '如 2,250 或 2250.50',
          ),
          field(
            '追回金额（元）',
            h('input', { name: 'recoveredAmount', inputmode: 'decimal', required: true }),
          ),
          field(
            '党纪政务处分（人）',
            h('input', { name: 'partyDiscipline', type: 'number', min: 0, value: 0 }),
          ),
          field('诫勉谈话（人）', h('input', { name: 'admonition', type: 'number', min: 0, value: 0 })),
          field('批评教育（人）', h('input', { name: 'criticism', type: 'number', min: 0, value: 0 })),
          field('核查结论', h('textarea', { name: 'note', rows: 3, required: true })),
        ],
        (d) =>
          send(
            'confirm',
            {
              verifiedAmount: text(d, 'verifiedAmount'),
              recoveredAmount: text(d, 'recoveredAmount'),
              dispositions: {
                partyDiscipline: Number(text(d, 'partyDiscipline') || 0),
                admonition: Number(text(d, 'admonition') || 0),
                criticism: Number(text(d, 'criticism') || 0),
              },
              note: text(d, 'note'),
            },
            (r) =>
              notice(
                `已查实：核实 ${money(r.verdict?.verifiedAmount)}，追回 ${money(r.verdict?.recoveredAmount)}`,
              ),
          ),
      ),
    );
  }
  if (can.has('dismiss') && allowed('POST /api/v1/leads/:leadId/dismiss')) {
    const rows = lead.evidence.map((e, i) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'wrongRow', value: String(i) }),
        `证据 ${i + 1}（${e.versionId} 第 ${e.row} 行）`,
      ),
    );
    out.append(
      actionForm(
        '了结',
        '了结线索',
        [
          field('原因', select('reason', DISMISS_REASONS, 'no_violation')),
          h('fieldset', null, h('legend', null, '源数据错误时，有误的证据行'), rows),
          field('说明', h('textarea', { name: 'note', rows: 3, required: true })),
        ],
        (d) => {
          const reason = text(d, 'reason');
          const wrongRows = d.getAll('wrongRow').map((i) => {
            const e = lead.evidence[Number(i)];
            return {
              versionId: e?.versionId ?? '',
              row: e?.row ?? 0,
              ...(e?.sheet ? { sheet: e.sheet } : {}),
            };
          });
          return send(
            'dismiss',
            {
              reason,
              note: text(d, 'note'),
              ...(reason === 'source_data_wrong' && wrongRows.length ? { wrongRows } : {}),
            },
            (r) =>
              r.correctionTasks?.length
                ? h(
                    'div',
                    { role: 'status', class: 'notice ok' },
                    '已了结。已为数据报送部门创建更正任务：',
                    r.correctionTasks.join('、'),
                    allowed('GET /api/v1/corrections')
                      ? [' ', h('a', { href: href('data') }, '查看更正任务')]
                      : null,
                  )
                : notice('已了结'),
          );
        },
      ),
    );
  }
  return out.childElementCount ? out : null;
}

/** One lead in full: reasons, score, evidence side by side, related leads, reports, history, actions. */
export async function leadPage({ params, main }: PageContext): Promise<void> {
  const id = params[0] ?? '';
  const draw = async (message?: HTMLElement) => {
    const lead = await get<LeadDetail>(`/api/v1/leads/${encodeURIComponent(id)}`);
    const ruleName = await ruleLabel(lead.rule);
    const labels = new Map((await rules()).map((r) => [r.code, `${r.code} ${r.name}`]));
    const actions = actionForms(lead, draw);
    mount(
      main,
      h('p', null, h('a', { href: href('leads') }, '← 返回线索列表')),
      heading(`线索：${lead.subject}`),
      message ?? null,
      h(
        'dl',
        { class: 'facts' },
        [
          ['规则', ruleName],
          ['状态', label(LEAD_STATUS_LABELS, lead.status)],
          ['评分', String(lead.score)],
          ['金额', money(lead.amount)],
          ['身份证号', lead.idNumber ?? '—'],
          ['地点', [lead.township, lead.village].filter(Boolean).join(' ') || '—'],
          ['识别方式', label(MATCH_LABELS, lead.match)],
          [
            '承办',
            lead.assignee
              ? `${lead.assignee}（期限 ${lead.assignment?.deadline ?? '—'}${lead.overdue ? '，已逾期' : ''}）`
              : '—',
          ],
          ['发现时间', when(lead.createdAt)],
        ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
      ),
      lead.verdict
        ? notice(
            `已查实：核实金额 ${money(lead.verdict.verifiedAmount)}，追回金额 ${money(lead.verdict.recoveredAmount)}；党纪政务处分 ${lead.verdict.dispositions.partyDiscipline} 人，诫勉谈话 ${lead.verdict.dispositions.admonition} 人，批评教育 ${lead.verdict.dispositions.criticism} 人`,
          )
        : null,
      lead.dismissal
        ? notice(
            `已了结：${label(Object.fromEntries(DISMISS_REASONS), lead.dismissal.reason)}。${lead.dismissal.note}`,
          )
        : null,
      lead.statusReason ? notice(`失效原因：${lead.statusReason}`) : null,
      section(
        '疑点理由',
        h(
          'ul',
          null,
          lead.reasons.map((r) => h('li', null, r)),
        ),
      ),
      tableSection(
        '评分构成',
        ['因素', '分值', '说明'],
        lead.scoreBreakdown.map((s) => [label(SCORE_FACTOR_LABELS, s.factor), String(s.points), s.reason]),
      ),
      section('证据', h('div', { class: 'evidence-grid' }, lead.evidence.map(evidenceCard))),
      actions ? section('处理', actions) : null,
      tableSection('同一对象的其他线索', LEAD_HEADERS, leadRows(lead.relatedLeads, labels), '没有其他线索'),
      tableSection(
        '关联举报',
        ['类别', '地点', '收到', '状态'],
        lead.reports.map((r) => [
          allowed('GET /api/v1/reports/:reportId')
            ? h('a', { href: href(`reports/${r.reportId}`) }, r.categoryLabel)
            : r.categoryLabel,
          [r.township, r.village].filter(Boolean).join(' ') || '—',
          when(r.receivedAt),
          r.statusLabel,
        ]),
        '没有关联的举报',
      ),
      tableSection(
        '处理记录',
        ['时间', '人员', '操作', '状态变化', '说明'],
        lead.history.map((e) => [
          when(e.at),
          e.byName ?? e.by,
          label(LEAD_ACTION_LABELS, e.action),
          `${label(LEAD_STATUS_LABELS, e.from)} → ${label(LEAD_STATUS_LABELS, e.to)}`,
          [e.note, ...Object.entries(e.details ?? {}).map(([k, v]) => `${k}: ${v}`)]
            .filter(Boolean)
            .join('；') || '—',
        ]),
        '尚无处理记录',
      ),
    );
    if (message) message.focus?.();
  };
  await draw();
}
