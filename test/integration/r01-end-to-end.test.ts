/**
 * The vertical slice on the real local platform: DynamoDB Local, s3rver, the deployed ASL
 * in aws-local-stepfunctions, the real handlers and the HTTP API. Files go in through the
 * S3 client exactly as a department would upload them; leads come out through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type DemoCounty, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('R01 end to end on the local platform', () => {
  let dataDir: string;
  let platform: Platform;
  let county: DemoCounty;
  let s3: S3Client;

  const api = async (path: string) => {
    const res = await fetch(`${platform.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${platform.inspectorToken}` },
    });
    expect(res.status, path).toBe(200);
    return res;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-e2e-'));
    platform = await startPlatform({ dataDir, port: 0, empty: true, quiet: true });
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: platform.s3Endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    county = generateDemoCounty({ seed: 7, persons: 400, months: 8 });
    const files = demoFilesInUploadOrder(county.files);
    for (const file of files) {
      await s3.send(
        new PutObjectCommand({ Bucket: platform.buckets.upload, Key: demoUploadKey(file), Body: file.body }),
      );
    }
    await platform.waitForIdle(120_000);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ran one successful execution per uploaded file', () => {
    const executions = platform.executions();
    expect(executions).toHaveLength(county.files.length);
    expect(executions.filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
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
      .map((l) => ({ subjectKey: l.subjectKey, amountFen: l.amountFen, match: l.match, village: l.village }))
      .sort((a, b) => String(a.subjectKey).localeCompare(String(b.subjectKey)));

    // Every planted lead, including those whose payments carry an ID a spreadsheet destroyed
    // (found by name + village against the registry, match `name_village`).
    const expected = county.truth.leads
      .filter((t) => t.rule === 'R01')
      .map((t) => ({ subjectKey: t.subjectKey, amountFen: t.amount, match: t.match, village: t.village }))
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
    expect(lines[0]).toContain('lead_id,rule,subject,id_number');
  });

  it('never shows a raw ID number in the lead list', async () => {
    const res = await api('/api/v1/leads?limit=500');
    expect(await res.text()).not.toMatch(/\d{17}[\dX]/);
  });

  it('records every dataset version with its quality report', async () => {
    const res = await api('/api/v1/versions?department=police&kind=household_registry');
    const { items } = (await res.json()) as { items: { status: string; quality: { accepted: number } }[] };
    expect(items).toHaveLength(1);
    expect(items[0]?.status).toBe('active');
    expect(items[0]?.quality.accepted).toBeGreaterThan(300);
  });
});
