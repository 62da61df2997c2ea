import { createApp, routeTable } from '@jiandu/api';
import type { Lead } from '@jiandu/domain/model';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps } from '../support/api.js';
import { createTestIdentity, TEST_USERS, type TestIdentity } from '../support/identity.js';
import { sampleLead } from '../support/leads.js';
import { MemoryLeads, memoryDisclosureDeps } from '../support/memory-ports.js';

let identity: TestIdentity;
let auth: Record<string, string>;
beforeAll(async () => {
  identity = await createTestIdentity();
  auth = await identity.headers(TEST_USERS.inspector);
});
const ID = '431199198001011234';

function lead(overrides: Partial<Lead> = {}): Lead {
  const ids = {
    leadId: 'R01-0123456789abcdef0123',
    idNumber: ID,
    deathVersionId: 'v-1',
    paymentVersionId: 'v-2',
  };
  return sampleLead(ids, overrides);
}

describe('HTTP API', () => {
  let leads: MemoryLeads;
  let app: ReturnType<typeof createApp>;
  const deps = () => memoryApiDeps({ leads, authenticator: identity.authenticator, logError: () => {} });

  beforeEach(async () => {
    leads = new MemoryLeads();
    await leads.put(lead(), 0);
    await leads.put(
      lead({
        leadId: 'R01-ffff',
        subjectKey: 'x',
        township: '石门乡',
        createdAt: '2024-02-01T00:00:00.000Z',
      }),
      0,
    );
    app = createApp(deps());
  });

  it('serves health publicly', async () => {
    const res = await app.request('/api/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses leads without or with a wrong token', async () => {
    const none = await app.request('/api/v1/leads');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const wrong = await app.request('/api/v1/leads', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('lists leads newest first with ID numbers and names masked', async () => {
    const res = await app.request('/api/v1/leads', { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Record<string, unknown>[]; cursor: string | null };
    expect(body.items.map((i) => i.leadId)).toEqual(['R01-ffff', 'R01-0123456789abcdef0123']);
    expect(body.items[1]).toMatchObject({
      idNumber: '431199********1234',
      subject: '张** · 农村最低生活保障',
      amount: 1234.56,
      evidenceCount: 2,
    });
    expect(JSON.stringify(body)).not.toContain(ID);
  });

  it('filters and paginates with a cursor', async () => {
    const first = await app.request('/api/v1/leads?limit=1', { headers: auth });
    const page1 = (await first.json()) as { items: { leadId: string }[]; cursor: string };
    expect(page1.items).toHaveLength(1);
    const second = await app.request(`/api/v1/leads?limit=1&cursor=${page1.cursor}`, { headers: auth });
    const page2 = (await second.json()) as { items: { leadId: string }[]; cursor: string | null };
    expect(page2.items[0]?.leadId).toBe('R01-0123456789abcdef0123');
    expect(page2.cursor).toBeNull();
    const filtered = await app.request(`/api/v1/leads?township=${encodeURIComponent('石门乡')}`, {
      headers: auth,
    });
    expect(((await filtered.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('rejects bad query values naming the field', async () => {
    const res = await app.request('/api/v1/leads?limit=0&rule=R99', { headers: auth });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain('limit');
    expect(body.error.message).toContain('rule');
  });

  it('shows one lead in full and 404s unknown ones', async () => {
    const res = await app.request('/api/v1/leads/R01-0123456789abcdef0123', { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.idNumber).toBe(ID);
    expect(body.amount).toBe(1234.56);
    expect(body.evidence).toHaveLength(2);
    const missing = await app.request('/api/v1/leads/R01-nothere', { headers: auth });
    expect(missing.status).toBe(404);
  });

  it('exports CSV with a BOM for people: Chinese headers and labels, 元 with two decimals, the ID quoted', async () => {
    const res = await app.request('/api/v1/leads/export?format=csv&township=%E9%9D%92%E5%B1%B1%E9%95%87', {
      headers: auth,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      '线索编号,规则,对象,身份证号,姓名,乡镇,村（社区）,涉及金额（元）,评分,比对方式,状态,承办人,证据条数,发现日期,核实金额（元）,追回金额（元）',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('R01-0123456789abcdef0123,R01 死亡人员领取补贴,');
    expect(lines[1]).toContain(',1234.56,');
    expect(lines[1]).toContain(',新线索,');
    expect(lines[1]).toMatch(/,"\d{17}[\dX]",/);
    expect(lines[1]).not.toContain('\t');
  });

  it('exports the canonical columns and codes with headers=canonical', async () => {
    const res = await app.request(
      '/api/v1/leads/export?format=csv&headers=canonical&township=%E9%9D%92%E5%B1%B1%E9%95%87',
      { headers: auth },
    );
    const lines = new TextDecoder()
      .decode(new Uint8Array(await res.arrayBuffer()).slice(3))
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe(
      'lead_id,rule,subject,id_number,name,township,village,amount,score,match,status,assignee,evidence_count,created_at,verified_amount,recovered_amount',
    );
    expect(lines[1]).toMatch(/^R01-0123456789abcdef0123,R01,.*,1234\.56,\d+,id,new,/);
    const bad = await app.request('/api/v1/leads/export?headers=english', { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('headers');
  });

  it('exports XLSX', async () => {
    const res = await app.request('/api/v1/leads/export?format=xlsx', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(...bytes.slice(0, 2))).toBe('PK');
  });

  it('never returns a raw ID number from a public route', async () => {
    const publicRoutes = routeTable(deps()).filter((r) => r.access === 'public' && r.method === 'GET');
    expect(publicRoutes.length).toBeGreaterThan(0);
    for (const route of publicRoutes) {
      const res = await app.request(route.path.replace(/:(\w+)/g, 'R01-0123456789abcdef0123'));
      const text = await res.text();
      expect(text, route.path).not.toMatch(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/);
    }
  });

  it('protects every non-public route', async () => {
    for (const route of routeTable(deps()).filter((r) => r.access !== 'public')) {
      const res = await app.request(route.path.replace(/:(\w+)/g, 'x'), { method: route.method });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('answers an unexpected failure with a 500 in Chinese that says what to do, its cause only in the log', async () => {
    const logged: Error[] = [];
    const disclosure = memoryDisclosureDeps();
    disclosure.store.years = async () => {
      throw new Error('ProvisionedThroughputExceededException: table jiandu');
    };
    const failing = createApp(
      memoryApiDeps({ authenticator: identity.authenticator, disclosure, logError: (e) => logged.push(e) }),
    );
    const res = await failing.request('/api/v1/public/programs');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: '服务器内部出错，请稍后再试' } });
    expect(logged.map((e) => e.message)).toEqual(['ProvisionedThroughputExceededException: table jiandu']);
  });

  it('tells a caller whose body is not JSON where to read what to send', async () => {
    for (const path of ['/api/v1/public/lookup', '/api/v1/public/reports/lookup']) {
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'name=张三',
      });
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toEqual({
        error: {
          code: 'validation_failed',
          message: '请求内容不是有效的 JSON：请按接口文档（/api/v1/docs）发送 JSON 对象',
        },
      });
    }
  });
});
