/**
 * One accuracy run on the real local platform: generate the demo county, upload it the way
 * departments do (through the S3 API, reference databases first), wait until every workflow
 * execution is done, read the leads back through the inspectors' HTTP API and compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type DemoCounty, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import type { MatchQuality, RuleCode } from '@jiandu/domain/model';
import { pool } from '@jiandu/domain/pool';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { createS3Client } from '@jiandu/local/s3';
import { type AccuracyReport, compareLeads, type Found } from './compare.js';

/** Options of {@link runAccuracy}. */
export interface AccuracyOptions {
  readonly persons: number;
  readonly seed?: number;
  /** Months of subsidy period (fewer months, fewer files, a faster run); default the generator's 12. */
  readonly months?: number;
  /** Progress lines (counts and timings only). */
  readonly log?: (line: string) => void;
  /** How long to wait for the workflow to go idle, ms. */
  readonly idleTimeoutMs?: number;
  /** Called once the platform runs, so a CLI can stop it on Ctrl-C (DynamoDB Local is a child process). */
  readonly onStarted?: (platform: Platform) => void;
}

/** What a run measured, and how long each phase took (ms). */
export interface AccuracyRun {
  readonly county: DemoCounty;
  readonly implemented: RuleCode[];
  readonly found: Found[];
  readonly report: AccuracyReport;
  readonly executions: { readonly total: number; readonly failed: number };
  readonly timings: {
    readonly generate: number;
    readonly upload: number;
    readonly collide: number;
    readonly read: number;
  };
}

/** Where the API is and whose token reads it: a platform started here, or one shared by tests. */
export type ApiAccess = Pick<Platform, 'apiUrl' | 'inspectorToken'>;

/** GET a JSON document from the platform's API. */
async function getJson<T>(platform: ApiAccess, path: string, auth = true): Promise<T> {
  const res = await fetch(`${platform.apiUrl}${path}`, {
    headers: auth ? { authorization: `Bearer ${platform.inspectorToken}` } : {},
  });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Every lead of the implemented rules, with the fields the comparison needs (from the detail
 * route). Every score (`minScore=0`): the list's default view hides low scores, a display
 * setting that says nothing about what the rules found.
 */
export async function readLeads(platform: ApiAccess, rules: readonly RuleCode[]): Promise<Found[]> {
  const ids: string[] = [];
  for (const rule of rules) {
    let cursor: string | null = null;
    do {
      const page: { items: { leadId: string }[]; cursor: string | null } = await getJson(
        platform,
        `/api/v1/leads?rule=${rule}&minScore=0&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      ids.push(...page.items.map((i) => i.leadId));
      cursor = page.cursor;
    } while (cursor);
  }
  return pool(ids, 16, async (id) => {
    const d = await getJson<{
      rule: RuleCode;
      subjectKey: string;
      /** 元, like every amount the API answers. */
      amount: number;
      match: MatchQuality;
      status: string;
    }>(platform, `/api/v1/leads/${id}`);
    return {
      rule: d.rule,
      subjectKey: d.subjectKey,
      amountFen: Math.round(d.amount * 100),
      match: d.match,
      status: d.status,
    };
  });
}

/**
 * Generate a county of `persons`, run it through a fresh local platform (temporary data
 * folder, free ports, demo seeding off) and compare its leads with the truth.
 */
export async function runAccuracy(options: AccuracyOptions): Promise<AccuracyRun> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const county = generateDemoCounty({
    persons: options.persons,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.months !== undefined ? { months: options.months } : {}),
  });
  const generated = performance.now();
  log(
    `generated ${county.countyName}: ${county.stats.persons} persons, ${county.files.length} files, ${county.truth.leads.length} expected leads (${Math.round(generated - started)} ms)`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'jiandu-accuracy-'));
  let platform: Platform | undefined;
  try {
    platform = await startPlatform({ dataDir, port: 0, empty: true, quiet: true });
    options.onStarted?.(platform);
    const s3 = createS3Client(platform.s3Endpoint);
    const t0 = performance.now();
    for (const file of demoFilesInUploadOrder(county.files)) {
      await s3.send(
        new PutObjectCommand({ Bucket: platform.buckets.upload, Key: demoUploadKey(file), Body: file.body }),
      );
    }
    const t1 = performance.now();
    log(
      `uploaded ${county.files.length} files (${Math.round(t1 - t0)} ms); waiting for the collision workflow…`,
    );
    await platform.waitForIdle(options.idleTimeoutMs ?? 60 * 60_000);
    const t2 = performance.now();
    const executions = platform.executions();
    const failed = executions.filter((e) => e.status !== 'SUCCEEDED').length;
    log(`${executions.length} workflow executions, ${failed} not succeeded (${Math.round(t2 - t1)} ms)`);

    const rules = await getJson<{ items: { code: RuleCode }[] }>(platform, '/api/v1/rules', false);
    const implemented = rules.items.map((r) => r.code);
    const found = await readLeads(platform, implemented);
    const t3 = performance.now();
    log(`read ${found.length} leads of ${implemented.length} implemented rules (${Math.round(t3 - t2)} ms)`);
    s3.destroy();
    return {
      county,
      implemented,
      found,
      report: compareLeads(county.truth.leads, found, implemented),
      executions: { total: executions.length, failed },
      timings: { generate: generated - started, upload: t1 - t0, collide: t2 - t1, read: t3 - t2 },
    };
  } finally {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
