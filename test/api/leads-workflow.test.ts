/**
 * The inspectors' lead workflow through the HTTP API (`app.request()`), with a fake
 * authenticator mapping bearer tokens to principals of every role.
 */
import { createApp, type Principal } from '@jiandu/api';
import { subjectHash } from '@jiandu/domain/audit';
import { flagOverdueLeads } from '@jiandu/domain/leads/overdue';
import type { Lead } from '@jiandu/domain/model';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import { sampleLead } from '../support/leads.js';
import {
  type MemoryAuditLog,
  type MemoryCorrectionTasks,
  MemoryLeads,
  MemoryVersions,
  memoryWorkflowDeps,
} from '../support/memory-ports.js';
import { TEST_KEYS } from '../support/trust.js';

const PRINCIPALS: Record<string, Principal> = {
  'tok-inspector': { subject: 'u-inspector', roles: ['inspector'], name: '李检查' },
  'tok-inspector2': { subject: 'u-inspector2', roles: ['inspector'], name: '周检查' },
  'tok-admin': { subject: 'u-admin', roles: ['admin'] },
  'tok-qingshan': { subject: 'u-qingshan', roles: ['township_officer'], township: '青山镇', name: '王镇' },
  'tok-shimen': { subject: 'u-shimen', roles: ['township_officer'], township: '石门乡' },
  'tok-police': { subject: 'u-police', roles: ['department_uploader'], department: 'police' },
  'tok-civil': { subject: 'u-civil', roles: ['department_uploader'], department: 'civil-affairs' },
  'tok-supervisor': { subject: 'u-supervisor', roles: ['supervisor'] },
};
const fakeAuthenticator = principalsAuthenticator(PRINCIPALS);
const as = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
});
const post = (token: string, body: unknown, headers: Record<string, string> = {}): RequestInit =>
  as(token, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
/** What API Gateway (payload v2) hands the Lambda adapter: the caller's address. */
const lambdaEnv = (ip: string) => ({ requestContext: { http: { sourceIp: ip } } });

const ID = '431199198001011233';
const OTHER_ID = '430521194001010110';
const NOW = '2024-03-01T02:00:00.000Z';

function lead(leadId: string, overrides: Partial<Lead> = {}): Lead {
  return sampleLead(
    { leadId, idNumber: ID, deathVersionId: 'v-death', paymentVersionId: 'v-pay' },
    overrides,
  );
}

function version(
  versionId: string,
  department: string,
  kind: DatasetVersion['kind'],
  fileName: string,
): DatasetVersion {
  return {
    versionId,
    department,
    kind,
    fileName,
    rawBucket: 'uploads',
    rawKey: `uploads/${department}/${kind}/${fileName}`,
    fileHash: 'ab',
    size: 10,
    receivedAt: '2023-12-01T00:00:00Z',
    registeredAt: '2023-12-01T00:00:01Z',
    status: 'active',
    shardRows: [],
    coverage: [],
    history: [],
  };
}

const A = 'R01-aaaaaaaaaaaaaaaaaaaa';
const B = 'R06-bbbbbbbbbbbbbbbbbbbb'; // same person, other rule
const C = 'R01-cccccccccccccccccccc'; // other person, other township
const LOW = 'R08-dddddddddddddddddddd';
const GONE = 'R01-eeeeeeeeeeeeeeeeeeee';

describe('lead workflow API', () => {
  let leads: MemoryLeads;
  let audit: MemoryAuditLog;
  let corrections: MemoryCorrectionTasks;
  let app: ReturnType<typeof createApp>;
  let clock: string;

  beforeEach(async () => {
    clock = NOW;
    leads = new MemoryLeads();
    const versions = new MemoryVersions();
    await versions.create(version('v-death', 'police', 'death_records', '死亡人员2023.csv'));
    await versions.create(version('v-pay', 'civil-affairs', 'subsidy_payments', '低保发放2023.xlsx'));
    await leads.put(lead(A), 0);
    await leads.put(
      lead(B, { rule: 'R06', score: 40, amount: 5_000, createdAt: '2024-01-05T00:00:00.000Z' }),
      0,
    );
    await leads.put(
      lead(C, {
        idNumber: OTHER_ID,
        subjectKey: `${OTHER_ID}|DIBAO_RURAL`,
        name: '李四',
        subject: '李四 · 农村最低生活保障',
        township: '石门乡',
        score: 90,
        amount: 900_000,
        createdAt: '2024-01-03T00:00:00.000Z',
      }),
      0,
    );
    await leads.put(lead(LOW, { rule: 'R08', score: 12, createdAt: '2024-01-04T00:00:00.000Z' }), 0);
    await leads.put(lead(GONE, { status: 'superseded', createdAt: '2024-01-02T00:00:00.000Z' }), 0);
    const workflow = memoryWorkflowDeps();
    audit = workflow.audit;
    corrections = workflow.corrections;
    app = createApp(
      memoryApiDeps({
        leads,
        versions,
        workflow,
        authenticator: fakeAuthenticator,
        logError: () => {},
        now: () => clock,
      }),
    );
  });

  async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
    const body = await res.text();
    expect(res.status, body).toBe(status);
    return JSON.parse(body) as T;
  }
  const list = async (query: string, token = 'tok-inspector') =>
    (
      await json<{ items: { leadId: string }[]; cursor: string | null; total: number }>(
        await app.request(`/api/v1/leads${query}`, as(token)),
      )
    ).items.map((i) => i.leadId);

  describe('list', () => {
    it('hides low scores and superseded leads by default, and shows them when asked', async () => {
      expect(await list('')).toEqual([B, LOW, C, A].filter((id) => id !== LOW));
      expect(await list('?minScore=0')).toEqual([B, LOW, C, A]);
      expect(await list('?includeSuperseded=true')).toEqual([B, C, GONE, A]);
      expect(await list('?status=superseded')).toEqual([GONE]);
    });

    it('gives the total when the store knows it without counting, else leaves it out and pages on', async () => {
      type ListBody = { items: { leadId: string }[]; cursor: string | null; total?: number };
      const first = await json<ListBody>(await app.request('/api/v1/leads?limit=2', as('tok-inspector')));
      expect(first).toMatchObject({ total: 3, cursor: expect.any(String) });
      // A store that cannot tell without counting every lead (DynamoDB under a village filter).
      const page = leads.page.bind(leads);
      leads.page = async (filter, request) => {
        const { total: _uncounted, ...rest } = await page(filter, request);
        return rest;
      };
      const uncounted = await json<ListBody>(await app.request('/api/v1/leads?limit=2', as('tok-inspector')));
      expect('total' in uncounted).toBe(false);
      expect(uncounted.items.map((i) => i.leadId)).toEqual(first.items.map((i) => i.leadId));
      const rest = await json<ListBody>(
        await app.request(
          `/api/v1/leads?limit=2&cursor=${encodeURIComponent(uncounted.cursor as string)}`,
          as('tok-inspector'),
        ),
      );
      expect(rest.cursor).toBeNull();
      expect([...uncounted.items, ...rest.items].map((i) => i.leadId)).toEqual([B, C, A]);
    });

    it('filters by rule, village, score and amount ranges, created dates and status lists', async () => {
      expect(await list('?rule=R06')).toEqual([B]);
      expect(await list(`?village=${encodeURIComponent('红星村')}&minScore=0`)).toEqual([B, LOW, C, A]);
      expect(await list('?minScore=50&maxScore=80')).toEqual([A]);
      expect(await list('?minAmount=100&maxAmount=1234.56')).toEqual([A]);
      expect(await list('?createdFrom=2024-01-03&createdTo=2024-01-05')).toEqual([B, C]);
      expect(await list('?status=new,superseded')).toEqual([B, C, GONE, A]);
    });

    it('sorts by score or amount and pages with a cursor', async () => {
      expect(await list('?sort=score')).toEqual([C, A, B]);
      expect(await list('?sort=amount&order=asc')).toEqual([B, A, C]);
      const first = await json<{ items: { leadId: string }[]; cursor: string }>(
        await app.request('/api/v1/leads?sort=score&limit=2', as('tok-inspector')),
      );
      expect(first.items.map((i) => i.leadId)).toEqual([C, A]);
      expect(await list(`?sort=score&limit=2&cursor=${first.cursor}`)).toEqual([B]);
      const mixed = await app.request(
        `/api/v1/leads?sort=amount&cursor=${first.cursor}`,
        as('tok-inspector'),
      );
      expect(mixed.status).toBe(400);
    });

    it('names the bad field', async () => {
      for (const [query, field] of [
        ['?minScore=60&maxScore=50', 'minScore'],
        ['?minAmount=1.234', 'minAmount'],
        ['?status=open', 'status'],
        ['?createdFrom=2024-1-1', 'createdFrom'],
        ['?sort=name', 'sort'],
      ]) {
        const body = await json<{ error: { message: string } }>(
          await app.request(`/api/v1/leads${query}`, as('tok-inspector')),
          400,
        );
        expect(body.error.message, query).toContain(field);
      }
    });

    it('limits township officers to their township', async () => {
      expect(await list('', 'tok-shimen')).toEqual([C]);
      expect(await list(`?township=${encodeURIComponent('石门乡')}`, 'tok-shimen')).toEqual([C]);
      const other = await app.request(
        `/api/v1/leads?township=${encodeURIComponent('青山镇')}`,
        as('tok-shimen'),
      );
      expect(other.status).toBe(403);
      expect((await app.request('/api/v1/leads', as('tok-supervisor'))).status).toBe(403);
    });
  });

  describe('detail', () => {
    it('shows evidence with source versions, same-subject leads, reports and history, and audits the read', async () => {
      const res = await app.request(
        `/api/v1/leads/${A}`,
        as('tok-inspector', { headers: { 'user-agent': 'vitest' } }),
        lambdaEnv('203.0.113.7'),
      );
      expect(res.headers.get('etag')).toBe('"1"');
      const body = await json<
        Record<string, unknown> & {
          evidence: { source: unknown }[];
          relatedLeads: { leadId: string; idNumber: string }[];
        }
      >(res);
      expect(body.idNumber).toBe(ID);
      expect(body.evidence.map((e) => e.source)).toEqual([
        {
          versionId: 'v-death',
          kind: 'death_records',
          fileName: '死亡人员2023.csv',
          department: 'police',
          receivedAt: '2023-12-01T00:00:00Z',
          status: 'active',
        },
        {
          versionId: 'v-pay',
          kind: 'subsidy_payments',
          fileName: '低保发放2023.xlsx',
          department: 'civil-affairs',
          receivedAt: '2023-12-01T00:00:00Z',
          status: 'active',
        },
      ]);
      // Every other lead of the same ID number (any rule, any status), masked like lists.
      expect(body.relatedLeads.map((l) => l.leadId).sort()).toEqual([B, GONE, LOW].sort());
      expect(body.relatedLeads[0]?.idNumber).toBe('431199********1233');
      expect(body).toMatchObject({
        reports: [],
        history: [],
        revision: 1,
        allowedActions: ['assign', 'dismiss'],
      });
      expect(audit.entries()).toEqual([
        expect.objectContaining({
          actor: 'u-inspector',
          roles: ['inspector'],
          action: 'lead.read',
          target: { leadId: A },
          sourceIp: '203.0.113.7',
          userAgent: 'vitest',
          at: NOW,
        }),
      ]);
    });

    it("answers 404 for another township's lead, exactly as for a missing one, and audits nothing", async () => {
      const other = await app.request(`/api/v1/leads/${A}`, as('tok-shimen'));
      const missing = await app.request('/api/v1/leads/R01-ffffffffffffffffffff', as('tok-shimen'));
      expect([other.status, missing.status]).toEqual([404, 404]);
      expect(await other.json()).toEqual(await missing.json());
      expect(audit.entries()).toEqual([]);
      const own = await json(await app.request(`/api/v1/leads/${C}`, as('tok-shimen')));
      expect(own.leadId).toBe(C);
    });
  });

  describe('workflow', () => {
    it('assigns, verifies and confirms with amounts and dispositions, keeping history', async () => {
      const assigned = await json(
        await app.request(
          `/api/v1/leads/${A}/assign`,
          post('tok-inspector', {
            kind: 'township_office',
            assignee: '青山镇',
            deadline: '2024-03-15',
            note: '请核查',
            expectedRevision: 1,
          }),
        ),
      );
      expect(assigned).toMatchObject({
        status: 'assigned',
        revision: 2,
        assignee: '青山镇',
        allowedActions: ['assign', 'start_verification', 'dismiss'],
      });
      // The township officer works it, with If-Match instead of a body revision.
      const verifying = await app.request(
        `/api/v1/leads/${A}/start-verification`,
        post('tok-qingshan', {}, { 'if-match': '"2"' }),
      );
      expect(verifying.headers.get('etag')).toBe('"3"');
      expect((await json(verifying)).status).toBe('verifying');
      clock = '2024-03-05T00:00:00.000Z';
      const confirmed = await json<Record<string, unknown>>(
        await app.request(
          `/api/v1/leads/${A}/confirm`,
          post('tok-qingshan', {
            verifiedAmount: 1234.56,
            recoveredAmount: 1000,
            dispositions: { partyDiscipline: 1, admonition: 1, criticism: 0 },
            note: '已追缴',
            expectedRevision: 3,
          }),
        ),
      );
      expect(confirmed).toMatchObject({
        status: 'confirmed',
        revision: 4,
        verdict: {
          verifiedAmount: 1234.56,
          recoveredAmount: 1000,
          dispositions: { partyDiscipline: 1, admonition: 1, criticism: 0 },
          decidedBy: 'u-qingshan',
        },
      });
      const stored = (await leads.get(A)) as Lead;
      expect(stored.verdict?.verifiedAmount).toBe(123_456);
      expect(stored.history?.map((h) => `${h.by}:${h.from}→${h.to}`)).toEqual([
        'u-inspector:new→assigned',
        'u-qingshan:assigned→verifying',
        'u-qingshan:verifying→confirmed',
      ]);
      expect(audit.entries().map((e) => [e.action, e.target.command, e.target.revision])).toEqual([
        ['lead.update', 'assign', 2],
        ['lead.update', 'start_verification', 3],
        ['lead.update', 'confirm', 4],
      ]);
      // A verdict is final.
      const again = await json<{ error: { code: string; details: unknown } }>(
        await app.request(
          `/api/v1/leads/${A}/dismiss`,
          post('tok-inspector', { reason: 'other', note: '撤销', expectedRevision: 4 }),
        ),
        409,
      );
      expect(again.error.details).toEqual({ status: 'confirmed', action: 'dismiss', allowed: [] });
    });

    it('stale update: two inspectors edit the same lead; the second gets a 409 and nothing is lost', async () => {
      // Both opened the lead at revision 1.
      const first = await app.request(
        `/api/v1/leads/${A}/assign`,
        post('tok-inspector', {
          kind: 'person',
          assignee: 'u-zhang',
          deadline: '2024-03-10',
          expectedRevision: 1,
        }),
      );
      expect(first.status).toBe(200);
      const second = await app.request(
        `/api/v1/leads/${A}/assign`,
        post('tok-inspector2', {
          kind: 'person',
          assignee: 'u-li',
          deadline: '2024-03-20',
          expectedRevision: 1,
        }),
      );
      const body = await json<{ error: { code: string; message: string } }>(second, 409);
      expect(body.error.code).toBe('conflict');
      expect(body.error.message).toContain('reload');
      const stored = (await leads.get(A)) as Lead;
      expect(stored).toMatchObject({ assignee: 'u-zhang', revision: 2 });
      expect(stored.history).toHaveLength(1);
      // Reloaded, the second inspector reassigns on top of the first: both changes are in the history.
      await json(
        await app.request(
          `/api/v1/leads/${A}/assign`,
          post('tok-inspector2', {
            kind: 'person',
            assignee: 'u-li',
            deadline: '2024-03-20',
            expectedRevision: 2,
          }),
        ),
      );
      expect(((await leads.get(A)) as Lead).history?.map((h) => [h.action, h.details?.assignee])).toEqual([
        ['assign', 'u-zhang'],
        ['reassign', 'u-li'],
      ]);
    });

    it('detects a write that races between read and store (the repository refuses the old revision)', async () => {
      const put = leads.put.bind(leads);
      let raced = false;
      leads.put = async (l, expected) => {
        if (!raced) {
          raced = true;
          const current = (await leads.get(A)) as Lead;
          await put({ ...current, revision: current.revision + 1, assignee: 'someone' }, current.revision);
        }
        return put(l, expected);
      };
      const res = await app.request(
        `/api/v1/leads/${A}/dismiss`,
        post('tok-inspector', { reason: 'no_violation', note: '合规', expectedRevision: 1 }),
      );
      expect(res.status).toBe(409);
      expect(((await leads.get(A)) as Lead).status).toBe('new');
    });

    it('requires a revision and valid fields, naming them', async () => {
      const none = await json<{ error: { message: string } }>(
        await app.request(`/api/v1/leads/${A}/start-verification`, post('tok-inspector', {})),
        400,
      );
      expect(none.error.message).toContain('expectedRevision');
      const badAmount = await json<{ error: { message: string } }>(
        await app.request(
          `/api/v1/leads/${A}/confirm`,
          post('tok-inspector', {
            verifiedAmount: 1.234,
            recoveredAmount: 0,
            dispositions: { partyDiscipline: 0, admonition: 0, criticism: 0 },
            note: 'x',
            expectedRevision: 1,
          }),
        ),
        400,
      );
      expect(badAmount.error.message).toContain('verifiedAmount');
      const past = await json<{ error: { details: unknown } }>(
        await app.request(
          `/api/v1/leads/${A}/assign`,
          post('tok-inspector', {
            kind: 'person',
            assignee: 'u-z',
            deadline: '2024-02-01',
            expectedRevision: 1,
          }),
        ),
        400,
      );
      expect(past.error.details).toEqual({ field: 'deadline' });
      const notJson = await app.request(
        `/api/v1/leads/${A}/assign`,
        as('tok-inspector', { method: 'POST', body: '{' }),
      );
      expect(notJson.status).toBe(400);
    });

    it('keeps township officers to their township and away from assignment', async () => {
      expect(
        (
          await app.request(
            `/api/v1/leads/${A}/assign`,
            post('tok-qingshan', {
              kind: 'person',
              assignee: 'x',
              deadline: '2024-03-15',
              expectedRevision: 1,
            }),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await app.request(
            `/api/v1/leads/${A}/dismiss`,
            post('tok-shimen', { reason: 'other', note: 'x', expectedRevision: 1 }),
          )
        ).status,
      ).toBe(404);
      expect(((await leads.get(A)) as Lead).status).toBe('new');
    });
  });

  describe('source data wrong', () => {
    it('creates a correction task for the department that uploaded the wrong rows', async () => {
      const res = await json<{ correctionTasks: string[] }>(
        await app.request(
          `/api/v1/leads/${A}/dismiss`,
          post('tok-inspector', {
            reason: 'source_data_wrong',
            note: '死亡日期录入错误，实为2024年',
            wrongRows: [{ versionId: 'v-death', row: 3 }],
            expectedRevision: 1,
          }),
        ),
      );
      expect(res.correctionTasks).toHaveLength(1);
      const police = await json<{ items: Record<string, unknown>[] }>(
        await app.request('/api/v1/corrections', as('tok-police')),
      );
      expect(police.items).toEqual([
        expect.objectContaining({
          leadId: A,
          department: 'police',
          kind: 'death_records',
          versionId: 'v-death',
          fileName: '死亡人员2023.csv',
          rows: [{ row: 3 }],
          note: '死亡日期录入错误，实为2024年',
          status: 'open',
        }),
      ]);
      // No personal data in the task: rows are numbers, not values.
      expect(JSON.stringify(police)).not.toContain(ID);
      expect(
        (await json<{ items: unknown[] }>(await app.request('/api/v1/corrections', as('tok-civil')))).items,
      ).toEqual([]);
      expect((await app.request('/api/v1/corrections?department=police', as('tok-civil'))).status).toBe(403);
      expect(
        (await json<{ items: unknown[] }>(await app.request('/api/v1/corrections', as('tok-inspector'))))
          .items,
      ).toHaveLength(1);
      expect([...corrections.items.values()]).toHaveLength(1);
    });
  });

  describe('overdue', () => {
    it('the scheduled check flags past-deadline leads; the assigning inspector sees them', async () => {
      await json(
        await app.request(
          `/api/v1/leads/${A}/assign`,
          post('tok-inspector', {
            kind: 'township_office',
            assignee: '青山镇',
            deadline: '2024-03-10',
            expectedRevision: 1,
          }),
        ),
      );
      await json(
        await app.request(
          `/api/v1/leads/${C}/assign`,
          post('tok-inspector2', {
            kind: 'township_office',
            assignee: '石门乡',
            deadline: '2024-03-31',
            expectedRevision: 1,
          }),
        ),
      );
      expect(await flagOverdueLeads(leads, '2024-03-11T00:00:00.000Z')).toEqual({ checked: 2, flagged: 1 });
      expect(await flagOverdueLeads(leads, '2024-03-11T01:00:00.000Z')).toEqual({ checked: 1, flagged: 0 });

      const mine = await json<{
        items: { leadId: string; overdue: boolean; assignment: { deadline: string } }[];
      }>(await app.request('/api/v1/leads/overdue', as('tok-inspector')));
      expect(mine.items).toMatchObject([
        { leadId: A, overdue: true, assignment: { deadline: '2024-03-10', assignedBy: 'u-inspector' } },
      ]);
      expect(
        (await json<{ items: unknown[] }>(await app.request('/api/v1/leads/overdue', as('tok-inspector2'))))
          .items,
      ).toEqual([]);
      expect(
        (
          await json<{ items: unknown[] }>(
            await app.request('/api/v1/leads/overdue?scope=all', as('tok-inspector2')),
          )
        ).items,
      ).toHaveLength(1);
      expect(
        (await json<{ items: unknown[] }>(await app.request('/api/v1/leads/overdue', as('tok-qingshan'))))
          .items,
      ).toHaveLength(1);
      expect(
        (await json<{ items: unknown[] }>(await app.request('/api/v1/leads/overdue', as('tok-shimen'))))
          .items,
      ).toEqual([]);
      expect(await list('?overdue=true')).toEqual([A]);
      const stored = (await leads.get(A)) as Lead;
      expect(stored.history?.at(-1)).toMatchObject({ action: 'overdue', by: 'system' });
    });
  });

  describe('export, lookup and the audit log', () => {
    it('exports the filtered view (CSV with BOM, XLSX) and audits it with the filters and lead ids', async () => {
      const csv = await app.request(
        '/api/v1/leads/export?format=csv&sort=score',
        as('tok-inspector'),
        lambdaEnv('198.51.100.4'),
      );
      expect(csv.status).toBe(200);
      const bytes = new Uint8Array(await csv.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = new TextDecoder().decode(bytes).trim().split('\r\n');
      expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual([C, A, B]);
      const xlsx = await app.request('/api/v1/leads/export?format=xlsx&rule=R06', as('tok-qingshan'));
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
      expect(
        audit
          .entries()
          .map((e) => [e.actor, e.action, e.target.format, e.target.filters, e.target.leadIds, e.sourceIp]),
      ).toEqual([
        ['u-inspector', 'leads.export', 'csv', { format: 'csv', sort: 'score' }, [C, A, B], '198.51.100.4'],
        ['u-qingshan', 'leads.export', 'xlsx', { format: 'xlsx', rule: 'R06' }, [B], 'unknown'],
      ]);
    });

    it('names the export file by the China-time day, also before 08:00 in Beijing', async () => {
      clock = '2024-03-01T17:30:00.000Z'; // 01:30 on 2 March in Beijing
      const csv = await app.request('/api/v1/leads/export', as('tok-inspector'));
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="leads-2024-03-02.csv"');
    });

    it('looks a person up by ID number (POST), audits a hash of it, never the number', async () => {
      const found = await json<{ items: { leadId: string }[] }>(
        await app.request(
          '/api/v1/leads/lookup',
          post('tok-inspector', { idNumber: '431199 19800101 1233' }),
        ),
      );
      expect(found.items.map((i) => i.leadId).sort()).toEqual([A, B, GONE, LOW].sort());
      const bad = await json<{ error: { details: unknown } }>(
        await app.request('/api/v1/leads/lookup', post('tok-inspector', { idNumber: '431199198001011234' })),
        400,
      );
      expect(bad.error.details).toEqual({ field: 'idNumber' });
      expect((await app.request('/api/v1/leads/lookup', post('tok-qingshan', { idNumber: ID }))).status).toBe(
        403,
      );
      const [entry] = audit.entries();
      expect(entry).toMatchObject({
        action: 'person.lookup',
        target: { subjectHash: subjectHash(ID, TEST_KEYS.audit), count: 4 },
      });
      expect(JSON.stringify(audit.entries())).not.toContain(ID);
    });

    it('keeps every lead id of a large export: the admin pages through all of them', async () => {
      const many = Array.from({ length: 2_600 }, (_, i) => `R01-${i.toString(16).padStart(20, '0')}`);
      for (const [i, leadId] of many.entries())
        await leads.put(
          lead(leadId, {
            idNumber: OTHER_ID,
            subjectKey: `${OTHER_ID}|${i}`,
            createdAt: `2023-${String(1 + (i % 12)).padStart(2, '0')}-01T00:00:00.000Z`,
          }),
          0,
        );
      const csv = await app.request('/api/v1/leads/export?format=csv', as('tok-inspector'));
      const exported = (await csv.text())
        .trim()
        .split('\r\n')
        .slice(1)
        .map((r) => r.split(',')[0]?.replace(/^\uFEFF/, ''));
      expect(exported).toHaveLength(many.length + 3); // with A, B and C (LOW and GONE are hidden)

      const listed = await json<{
        items: { auditId: string; target: { leadIds: string[]; count: number } }[];
      }>(await app.request('/api/v1/audit?action=leads.export', as('tok-admin')));
      const [entry] = listed.items;
      if (!entry) throw new Error('the export was not audited');
      expect(entry.target.count).toBe(exported.length);
      expect(entry.target.leadIds).toEqual(exported.slice(0, 2000));

      const path = `/api/v1/audit/${encodeURIComponent(entry.auditId)}/leads`;
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: string[]; count: number; cursor: string | null } = await json(
          await app.request(`${path}?limit=700${cursor ? `&cursor=${cursor}` : ''}`, as('tok-admin')),
        );
        expect(page.count).toBe(exported.length);
        ids.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      expect(ids).toEqual(exported);

      expect((await app.request(path, as('tok-inspector'))).status).toBe(403);
      const unknown = encodeURIComponent('2024-03-01T02:00:00.000Z#no-such-entry');
      expect((await app.request(`/api/v1/audit/${unknown}/leads`, as('tok-admin'))).status).toBe(404);
      expect((await app.request(`${path}?cursor=abc`, as('tok-admin'))).status).toBe(400);
    });

    it('lets admins (only) query the log by actor, action and time', async () => {
      await app.request(`/api/v1/leads/${A}`, as('tok-inspector'));
      clock = '2024-03-02T02:00:00.000Z';
      await app.request(`/api/v1/leads/${C}`, as('tok-shimen'));
      clock = '2024-03-02T03:00:00.000Z';
      await app.request('/api/v1/leads/export', as('tok-inspector'));

      expect((await app.request('/api/v1/audit', as('tok-inspector'))).status).toBe(403);
      const all = await json<{ items: { actor: string; action: string }[] }>(
        await app.request('/api/v1/audit', as('tok-admin')),
      );
      expect(all.items.map((e) => `${e.actor}:${e.action}`)).toEqual([
        'u-inspector:leads.export',
        'u-shimen:lead.read',
        'u-inspector:lead.read',
      ]);
      const reads = await json<{ items: unknown[] }>(
        await app.request('/api/v1/audit?action=lead.read&actor=u-inspector', as('tok-admin')),
      );
      expect(reads.items).toHaveLength(1);
      const day = await json<{ items: unknown[] }>(
        await app.request('/api/v1/audit?from=2024-03-02&to=2024-03-02', as('tok-admin')),
      );
      expect(day.items).toHaveLength(2);
      const paged = await json<{ items: unknown[]; cursor: string }>(
        await app.request('/api/v1/audit?limit=2', as('tok-admin')),
      );
      expect(paged.items).toHaveLength(2);
      const rest = await json<{ items: unknown[]; cursor: null }>(
        await app.request(`/api/v1/audit?limit=2&cursor=${paged.cursor}`, as('tok-admin')),
      );
      expect(rest).toMatchObject({ items: [expect.anything()], cursor: null });
      expect((await app.request('/api/v1/audit?action=delete', as('tok-admin'))).status).toBe(400);
      // There is no route that changes or removes an entry.
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
        expect((await app.request('/api/v1/audit', as('tok-admin', { method }))).status).toBe(404);
      }
    });
  });
});
