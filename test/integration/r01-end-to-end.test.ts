/**
 * The vertical slice on the real local platform: DynamoDB Local, s3rver, the deployed ASL
 * in aws-local-stepfunctions, the real handlers and the HTTP API. Files go in through the
 * S3 client exactly as a department would upload them; leads come out through the API.
 */
import type { DemoCounty } from '@jiandu/demo';
import type { RemotePlatform } from '@jiandu/local';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEEDING_TIMEOUT_MS, type Seeding, seededPlatform } from '../support/seeded-platform.js';

describe('R01 end to end on the local platform', () => {
  let platform: RemotePlatform;
  let county: DemoCounty;
  let seeding: Seeding;

  const api = async (path: string) => {
    const res = await fetch(`${platform.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${platform.inspectorToken}` },
    });
    expect(res.status, path).toBe(200);
    return res;
  };

  // The shared platform, seeded with the demo county through S3 uploads (see seeded-platform.setup.ts).
  beforeAll(async () => {
    ({ platform, county, seeding } = await seededPlatform());
  }, SEEDING_TIMEOUT_MS);

  it('ran one successful execution per uploaded file', () => {
    expect(seeding.executions).toBe(county.files.length);
    expect(seeding.failed).toEqual([]);
  });

  it('stores exactly the planted R01 leads, with amounts and match quality', async () => {
    const leads: { leadId: string }[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(`/api/v1/leads?rule=R01&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await res.json()) as { items: { leadId: string }[]; cursor: string | null };
      leads.push(...page.items);
      cursor = page.cursor;
    } while (cursor);

    const found = await Promise.all(
      leads.map(
        async (l) => (await (await api(`/api/v1/leads/${l.leadId}`)).json()) as Record<string, unknown>,
      ),
    );
    const actual = found
      // The API answers 元; the planted truth is in fen.
      .map((l) => ({ subjectKey: l.subjectKey, amount: l.amount, match: l.match, village: l.village }))
      .sort((a, b) => String(a.subjectKey).localeCompare(String(b.subjectKey)));

    // Every planted lead, including those whose payments carry an ID a spreadsheet destroyed
    // (found by name + village against the registry, match `name_village`).
    const expected = county.truth.leads
      .filter((t) => t.rule === 'R01')
      .map((t) => ({ subjectKey: t.subjectKey, amount: t.amount / 100, match: t.match, village: t.village }))
      .sort((a, b) => a.subjectKey.localeCompare(b.subjectKey));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.some((t) => t.match === 'name_village')).toBe(true);
    expect(actual).toEqual(expected);

    const decoys = new Set(county.truth.decoys.filter((d) => d.rule === 'R01').map((d) => d.subjectKey));
    expect(actual.filter((a) => decoys.has(String(a.subjectKey)))).toEqual([]);
  });

  it('exports the leads as CSV with a BOM, one row per lead', async () => {
    const res = await api('/api/v1/leads/export?format=csv&rule=R01');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    const expected = county.truth.leads.filter((t) => t.rule === 'R01');
    expect(lines).toHaveLength(expected.length + 1);
    expect(lines[0]).toContain('线索编号,规则,对象,身份证号');
  });

  it('never shows a raw ID number in the lead list', async () => {
    const res = await api('/api/v1/leads?limit=500');
    // Not inside a longer token: a keyed lead id (20 hex characters) may hold 18 digits in a row.
    expect(await res.text()).not.toMatch(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/);
  });

  it('records every dataset version with its quality report', async () => {
    const res = await api('/api/v1/versions?department=police&kind=household_registry');
    const { items } = (await res.json()) as { items: { status: string; quality: { accepted: number } }[] };
    expect(items).toHaveLength(1);
    expect(items[0]?.status).toBe('active');
    expect(items[0]?.quality.accepted).toBeGreaterThan(300);
  });
});
