/**
 * The staff dashboard: login, role-aware navigation and the pages (leads, statistics,
 * reports, department data, audit). Plain TypeScript and DOM, no framework (README explains).
 */
import './style.css';
import { ApiError, allowed, type Route, whenUnauthenticated } from './api';
import { completeSignIn, currentSession, signIn, signOut } from './auth';
import { h, mount, notice } from './dom';
import { ROLE_LABELS } from './labels';
import { auditPage } from './pages/audit';
import { dataPage, versionPage } from './pages/data';
import { leadPage, leadsPage } from './pages/leads';
import { assistedPage, reportPage, reportsPage } from './pages/reports';
import { appPath, href, navigate, onNavigate, type PageContext } from './router';

/** The statistics page loads ECharts: fetched only when it is opened. */
interface Page {
  readonly path: RegExp;
  readonly route: Route;
  readonly render: (ctx: PageContext) => Promise<void>;
  /** In the navigation, with this label. */
  readonly nav?: string;
}

/** Each page is reachable by whoever may call the API route it reads. */
const PAGES: readonly Page[] = [
  { path: /^leads$/, route: 'GET /api/v1/leads', render: leadsPage, nav: '线索' },
  { path: /^leads\/([A-Za-z0-9_-]+)$/, route: 'GET /api/v1/leads/:leadId', render: leadPage },
  {
    path: /^stats$/,
    route: 'GET /api/v1/stats',
    render: async (ctx) => (await import('./pages/stats')).statsPage(ctx),
    nav: '统计',
  },
  { path: /^reports$/, route: 'GET /api/v1/reports', render: reportsPage, nav: '举报' },
  { path: /^reports\/([A-Za-z0-9_-]+)$/, route: 'GET /api/v1/reports/:reportId', render: reportPage },
  { path: /^assisted$/, route: 'GET /api/v1/reports/assisted', render: assistedPage, nav: '代为举报' },
  { path: /^data$/, route: 'GET /api/v1/versions', render: dataPage, nav: '数据' },
  { path: /^data\/(v-[0-9a-f]+)$/, route: 'GET /api/v1/versions/:versionId', render: versionPage },
  { path: /^audit$/, route: 'GET /api/v1/audit', render: auditPage, nav: '审计' },
];

const root = document.querySelector<HTMLElement>('#app') as HTMLElement;

function loginScreen(message?: string): void {
  document.title = '登录 · 监督工作台';
  const returnTo = location.pathname + location.search;
  mount(
    root,
    h(
      'main',
      { id: 'main', class: 'login' },
      h('h1', null, '监督工作台'),
      h('p', null, '县纪委监委、乡镇纪委、数据报送部门和村务监督委员会的工作平台。'),
      message ? notice(message, 'error') : null,
      h('button', { type: 'button', class: 'primary', onclick: () => void signIn(returnTo) }, '登录'),
      h('p', { class: 'muted' }, '登录由统一身份认证完成；在云上部署中需要密码和动态验证码（MFA）。'),
    ),
  );
}

function layout(): HTMLElement {
  const session = currentSession();
  const current = appPath().split('/')[0];
  const nav = PAGES.filter((p) => p.nav && allowed(p.route));
  const main = h('main', { id: 'main', tabindex: -1 });
  mount(
    root,
    h('a', { class: 'skip', href: '#main' }, '跳到正文'),
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, '监督工作台'),
      h(
        'nav',
        { 'aria-label': '主导航' },
        h(
          'ul',
          null,
          nav.map((p) => {
            const path = p.path.source.replace(/^\^|\$$/g, '');
            return h(
              'li',
              null,
              h('a', { href: href(path), 'aria-current': current === path ? 'page' : null }, p.nav ?? ''),
            );
          }),
        ),
      ),
      h(
        'div',
        { class: 'who' },
        h(
          'span',
          null,
          `${session?.name ?? ''}（${(session?.roles ?? []).map((r) => ROLE_LABELS[r] ?? r).join('、')}${
            session?.township
              ? ` · ${session.township}`
              : session?.department
                ? ` · ${session.department}`
                : ''
          }）`,
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await signOut();
              loginScreen();
            },
          },
          '退出登录',
        ),
      ),
    ),
    main,
  );
  return main;
}

async function show(): Promise<void> {
  const path = appPath();
  if (path === 'callback') {
    try {
      const next = await completeSignIn(new URLSearchParams(location.search));
      navigate(next.includes('/callback') ? href('') : next, true);
    } catch (error) {
      history.replaceState(null, '', href(''));
      loginScreen(error instanceof Error ? error.message : String(error));
    }
    return;
  }
  if (!currentSession()) return loginScreen();
  const main = layout();
  const first = PAGES.find((p) => p.nav && allowed(p.route));
  if (path === '') {
    if (first) return navigate(href(first.path.source.replace(/^\^|\$$/g, '')), true);
    mount(
      main,
      h('h1', null, '监督工作台'),
      notice('您的账号没有可用的功能，请联系管理员分配角色。', 'error'),
    );
    return;
  }
  const page = PAGES.find((p) => p.path.test(path));
  const params = page ? (page.path.exec(path) ?? []).slice(1) : [];
  if (!page || !allowed(page.route)) {
    document.title = '页面不存在 · 监督工作台';
    mount(
      main,
      h('h1', { tabindex: -1 }, '页面不存在'),
      h('p', null, '您要找的页面不存在，或不在您的权限范围内。'),
    );
    return;
  }
  mount(main, h('p', { role: 'status' }, '正在载入…'));
  try {
    await page.render({ params, query: new URLSearchParams(location.search), main });
  } catch (error) {
    const message =
      error instanceof ApiError && error.status === 404
        ? '不存在：您要找的内容不存在，或不在您的管辖范围内。'
        : error instanceof Error
          ? error.message
          : String(error);
    document.title = '出错了 · 监督工作台';
    mount(
      main,
      h('h1', { tabindex: -1 }, error instanceof ApiError && error.status === 404 ? '不存在' : '出错了'),
      notice(message, 'error'),
    );
  }
  main.querySelector<HTMLElement>('h1')?.focus();
}

whenUnauthenticated(() => loginScreen('登录已过期，请重新登录。'));
onNavigate(() => void show());
void show();
