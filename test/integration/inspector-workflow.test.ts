/**
 * An inspector's day on the real local platform (DynamoDB Local, s3rver, the deployed ASL,
 * the real handlers and the HTTP API with tokens from the local issuer): list leads, read
 * one, assign it, verify it, confirm it with amounts, export the view; the statistics
 * reflect the verdict, a new collision run keeps it, and the audit log holds every step.
 */

import { SFNClient } from '@aws-sdk/client-sfn';
import type { RemotePlatform } from '@jiandu/local';
import { StepFunctionsCollisionStarter } from '@jiandu/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEEDING_TIMEOUT_MS, seededPlatform } from '../support/seeded-platform.js';

interface Summary {
  leadId: string;
  rule: string;
  score: number;
  status: string;
  township: string | null;
  amount: number;
}

describe('inspector workflow on the local platform', () => {
  let platform: RemotePlatform;
  let inspector: string;
  let admin: string;
  let picked: Summary;

  const call = async (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${platform.apiUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers as object),
      },
    });
  const ok = async <T>(res: Response): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as T;
  };
  /** Today in China Standard Time, plus `days`. */
  const cstDay = (days: number) =>
    new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

  // The shared platform, seeded with the demo county (see seeded-platform.setup.ts). This file
  // changes the leads it picks; the other files sharing the platform only read.
  beforeAll(async () => {
    ({ platform } = await seededPlatform());
    // The token `npm start` prints, and the admin's from the local issuer.
    inspector = platform.inspectorToken ?? '';
    admin = await platform.tokenFor('admin');
  }, SEEDING_TIMEOUT_MS);

  it('lists leads best first and reads one in full (evidence with its source files)', async () => {
    const list = await ok<{ items: Summary[]; total: number }>(
      await call(inspector, '/api/v1/leads?sort=score&limit=20'),
    );
    expect(list.items.length).toBeGreaterThan(0);
    const scores = list.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(list.items.every((i) => i.score >= 20 && i.status !== 'superseded')).toBe(true);
    picked = list.items[0] as Summary;

    const res = await call(inspector, `/api/v1/leads/${picked.leadId}`);
    expect(res.headers.get('etag')).toBe('"1"');
    const detail = await ok<{
      status: string;
      evidence: { versionId: string; source: { fileName: string; department: string } | null }[];
      history: unknown[];
      reports: unknown[];
    }>(res);
    expect(detail.status).toBe('new');
    expect(detail.evidence.length).toBeGreaterThan(0);
    for (const e of detail.evidence) expect(e.source?.fileName, e.versionId).toBeTruthy();
    expect(detail).toMatchObject({ history: [], reports: [] });
  });

  it('assigns, verifies and confirms with amounts; a stale edit is refused', async () => {
    const assigned = await ok<{ status: string; revision: number }>(
      await call(inspector, `/api/v1/leads/${picked.leadId}/assign`, {
        method: 'POST',
        headers: { 'if-match': '"1"' },
        body: JSON.stringify({
          kind: 'township_office',
          assignee: picked.township ?? '县纪委',
          deadline: cstDay(14),
        }),
      }),
    );
    expect(assigned).toMatchObject({ status: 'assigned', revision: 2 });
    // Someone still looking at revision 1 can't overwrite that.
    const stale = await call(inspector, `/api/v1/leads/${picked.leadId}/dismiss`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'other', note: '过时的页面', expectedRevision: 1 }),
    });
    expect(stale.status).toBe(409);

    await ok(
      await call(inspector, `/api/v1/leads/${picked.leadId}/start-verification`, {
        method: 'POST',
        body: JSON.stringify({ note: '调取发放台账', expectedRevision: 2 }),
      }),
    );
    const confirmed = await ok<{
      status: string;
      verdict: { verifiedAmount: number; recoveredAmount: number };
    }>(
      await call(inspector, `/api/v1/leads/${picked.leadId}/confirm`, {
        method: 'POST',
        body: JSON.stringify({
          verifiedAmount: picked.amount,
          recoveredAmount: 100,
          dispositions: { partyDiscipline: 1, admonition: 0, criticism: 1 },
          note: '经核查属实，已追缴部分资金',
          expectedRevision: 3,
        }),
      }),
    );
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      verdict: { verifiedAmount: picked.amount, recoveredAmount: 100 },
    });
  });

  it('exports the confirmed view as CSV with a BOM', async () => {
    const res = await call(inspector, '/api/v1/leads/export?format=csv&status=confirmed');
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(picked.leadId);
    expect(lines[1]).toContain(',已查实,');
  });

  it('statistics reflect the verdict', async () => {
    const stats = await ok<{
      leads: {
        byStatus: Record<string, number>;
        amounts: { verified: number; recovered: number };
        dispositions: Record<string, number>;
        byRule: { rule: string; confirmed: number; precision: number | null }[];
      };
      progress: { datasets: number };
    }>(await call(inspector, '/api/v1/stats'));
    expect(stats.leads.byStatus.confirmed).toBe(1);
    expect(stats.leads.amounts).toMatchObject({ verified: picked.amount, recovered: 100 });
    expect(stats.leads.dispositions).toEqual({ partyDiscipline: 1, admonition: 0, criticism: 1 });
    expect(stats.leads.byRule.find((r) => r.rule === picked.rule)).toMatchObject({
      confirmed: 1,
      precision: 1,
    });
    expect(stats.progress.datasets).toBeGreaterThan(0);
  });

  it('a new collision run keeps the verdict and its history; the overdue job runs clean', async () => {
    const sfn = new SFNClient({
      endpoint: platform.sfnEndpoint,
      region: platform.region,
      credentials: platform.credentials,
    });
    await new StepFunctionsCollisionStarter(sfn, platform.stateMachineArn).start('Inspector Test Rerun', {});
    sfn.destroy();
    await platform.waitForIdle(120_000);
    expect((await platform.executions()).filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
    const detail = await ok<{ status: string; verdict: unknown; history: { action: string }[] }>(
      await call(inspector, `/api/v1/leads/${picked.leadId}`),
    );
    expect(detail.status).toBe('confirmed');
    expect(detail.verdict).toMatchObject({ verifiedAmount: picked.amount });
    expect(detail.history.map((h) => h.action)).toEqual(['assign', 'start_verification', 'confirm']);
    // Nothing is past its deadline: the job checks and flags nothing.
    expect(await platform.runJob('OverdueLeads')).toEqual({ checked: 0, flagged: 0 });
  });

  it('dismissing a lead as 源数据错误 files a correction task with the department that uploaded the rows', async () => {
    const list = await ok<{ items: Summary[] }>(
      await call(inspector, '/api/v1/leads?sort=score&status=new&limit=1'),
    );
    const second = list.items[0] as Summary;
    const detail = await ok<{
      revision: number;
      evidence: { versionId: string; row: number; source: { department: string } }[];
    }>(await call(admin, `/api/v1/leads/${second.leadId}`));
    const wrong = detail.evidence[0] as (typeof detail.evidence)[number];
    const dismissed = await ok<{ status: string; correctionTasks: string[] }>(
      await call(admin, `/api/v1/leads/${second.leadId}/dismiss`, {
        method: 'POST',
        body: JSON.stringify({
          reason: 'source_data_wrong',
          note: '该行数据与原始台账不符',
          wrongRows: [{ versionId: wrong.versionId, row: wrong.row }],
          expectedRevision: detail.revision,
        }),
      }),
    );
    expect(dismissed).toMatchObject({ status: 'dismissed', correctionTasks: [expect.any(String)] });
    const tasks = await ok<{
      items: { taskId: string; department: string; versionId: string; rows: { row: number }[] }[];
    }>(await call(inspector, `/api/v1/corrections?department=${wrong.source.department}`));
    expect(tasks.items).toEqual([
      expect.objectContaining({
        taskId: dismissed.correctionTasks[0],
        department: wrong.source.department,
        versionId: wrong.versionId,
        rows: [{ row: wrong.row }],
      }),
    ]);
  });

  it('the audit log holds every read, change and export, with who and from where', async () => {
    expect((await call(inspector, '/api/v1/audit')).status).toBe(403);
    type Entry = {
      actor: string;
      action: string;
      sourceIp: string;
      target: { leadId?: string; command?: string; format?: string; count?: number };
    };
    // Every page of the inspector's entries (newest first): others share this inspector.
    const items: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Entry[]; cursor: string | null } = await ok(
        await call(
          admin,
          `/api/v1/audit?actor=local-inspector&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        ),
      );
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const log = { items };
    // The seeded platform is shared (the dashboard's browser tests read and export as the same
    // inspector): this test's trail is what concerns its lead and its one-lead export.
    const mine = log.items.filter(
      (e) => e.target.leadId === picked.leadId || (e.action === 'leads.export' && e.target.count === 1),
    );
    const trail = mine.map((e) => `${e.action}:${e.target.command ?? e.target.leadId ?? ''}`).reverse();
    expect(trail).toEqual([
      `lead.read:${picked.leadId}`,
      'lead.update:assign',
      'lead.update:start_verification',
      'lead.update:confirm',
      'leads.export:',
      `lead.read:${picked.leadId}`,
    ]);
    for (const entry of log.items) {
      expect(entry.actor).toBe('local-inspector');
      expect(entry.sourceIp).toMatch(/127\.0\.0\.1$/);
    }
    const exports = await ok<{ items: { target: { format: string; count: number } }[] }>(
      await call(admin, '/api/v1/audit?action=leads.export'),
    );
    expect(exports.items).toContainEqual(
      expect.objectContaining({ target: expect.objectContaining({ format: 'csv', count: 1 }) }),
    );
    // Time ranges are key ranges (China-time days): since yesterday holds all of it, tomorrow nothing.
    const recent = await ok<{ items: unknown[] }>(
      await call(admin, `/api/v1/audit?from=${cstDay(-1)}&to=${cstDay(0)}&limit=100`),
    );
    expect(recent.items.length).toBeGreaterThanOrEqual(mine.length + 2); // + the admin's read and dismissal
    const tomorrow = await ok<{ items: unknown[] }>(await call(admin, `/api/v1/audit?from=${cstDay(1)}`));
    expect(tomorrow.items).toEqual([]);
  });
});
