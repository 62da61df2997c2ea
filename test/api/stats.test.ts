/**
 * The statistics page through the HTTP API: leads seeded, worked through the workflow
 * routes, then counted.
 */
import { createApp, type Principal } from '@jiandu/api';
import type { Lead, RuleCode } from '@jiandu/domain/model';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import { MemoryLeads, MemoryVersions } from '../support/memory-ports.js';

const PRINCIPALS: Record<string, Principal> = {
  inspector: { subject: 'u-inspector', roles: ['inspector'] },
  qingshan: { subject: 'u-qingshan', roles: ['township_officer'], township: '青山镇' },
  police: { subject: 'u-police', roles: ['department_uploader'], department: 'police' },
};
const as = (who: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
});

let n = 0;
function lead(rule: RuleCode, township: string, amountFen: number, status: Lead['status'] = 'new'): Lead {
  n++;
  const id = `${rule}-${String(n).padStart(20, '0')}`;
  return {
    leadId: id,
    rule,
    subjectKey: `s${n}`,
    subject: `subject ${n}`,
    township,
    village: '某村',
    amount: amountFen,
    match: 'id',
    evidence: [],
    reasons: [],
    score: 50,
    scoreBreakdown: [],
    status,
    createdAt: `2024-01-${String(n).padStart(2, '0')}T00:00:00.000Z`,
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastRunId: 'run-1',
    revision: 1,
  };
}

describe('GET /api/v1/stats', () => {
  const leads = new MemoryLeads();
  const versions = new MemoryVersions();
  const app = createApp(
    memoryApiDeps({
      leads,
      versions,
      authenticator: principalsAuthenticator(PRINCIPALS),
      logError: () => {},
      now: () => '2024-03-01T00:00:00.000Z',
    }),
  );
  const seeded = [
    lead('R01', '青山镇', 100_000),
    lead('R01', '青山镇', 50_000),
    lead('R01', '石门乡', 20_000),
    lead('R06', '石门乡', 30_000),
    lead('R06', '青山镇', 10_000),
    lead('R08', '青山镇', 70_000, 'superseded'),
  ];
  const [a, b, c, d] = seeded as [Lead, Lead, Lead, Lead];

  async function send(leadId: string, action: string, body: Record<string, unknown>) {
    const current = (await leads.get(leadId)) as Lead;
    const res = await app.request(
      `/api/v1/leads/${leadId}/${action}`,
      as('inspector', {
        method: 'POST',
        body: JSON.stringify({ ...body, expectedRevision: current.revision }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const assign = { kind: 'person', assignee: 'u-a', deadline: '2024-03-31' };
  const confirm = (
    verifiedAmount: number,
    recoveredAmount: number,
    partyDiscipline: number,
    criticism: number,
  ) => ({
    verifiedAmount,
    recoveredAmount,
    dispositions: { partyDiscipline, admonition: 0, criticism },
    note: '查实',
  });

  beforeAll(async () => {
    for (const l of seeded) await leads.put(l, 0);
    const version: DatasetVersion = {
      versionId: 'v-1',
      department: 'police',
      kind: 'death_records',
      fileName: '死亡.csv',
      rawBucket: 'u',
      rawKey: 'uploads/police/death_records/死亡.csv',
      fileHash: 'ab',
      size: 1,
      receivedAt: '2024-01-01T00:00:00Z',
      registeredAt: '2024-01-01T00:00:00Z',
      status: 'active',
      shardRows: [],
      coverage: [],
      history: [],
    };
    await versions.create(version);
    for (const id of [a.leadId, b.leadId]) {
      await send(id, 'assign', assign);
      await send(id, 'start-verification', {});
    }
    await send(a.leadId, 'confirm', confirm(900, 600, 1, 2));
    await send(b.leadId, 'confirm', confirm(500, 500, 0, 1));
    await send(c.leadId, 'dismiss', { reason: 'no_violation', note: '合规' });
    await send(d.leadId, 'dismiss', { reason: 'source_data_wrong', note: '数据错误' });
  });

  it('reflects the verdicts: statuses, amounts in 元, dispositions and per-rule precision', async () => {
    const res = await app.request('/api/v1/stats', as('inspector'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      leads: {
        total: number;
        byStatus: Record<string, number>;
        byRule: {
          rule: string;
          precision: number | null;
          confirmed: number;
          dismissed: number;
          amountVerified: number;
        }[];
        byTownship: { township: string; count: number }[];
        amounts: Record<string, number>;
        dispositions: Record<string, number>;
        precision: number;
      };
      progress: { datasets: number; items: { department: string; kind: string }[] };
    };
    expect(body.leads.total).toBe(6);
    expect(body.leads.byStatus).toEqual({
      new: 1,
      assigned: 0,
      verifying: 0,
      confirmed: 2,
      dismissed: 2,
      superseded: 1,
    });
    expect(body.leads.amounts).toEqual({ found: 2100, verified: 1400, recovered: 1100 });
    expect(body.leads.dispositions).toEqual({ partyDiscipline: 1, admonition: 0, criticism: 3 });
    expect(
      body.leads.byRule.map((r) => [r.rule, r.confirmed, r.dismissed, r.precision, r.amountVerified]),
    ).toEqual([
      ['R01', 2, 1, 0.6667, 1400],
      ['R06', 0, 1, 0, 0],
      ['R08', 0, 0, null, 0],
    ]);
    expect(body.leads.precision).toBe(0.5);
    expect(body.leads.byTownship).toMatchObject([
      // zh-CN collation: pinyin order (qing before shi).
      { township: '青山镇', count: 4 },
      { township: '石门乡', count: 2 },
    ]);
    expect(body.progress.items).toContainEqual(
      expect.objectContaining({ department: 'police', kind: 'death_records' }),
    );
  });

  it('scopes a township officer to their township, without county data progress', async () => {
    const res = await app.request('/api/v1/stats', as('qingshan'));
    const body = (await res.json()) as {
      scope: unknown;
      leads: { total: number; amounts: unknown };
      progress?: unknown;
    };
    expect(body.scope).toEqual({ township: '青山镇', rule: null });
    expect(body.leads.total).toBe(4);
    expect(body.leads.amounts).toEqual({ found: 1600, verified: 1400, recovered: 1100 });
    expect(body.progress).toBeUndefined();
    expect(
      (await app.request(`/api/v1/stats?township=${encodeURIComponent('石门乡')}`, as('qingshan'))).status,
    ).toBe(403);
  });

  it('filters by rule and creation date, and refuses other roles', async () => {
    const res = await app.request(
      '/api/v1/stats?rule=R01&createdFrom=2024-01-02&createdTo=2024-01-03',
      as('inspector'),
    );
    const body = (await res.json()) as { leads: { total: number } };
    expect(body.leads.total).toBe(2);
    expect((await app.request('/api/v1/stats', as('police'))).status).toBe(403);
    expect(
      (await app.request('/api/v1/stats?createdFrom=2024-02-01&createdTo=2024-01-01', as('inspector')))
        .status,
    ).toBe(400);
  });
});
