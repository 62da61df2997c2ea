/**
 * What staff read when a request is wrong (Chinese, naming the field), amounts as people type
 * them, and `Cache-Control: no-store` on every staff answer, through `app.request()`.
 */
import { type Access, createApp, type Principal, routeTable } from '@jiandu/api';
import type { Lead } from '@jiandu/domain/model';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import { sampleLead } from '../support/leads.js';
import { MemoryLeads } from '../support/memory-ports.js';

const PRINCIPALS: Record<string, Principal> = {
  inspector: { subject: 'u-inspector', roles: ['inspector'], name: '李检查' },
  civil: { subject: 'u-civil', roles: ['department_uploader'], department: 'civil-affairs' },
  admin: { subject: 'u-admin', roles: ['admin'] },
  supervisor: { subject: 'u-supervisor', roles: ['supervisor'] },
};
const as = (who: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
});
const post = (who: string, body: unknown): RequestInit =>
  as(who, { method: 'POST', body: JSON.stringify(body) });

// 2024-03-01 10:00 China Standard Time.
const NOW = '2024-03-01T02:00:00.000Z';
const VERIFYING = 'R01-verifying000000000000';

let leads: MemoryLeads;
let app: ReturnType<typeof createApp>;

function lead(leadId: string, overrides: Partial<Lead> = {}): Lead {
  return sampleLead(
    { leadId, idNumber: '431199198001011233', deathVersionId: 'v-death', paymentVersionId: 'v-pay' },
    overrides,
  );
}

beforeEach(async () => {
  leads = new MemoryLeads();
  await leads.put(
    lead(VERIFYING, {
      status: 'verifying',
      assignee: 'u-inspector',
      assignment: {
        kind: 'person',
        assignee: 'u-inspector',
        deadline: '2024-03-31',
        assignedBy: 'u-inspector',
        assignedAt: NOW,
      },
    }),
    0,
  );
  await leads.put(lead('R01-cheap00000000000000000', { amount: 99_999, subjectKey: 'cheap' }), 0);
  app = createApp(
    memoryApiDeps({ leads, authenticator: principalsAuthenticator(PRINCIPALS), now: () => NOW }),
  );
});

async function problem(res: Response | Promise<Response>) {
  const r = await res;
  const body = (await r.json()) as {
    error: { code: string; message: string; details?: { issues?: { field: string; message: string }[] } };
  };
  expect(r.status, body.error.message).toBe(400);
  return body.error;
}

const confirm = (amounts: { verifiedAmount?: unknown; recoveredAmount?: unknown }, extra = {}) =>
  app.request(
    `/api/v1/leads/${VERIFYING}/confirm`,
    post('inspector', {
      verifiedAmount: 0,
      recoveredAmount: 0,
      dispositions: { partyDiscipline: 0, admonition: 0, criticism: 0 },
      note: '经核查属实',
      expectedRevision: 1,
      ...amounts,
      ...extra,
    }),
  );

describe('amounts as people type them', () => {
  it.each([
    ['2,250', 2250],
    ['2250.5', 2250.5],
    ['¥2,250', 2250],
    ['2250元', 2250],
    ['￥2,250.05', 2250.05],
    ['２２５０', 2250],
    [2250.5, 2250.5],
    ['0.5万', 5000],
  ])('confirms with %j as %d 元', async (typed, yuan) => {
    const res = await confirm({ verifiedAmount: typed, recoveredAmount: typed });
    const body = (await res.json()) as { verdict: { verifiedAmount: number; recoveredAmount: number } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.verdict).toMatchObject({ verifiedAmount: yuan, recoveredAmount: yuan });
    expect((await leads.get(VERIFYING))?.verdict?.recoveredAmount).toBe(Math.round(yuan * 100));
  });

  it('filters the list by typed amounts too', async () => {
    const ids = async (query: string) => {
      const res = await app.request(`/api/v1/leads?minScore=0&${query}`, as('inspector'));
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { leadId: string }[] }).items.map((l) => l.leadId);
    };
    expect(await ids(`minAmount=${encodeURIComponent('¥1,000')}`)).toEqual([VERIFYING]);
    expect(await ids(`maxAmount=${encodeURIComponent('999.99元')}`)).toEqual(['R01-cheap00000000000000000']);
  });

  it('refuses what is no amount, negative or finer than a fen, naming the field in Chinese', async () => {
    const cases: [unknown, string][] = [
      ['2,2x0', '追回金额（recoveredAmount）：应为金额，如 2250、2,250.50、¥2,250 或 2250元'],
      ['-5', '追回金额（recoveredAmount）：不能为负数'],
      ['2250.505', '追回金额（recoveredAmount）：最多两位小数（分）'],
      [12.345, '追回金额（recoveredAmount）：最多两位小数（分）'],
      [true, '追回金额（recoveredAmount）：无效'],
    ];
    for (const [typed, message] of cases) {
      const error = await problem(confirm({ recoveredAmount: typed }));
      expect(error.details?.issues).toEqual([{ field: 'recoveredAmount', message }]);
      expect(error.message).toBe(`请求内容有误：${message}`);
    }
    expect((await leads.get(VERIFYING))?.status).toBe('verifying');
  });
});

describe('validation messages of staff routes', () => {
  it('names every wrong field by its Chinese label and its request name', async () => {
    const error = await problem(
      confirm(
        { verifiedAmount: undefined },
        { note: '', dispositions: { partyDiscipline: 1, admonition: -1 } },
      ),
    );
    expect(error.details?.issues).toEqual([
      { field: 'verifiedAmount', message: '核实金额（verifiedAmount）：必填' },
      { field: 'dispositions.admonition', message: '诫勉谈话人数（dispositions.admonition）：不能小于 0' },
      { field: 'dispositions.criticism', message: '批评教育人数（dispositions.criticism）：必填' },
      { field: 'note', message: '备注（note）：不能为空' },
    ]);
  });

  it('answers query, path and body errors in Chinese on every kind of staff route', async () => {
    const cases: [string, RequestInit, string][] = [
      [
        '/api/v1/leads?limit=0&sort=size',
        as('inspector'),
        '查询参数有误：排序字段（sort）：应为以下之一：score、amount、date；每页条数（limit）：不能小于 1',
      ],
      [
        '/api/v1/leads?createdFrom=2024-3-1',
        as('inspector'),
        '起始日期（createdFrom）：应为日期，如 2024-03-01',
      ],
      [
        '/api/v1/stats?createdTo=2023-02-29',
        as('inspector'),
        '截止日期（createdTo）：应为日期，如 2024-03-01',
      ],
      [
        '/api/v1/leads?minScore=80&maxScore=20',
        as('inspector'),
        '最低分（minScore）：不能大于最高分（maxScore）',
      ],
      [
        '/api/v1/stats?createdFrom=2024-03-02&createdTo=2024-03-01',
        as('inspector'),
        '起始日期（createdFrom）：不能晚于截止日期（createdTo）',
      ],
      ['/api/v1/leads/not%20an%20id', as('inspector'), '路径参数有误：线索编号（leadId）：编号格式不正确'],
      ['/api/v1/versions/v-xyz', as('inspector'), '数据版本编号（versionId）：不是数据版本编号'],
      [
        '/api/v1/uploads',
        post('civil', { kind: 'gossip', fileName: 'a.csv', extra: 1 }),
        '类型（kind）：应为以下之一',
      ],
      [
        '/api/v1/uploads',
        post('civil', { kind: 'gossip', fileName: 'a.csv', extra: 1 }),
        '请求内容（body）：不认识的字段：extra',
      ],
      [
        `/api/v1/leads/${VERIFYING}/assign`,
        post('inspector', { kind: 'person', assignee: 'u-z', deadline: 'tomorrow', expectedRevision: 1 }),
        '办理期限（deadline）：应为日期',
      ],
      [
        `/api/v1/leads/${VERIFYING}/assign`,
        post('inspector', { kind: 'person', assignee: 'u-z', deadline: '2024-03-05' }),
        '版本号（expectedRevision，或 If-Match 请求头）必填',
      ],
      [
        `/api/v1/leads/${VERIFYING}/assign`,
        as('inspector', { method: 'POST', body: '{' }),
        '请求内容不是有效的 JSON：请按接口文档（/api/v1/docs）发送 JSON 对象',
      ],
      [
        '/api/v1/leads/lookup',
        post('inspector', { idNumber: '123456789012345' }),
        '身份证号（idNumber）第7到14位的出生日期不对',
      ],
      [
        '/api/v1/leads/lookup',
        post('inspector', { idNumber: '4311991980010112' }),
        '身份证号（idNumber）应为18位',
      ],
      [
        '/api/v1/leads/lookup',
        // 431199198001011233 with a wrong last digit.
        post('inspector', { idNumber: '431199198001011234' }),
        '身份证号（idNumber）校验位不对，请核对身份证号最后一位',
      ],
      ['/api/v1/audit?from=yesterday', as('admin'), '起始时间（from）：应为日期（如 2024-03-01）或 ISO 时间'],
    ];
    for (const [path, init, expected] of cases) {
      const { message } = await problem(app.request(path, init));
      expect(message, path).toContain(expected);
      expect(message, path).not.toMatch(/\b(Invalid|expected|received|Too small|Too big)\b/);
    }
  });

  it('answers a malformed id or body on every staff route in Chinese, whatever the route', async () => {
    const who = (access: Access) =>
      access !== 'public' && access.includes('admin') ? 'admin' : 'supervisor';
    const routes = routeTable(memoryApiDeps({ authenticator: principalsAuthenticator(PRINCIPALS) })).filter(
      (r) => r.access !== 'public' && (r.path.includes(':') || r.method !== 'GET'),
    );
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.path.replace(/:\w+/g, 'not%20an%20id');
      const init =
        route.method === 'GET'
          ? as(who(route.access))
          : as(who(route.access), { method: route.method, body: '[]' });
      const { message } = await problem(app.request(path, init));
      expect(message, `${route.method} ${route.path}`).toMatch(
        /^(路径参数有误：[^（]+（\w+）：编号格式不正确|路径参数有误：数据版本编号（versionId）：不是数据版本编号|请求内容有误：请求内容（body）：应为对象（JSON）)/,
      );
    }
  });
});

describe('workflow checks beyond the request shape', () => {
  it('are answered in Chinese naming the field too', async () => {
    const cases: [Response | Promise<Response>, string, string][] = [
      [
        confirm({ verifiedAmount: '1,000', recoveredAmount: '1,000.01' }),
        'recoveredAmount',
        '追回金额（recoveredAmount）不能大于核实金额（verifiedAmount）',
      ],
      [confirm({}, { note: '   ' }), 'note', '备注（note）不能为空'],
      [
        app.request(
          `/api/v1/leads/${VERIFYING}/assign`,
          post('inspector', { kind: 'person', assignee: 'u-z', deadline: '2024-02-29', expectedRevision: 1 }),
        ),
        'deadline',
        '办理期限（deadline）已过（不能早于今天）',
      ],
      [
        app.request(
          `/api/v1/leads/${VERIFYING}/dismiss`,
          post('inspector', {
            reason: 'no_violation',
            note: '合规',
            wrongRows: [{ versionId: 'v-pay', row: 7 }],
            expectedRevision: 1,
          }),
        ),
        'wrongRows',
        '错误数据行（wrongRows）只用于原因 source_data_wrong（源数据错误）',
      ],
    ];
    for (const [res, field, message] of cases) {
      const error = await problem(res);
      expect(error).toMatchObject({ code: 'validation_failed', message, details: { field } });
    }
    expect((await leads.get(VERIFYING))?.revision).toBe(1);
  });
});

describe('Cache-Control on staff answers', () => {
  it('is no-store on every answer of a private route, errors included; public answers are left alone', async () => {
    const staff = [
      await app.request('/api/v1/leads', as('inspector')),
      await app.request(`/api/v1/leads/${VERIFYING}`, as('inspector')),
      await app.request('/api/v1/leads/export', as('inspector')),
      await app.request('/api/v1/leads/R01-nosuchlead000000000000', as('inspector')),
      await app.request('/api/v1/leads?limit=0', as('inspector')),
      await app.request('/api/v1/leads', {}),
      await app.request('/api/v1/versions', as('civil')),
      await app.request('/api/v1/leads', as('civil')),
    ];
    expect(staff.map((r) => r.status)).toEqual([200, 200, 200, 404, 400, 401, 200, 403]);
    for (const res of staff) expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/api/v1/rules')).headers.get('cache-control')).toBeNull();
  });
});
