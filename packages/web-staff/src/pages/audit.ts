/** 审计: the audit log for admins, filtered by actor, action and time (newest first). */
import type { AuditEntry } from '@jiandu/domain/audit';
import { get } from '../api';
import { field, h, heading, mount, select, table, when } from '../dom';
import { AUDIT_ACTION_LABELS, label } from '../labels';
import { href, navigate, type PageContext } from '../router';

const KEYS = ['actor', 'action', 'from', 'to'] as const;

export async function auditPage({ query, main }: PageContext): Promise<void> {
  const q = new URLSearchParams();
  for (const k of KEYS) if (query.get(k)) q.set(k, query.get(k) ?? '');
  const items: AuditEntry[] = [];
  let cursor: string | null = null;
  const load = async () => {
    const page = await get<{ items: AuditEntry[]; cursor: string | null }>(
      `/api/v1/audit?${q}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.cursor;
  };
  await load();
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': '筛选' },
    field(
      '人员（账号）',
      h('input', { name: 'actor', value: query.get('actor') ?? '', autocomplete: 'off' }),
    ),
    field(
      '操作',
      select('action', [['', '全部'], ...Object.entries(AUDIT_ACTION_LABELS)], query.get('action') ?? ''),
    ),
    field('自', h('input', { name: 'from', type: 'date', value: query.get('from') ?? '' })),
    field('至', h('input', { name: 'to', type: 'date', value: query.get('to') ?? '' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '筛选')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const next = new URLSearchParams();
    for (const k of KEYS) if (String(d.get(k) ?? '').trim()) next.set(k, String(d.get(k)).trim());
    navigate(href('audit') + (next.size ? `?${next}` : ''));
  });
  const holder = h('div');
  const more = h('button', { type: 'button' }, '加载更多');
  const draw = () => {
    mount(
      holder,
      table(
        `审计日志（已显示 ${items.length} 条）`,
        ['时间', '人员', '角色', '操作', '对象', '来源地址'],
        items.map((e) => [
          when(e.at),
          e.actor,
          e.roles.join('、'),
          label(AUDIT_ACTION_LABELS, e.action),
          [
            Object.entries(e.target)
              .filter(([k]) => k !== 'leadIds')
              .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
              .join('；'),
            e.target.leadIds ? leadIdList(e) : null,
          ],
          e.sourceIp,
        ]),
        '没有符合条件的记录',
      ),
    );
    more.hidden = !cursor;
  };
  more.addEventListener('click', async () => {
    await load();
    draw();
  });
  draw();
  mount(main, heading('审计'), form, holder, more);
}

/** The lead ids an entry names, every one of them, read page by page when opened. */
function leadIdList(entry: AuditEntry): HTMLElement {
  const count = entry.target.count ?? entry.target.leadIds?.length ?? 0;
  const list = h('ol', { class: 'lead-ids' });
  const more = h('button', { type: 'button', hidden: true }, '加载更多编号');
  const note = h('p', { hidden: true }, '此记录写于完整保存线索编号之前，只保存了前 2000 个编号。');
  let cursor: string | null = null;
  let loaded = false;
  const load = async () => {
    const page = await get<{ items: string[]; cursor: string | null; truncated?: boolean }>(
      `/api/v1/audit/${encodeURIComponent(entry.auditId)}/leads?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    list.append(...page.items.map((id) => h('li', null, h('a', { href: href(`leads/${id}`) }, id))));
    cursor = page.cursor;
    more.hidden = !cursor;
    note.hidden = !page.truncated;
  };
  more.addEventListener('click', () => void load());
  const details = h('details', null, h('summary', null, `线索编号（${count} 个）`), list, more, note);
  details.addEventListener('toggle', () => {
    if (details.open && !loaded) {
      loaded = true;
      void load();
    }
  });
  return details;
}
