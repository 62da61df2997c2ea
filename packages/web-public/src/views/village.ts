/**
 * 看本村公开: pick a village, then its payments by month, its finance (钱从哪里来，花到哪里去),
 * its projects and its notices. Every figure is the API's; the page only lays it out.
 */
import { divisions, get } from '../api.js';
import { field, h, loadInto, message, money } from '../dom.js';
import type {
  Division,
  FinanceItem,
  Notice,
  Page,
  Project,
  PublicPayment,
  Total,
  VillageFinance,
} from '../types.js';

export function villagePickerView(): HTMLElement {
  const township = h('select', { name: 'township' });
  const village = h('select', { name: 'village', disabled: true });
  const body = h('div', {});
  const section = h('section', {}, h('h1', { tabindex: -1 }, '看本村公开'), body);
  void loadInto(body, async () => {
    const all = await divisions();
    const villagesOf = (code: string) => all.filter((d) => d.level === 'village' && d.parentCode === code);
    const option = (d: Division) => h('option', { value: d.code }, d.name);
    township.replaceChildren(
      h('option', { value: '' }, '请选择乡镇'),
      ...all.filter((d) => d.level === 'township').map(option),
    );
    township.addEventListener('change', () => {
      const villages = villagesOf(township.value);
      village.replaceChildren(h('option', { value: '' }, '请选择村（社区）'), ...villages.map(option));
      village.disabled = villages.length === 0;
    });
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (village.value) location.hash = `#/village/${encodeURIComponent(village.value)}/payments`;
        },
      },
      field('乡镇', township),
      field('村（社区）', village),
      h('button', { type: 'submit', class: 'primary' }, '查看'),
    );
  });
  return section;
}

const TABS = [
  ['payments', '补贴发放'],
  ['finance', '村级财务'],
  ['projects', '项目'],
  ['notices', '公告'],
] as const;
type Tab = (typeof TABS)[number][0];

export function villageView(code: string, tab: string | undefined): HTMLElement {
  const current: Tab = TABS.some(([t]) => t === tab) ? (tab as Tab) : 'payments';
  const heading = h('h1', { tabindex: -1 }, '本村公开');
  const nav = h(
    'nav',
    { 'aria-label': '公开内容', class: 'tabs' },
    TABS.map(([t, label]) =>
      h(
        'a',
        {
          href: `#/village/${encodeURIComponent(code)}/${t}`,
          ...(t === current ? { 'aria-current': 'page' } : {}),
        },
        label,
      ),
    ),
  );
  const body = h('div', {});
  void divisions()
    .then((all) => {
      const village = all.find((d) => d.code === code);
      const township = all.find((d) => d.code === village?.parentCode);
      if (village) heading.textContent = `${township ? `${township.name} ` : ''}${village.name}`;
    })
    .catch(() => undefined);
  const views: Record<Tab, (target: HTMLElement) => void> = {
    payments: (t) => paymentsByMonth(t, code),
    finance: (t) => finance(t, code),
    projects: (t) => projects(t, code),
    notices: (t) => notices(t, code),
  };
  views[current](body);
  return h('section', {}, heading, nav, body);
}

/** A "more" button that appends the next page of a cursor-paginated list. */
function moreButton<T>(
  list: HTMLElement,
  load: (cursor: string) => Promise<Page<T>>,
  render: (item: T) => Node,
  cursor: string | null | undefined,
): Node | null {
  if (!cursor) return null;
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        button.disabled = true;
        button.textContent = '正在加载……';
        try {
          const page = await load(cursor);
          list.append(...page.items.map(render));
          button.replaceWith(moreButton(list, load, render, page.nextCursor) ?? '');
        } catch (error) {
          button.disabled = false;
          button.textContent = '加载失败，点此重试';
          button.after(message(error instanceof Error ? error.message : String(error), 'error'));
        }
      },
    },
    '加载更多',
  );
  return button;
}

function paymentsByMonth(target: HTMLElement, village: string): void {
  const rows = h('div', { 'aria-live': 'polite' });
  const showMonth = (month: Total) => {
    const paymentCard = (p: PublicPayment) =>
      h(
        'li',
        { class: 'row' },
        h('span', {}, p.name),
        h('span', {}, p.programName),
        h('span', { class: 'num' }, money(p.amount)),
        h('span', {}, p.payDate),
      );
    void loadInto(rows, async () => {
      const load = (cursor?: string) =>
        get<Page<PublicPayment>>('payments', { village, month: month.key, cursor });
      const page = await load();
      const list = h('ul', { class: 'rows' }, page.items.map(paymentCard));
      return h(
        'div',
        {},
        h('h2', {}, `${month.label} 发放名单`),
        h(
          'p',
          { class: 'summary' },
          `共 ${month.recipients} 人、${month.payments} 笔，合计 ${money(month.amount)}。姓名只显示姓氏。`,
        ),
        list,
        moreButton(list, load, paymentCard, page.nextCursor),
      );
    });
  };
  void loadInto(target, async () => {
    const months = (await get<Page<Total>>('totals', { village, by: 'month' })).items;
    if (months.length === 0) return message('本村暂无公开的补贴发放记录。');
    return h(
      'div',
      {},
      h('h2', {}, '按月份查看'),
      h(
        'ul',
        { class: 'months' },
        months.map((m) =>
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'month', onclick: () => showMonth(m) },
              h('strong', {}, m.label),
              h('span', {}, `${m.recipients} 人 · ${money(m.amount)}`),
            ),
          ),
        ),
      ),
      rows,
    );
  });
}

function finance(target: HTMLElement, village: string): void {
  const thisYear = new Date().getFullYear();
  const year = h(
    'select',
    { name: 'year' },
    Array.from({ length: 6 }, (_, i) => h('option', { value: thisYear - i }, `${thisYear - i} 年`)),
  );
  const out = h('div', { 'aria-live': 'polite' });
  const show = () =>
    void loadInto(out, async () =>
      financeSheet(await get<VillageFinance>('village-finance', { village, year: year.value })),
    );
  year.addEventListener('change', show);
  target.replaceChildren(h('h2', {}, '钱从哪里来，花到哪里去'), field('年度', year), out);
  // Open on the latest year that has payments disclosed, else this year.
  void get<Page<Total>>('totals', { village, by: 'month' })
    .then(({ items }) => {
      const latest = items
        .map((m) => m.key.slice(0, 4))
        .sort()
        .pop();
      if (!latest) return;
      if (![...year.options].some((o) => o.value === latest))
        year.prepend(h('option', { value: latest }, `${latest} 年`));
      year.value = latest;
    })
    .catch(() => undefined)
    .finally(show);
}

function breakdown(
  title: string,
  total: number,
  parts: readonly { category: string; amount: number }[],
): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('h3', {}, title),
    h('p', { class: 'amount' }, money(total)),
    h(
      'ul',
      { class: 'rows' },
      parts.map((p) =>
        h('li', { class: 'row' }, h('span', {}, p.category), h('span', { class: 'num' }, money(p.amount))),
      ),
    ),
  );
}

function financeSheet(f: VillageFinance): Node {
  if (f.items.length === 0) return message(`${f.year} 年暂无公开的村级财务记录。`);
  const item = (i: FinanceItem) =>
    h(
      'li',
      { class: 'card' },
      h('p', { class: 'amount' }, `${i.direction} ${money(i.amount)}`),
      h('p', {}, h('strong', {}, i.category), ` · ${i.date}`),
      h('p', {}, `对方：${i.counterparty}`),
      h('p', {}, `摘要：${i.summary}`),
      h('p', { class: 'hint' }, `凭证号：${i.voucherNo}`),
    );
  return h(
    'div',
    {},
    breakdown('收入（钱从哪里来）', f.income.total, f.income.bySource),
    breakdown('支出（花到哪里去）', f.expenditure.total, f.expenditure.byCategory),
    h('h3', {}, `每一笔明细（共 ${f.items.length} 笔）`),
    h('ul', { class: 'cards' }, f.items.map(item)),
  );
}

function projects(target: HTMLElement, village: string): void {
  const project = (p: Project) =>
    h(
      'li',
      { class: 'card' },
      h('h2', {}, p.name),
      p.budget === null ? null : h('p', { class: 'amount' }, `预算 ${money(p.budget)}`),
      h('p', {}, `资金来源：${p.fundingSource}`),
      h('p', {}, `承建方：${p.contractor}`),
      h('p', {}, `采购方式：${p.tenderMethod}`),
      h('p', {}, `工期：${p.startDate} 至 ${p.endDate}`),
      h('p', {}, `状态：${p.status}　主管部门：${p.department}`),
    );
  void loadInto(target, async () => {
    const load = (cursor?: string) => get<Page<Project>>('projects', { village, cursor });
    const page = await load();
    if (page.items.length === 0) return message('本村暂无公开的项目。');
    const list = h('ul', { class: 'cards' }, page.items.map(project));
    // Every project, not only the first page: "more" appends the next one.
    return h('div', {}, list, moreButton(list, load, project, page.nextCursor));
  });
}

function notices(target: HTMLElement, village: string): void {
  const words = h('input', { type: 'search', name: 'q', maxlength: 40 });
  const out = h('div', { 'aria-live': 'polite' });
  const notice = (n: Notice) =>
    h(
      'li',
      { class: 'card' },
      h('h3', {}, n.title),
      h('p', { class: 'hint' }, `${n.publishDate} · ${n.category}`),
      h('p', { class: 'body' }, n.body),
    );
  const search = () =>
    void loadInto(out, async () => {
      const load = (cursor?: string) =>
        get<Page<Notice>>('notices', { village, q: words.value.trim(), cursor });
      const page = await load();
      if (page.items.length === 0) return message('没有找到公告。');
      const list = h('ul', { class: 'cards' }, page.items.map(notice));
      return h('div', {}, list, moreButton(list, load, notice, page.nextCursor));
    });
  target.replaceChildren(
    h(
      'form',
      {
        role: 'search',
        onsubmit: (event: Event) => {
          event.preventDefault();
          search();
        },
      },
      field('按字词查找公告', words),
      h('button', { type: 'submit' }, '查找'),
    ),
    out,
  );
  search();
}
