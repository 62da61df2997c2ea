/**
 * The villagers' page (民生监督公开): search my payments, browse a village, file a report and
 * follow it by its receipt code. Hash routes (`#/my`, `#/village/…`) so any static host
 * serves it without rewrite rules.
 */
import './style.css';
import { h } from './dom.js';
import { myPaymentsView } from './views/my-payments.js';
import { receiptLookupView, reportView } from './views/report.js';
import { villagePickerView, villageView } from './views/village.js';

const app = document.querySelector<HTMLElement>('#app') as HTMLElement;

function homeView(): HTMLElement {
  const tile = (href: string, title: string, text: string) =>
    h('li', {}, h('a', { class: 'tile', href }, h('strong', {}, title), h('span', {}, text)));
  return h(
    'section',
    {},
    h('h1', { tabindex: -1 }, '民生资金公开'),
    h('p', {}, '查补贴、看村务、反映问题。不用注册，不用登录。'),
    h(
      'ul',
      { class: 'tiles' },
      tile('#/my', '查我的补贴', '输入姓名和身份证号，查本人和家里人领到的钱'),
      tile('#/village', '看本村公开', '补贴发放、村级财务、项目、公告'),
      tile('#/report', '我要举报', '发现问题，可以匿名反映'),
      tile('#/receipt', '查举报进度', '凭查询码看办理情况和答复'),
    ),
  );
}

/** The view of the current hash. */
function viewOf(hash: string): HTMLElement {
  const [, first, code, tab] = hash.replace(/^#/, '').split('/');
  switch (first) {
    case 'my':
      return myPaymentsView();
    case 'village':
      return code ? villageView(decodeURIComponent(code), tab) : villagePickerView();
    case 'report':
      return reportView();
    case 'receipt':
      return receiptLookupView();
    default:
      return homeView();
  }
}

function render(): void {
  const view = viewOf(location.hash);
  const home = location.hash.length > 2 ? h('a', { class: 'back', href: '#/' }, '‹ 返回首页') : null;
  app.replaceChildren(h('main', { id: 'main' }, home, view));
  // Move focus to the new heading so keyboard and screen-reader users start at the top.
  view.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', render);
render();
