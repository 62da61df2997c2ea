/**
 * The run's shard count follows the data, and the findings don't depend on it: the same
 * county matched in 1, 2, 16 and 32 shards (more than versions are stored in) gives the same
 * findings, each shard reading only its slice and its cut of the reference (and of the kinds the
 * rules look up by payment only, the rows of the people paid there); a version stored in another
 * number of shards (an older layout) is read alike.
 */

import { demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import {
  combineFindings,
  evaluateRules,
  hasLostId,
  kindsReadByRecipient,
  type MatchInput,
  RULES,
  type SourceRow,
} from '@jiandu/domain';
import type { Finding } from '@jiandu/domain/model';
import { hasUsableId } from '@jiandu/domain/rules/common';
import {
  type CollisionManifest,
  decodeRows,
  encodeRows,
  matchShard,
  NormalizeInput,
  normalizeUpload,
  planCollision,
  readShardInput,
  referencePartKeys,
  SHARD_COUNT,
  type ShardSizing,
  shardCountFor,
  shardKey,
  shardOf,
  storedShardsOf,
} from '@jiandu/pipeline';
import { loadVersionShards, MAX_OPEN_READS } from '@jiandu/pipeline/source-rows';
import { beforeAll, describe, expect, it } from 'vitest';
import { collisionTaskDeps } from '../support/workflow.js';

const DATA = 'data-bucket';
const UPLOAD = 'uploads-bucket';

describe('shardCountFor', () => {
  const sizing: ShardSizing = { rowsPerShard: 1_000, minShards: 2, maxShards: 16 };
  it('gives the smallest power of two that keeps each shard within its rows, within bounds', () => {
    expect(shardCountFor(0, sizing)).toBe(2);
    expect(shardCountFor(2_000, sizing)).toBe(2);
    expect(shardCountFor(2_001, sizing)).toBe(4);
    expect(shardCountFor(7_999, sizing)).toBe(8);
    expect(shardCountFor(1_000_000, sizing)).toBe(16);
    expect(shardCountFor(500, { ...sizing, minShards: 1 })).toBe(1);
  });
});

describe('storedShardsOf', () => {
  it('reads whole stored shards when the run has no more shards than the version', () => {
    expect(storedShardsOf(1, 4, 16)).toEqual({ shards: [1, 5, 9, 13] });
    expect(storedShardsOf(0, 1, 4)).toEqual({ shards: [0, 1, 2, 3] });
    expect(storedShardsOf(3, 16, 16)).toEqual({ shards: [3] });
  });
  it('reads one stored shard and filters it when the run has more', () => {
    expect(storedShardsOf(21, 32, 16)).toEqual({ shards: [5], filter: { shard: 21, of: 32 } });
  });
  it('refuses counts that are not powers of two (their layouts would not nest)', () => {
    expect(() => storedShardsOf(0, 3, 16)).toThrow(/powers of two/);
  });
});

describe('one county matched in any number of shards', () => {
  const county = generateDemoCounty({ persons: 400, seed: 5, months: 2 });
  const base = collisionTaskDeps();
  const { objects, versions, ruleConfig } = base;

  /** The reference rows the plan sent one shard of a run. */
  async function sentTo(manifest: CollisionManifest, shard: number): Promise<SourceRow[]> {
    const parts = await Promise.all(
      referencePartKeys(manifest, shard).map(async (key) => {
        const bytes = (await objects.getBytes(DATA, key)) as Uint8Array;
        return decodeRows(new TextDecoder().decode(bytes)) as SourceRow[];
      }),
    );
    return parts.flat();
  }

  /** One full collision in `shards` shards: its findings combined, its manifest and what each shard read. */
  async function collide(shards: number) {
    let referenceRows = 0;
    const log = {
      ...base.log,
      info: (message: string, attributes?: Record<string, unknown>) => {
        if (message === 'collision planned') referenceRows = attributes?.referenceRows as number;
      },
    };
    const deps = { ...base, log, shardSizing: { rowsPerShard: 1, minShards: shards, maxShards: shards } };
    const plan = await planCollision(deps, { trigger: 'Scheduled Event', eventTime: base.now() });
    const manifest = JSON.parse(
      new TextDecoder().decode(await objects.getBytes(DATA, plan.manifestKey)),
    ) as CollisionManifest;
    const findings: Finding[] = [];
    const rows: number[] = [];
    for (const task of plan.shards) {
      const result = await matchShard(deps, task);
      rows.push(result.rows ?? 0);
      const bytes = (await objects.getBytes(DATA, result.findingsKey)) as Uint8Array;
      findings.push(...(JSON.parse(new TextDecoder().decode(bytes)) as Finding[]));
    }
    const sent = await Promise.all(
      manifest.reference.map((_, shard) => sentTo(manifest, shard).then((r) => r.length)),
    );
    return { plan, manifest, rows, sent, referenceRows, findings: combineFindings(findings, ruleConfig) };
  }

  let whole: Awaited<ReturnType<typeof collide>>;
  beforeAll(async () => {
    for (const file of demoFilesInUploadOrder(county.files)) {
      const key = demoUploadKey(file);
      await objects.put(UPLOAD, key, file.body);
      await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key, eventTime: base.now() }));
    }
    whole = await collide(1);
  }, 120_000);

  it('finds the planted leads in one shard, where nothing crosses shards', () => {
    expect(whole.plan.shards).toHaveLength(1);
    expect(whole.sent).toEqual([0]);
    expect(new Set(whole.findings.map((f) => f.rule)).size).toBeGreaterThanOrEqual(10);
  });

  it.each([2, 16, 32])(
    'finds exactly the same in %i shards, each reading its slice and what the plan sent it',
    async (n) => {
      const run = await collide(n);
      expect(run.plan.shards).toHaveLength(n);
      expect(run.manifest.shardCount).toBe(n);
      expect(run.findings).toEqual(whole.findings);
      // Each shard's slice is part of the county's; what crosses shards is a small part of the reference.
      for (const rows of run.rows) expect(rows).toBeLessThan(whole.rows[0] as number);
      expect(run.sent.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      for (const rows of run.sent) expect(rows).toBeLessThan(run.referenceRows / 4);
    },
  );

  it('reads every reference row once per shard: its own slice itself, only other shards’ rows from the plan', async () => {
    const run = await collide(4);
    let sent = 0;
    for (const task of run.plan.shards) {
      for (const row of await sentTo(run.manifest, task.shard)) {
        sent++;
        // A lost ID nobody could place is set aside by every shard: the plan sends it where it is needed.
        if (hasLostId(row)) continue;
        expect(shardOf(row, row.kind, 4), `${row.kind} row ${row.row}`).not.toBe(task.shard);
      }
    }
    expect(sent).toBeGreaterThan(0);
  });

  it('holds a bounded number of stored shards open at once, however many versions and shards it reads', async () => {
    let open = 0;
    let peak = 0;
    async function* counted(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      open++;
      peak = Math.max(peak, open);
      try {
        yield* chunks;
      } finally {
        open--;
      }
    }
    const counting = new Proxy(objects, {
      get(target, name) {
        if (name === 'stream')
          return (bucket: string, key: string, ifMatch?: string) =>
            counted(target.stream(bucket, key, ifMatch));
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // The plan step reads every stored shard of every reference version: far more than the bound.
    const stored = [...versions.items.values()].reduce(
      (n, v) => n + v.shardRows.filter((r) => r > 0).length,
      0,
    );
    expect(stored).toBeGreaterThan(4 * MAX_OPEN_READS);
    const plan = await planCollision(
      { ...base, objects: counting, shardSizing: { rowsPerShard: 1, minShards: 1, maxShards: 1 } },
      { trigger: 'Scheduled Event', eventTime: base.now() },
    );
    // Matched afresh: what earlier matches of this county recorded would be re-cited unread.
    for (const key of [...objects.items.keys()])
      if (key.includes('/derived/matches/')) objects.items.delete(key);
    for (const task of plan.shards) await matchShard({ ...base, objects: counting }, task);
    expect(peak).toBeGreaterThan(1);
    // A match shard reads its routed rows and its reference cut beside its slice.
    expect(peak).toBeLessThanOrEqual(MAX_OPEN_READS + 2);
  });

  it('reads social insurance and deaths only of the people paid in the shard, and the rules find the same as over all of them', async () => {
    const { plan, manifest } = await collide(4);
    const byRecipient = new Set(kindsReadByRecipient(RULES));
    expect([...byRecipient].sort()).toEqual(['death_records', 'social_insurance']);
    const datasets = new Map(manifest.versions.map((v) => [v.versionId, v.datasetKey]));
    let kept = 0;
    let all = 0;
    const fired = new Set<string>();
    for (const task of plan.shards) {
      const { input } = await readShardInput(base, manifest, task, RULES);
      // Every row of those kinds in the shard's slice, tagged as the shard tags its rows.
      const slice = await loadVersionShards(
        base,
        manifest.versions.filter((v) => byRecipient.has(v.kind)),
        { shard: task.shard, of: manifest.shardCount },
        new Map(),
        (row) => Object.assign(row, { datasetKey: datasets.get(row.versionId) }),
      );
      const paid = new Set(
        input
          .rows('subsidy_payments')
          .filter(hasUsableId)
          .map((row) => row.idNumber),
      );
      for (const kind of byRecipient) {
        const rows = input.rows(kind);
        for (const row of rows) expect(paid.has(row.idNumber ?? '')).toBe(true);
        kept += rows.length;
        all += slice.get(kind)?.length ?? 0;
      }
      const unread: MatchInput = {
        ...input,
        rows: (kind) => (byRecipient.has(kind) ? (slice.get(kind) ?? []) : input.rows(kind)),
      };
      const findings = evaluateRules(input, ruleConfig);
      expect(findings).toEqual(evaluateRules(unread, ruleConfig));
      for (const finding of findings) fired.add(finding.rule);
    }
    expect(kept).toBeLessThan(all / 2);
    // The rules that read those kinds found something: the comparison is not of empty lists.
    for (const rule of ['R01', 'R07', 'R08']) expect(fired).toContain(rule);
  });

  it('reads a version stored in fewer shards (an older layout) alike', async () => {
    // Rewrite the payments of one version as if Normalize had stored them in 4 shards.
    const payments = [...versions.items.values()].find(
      (v) => v.kind === 'subsidy_payments' && v.shardRows.some((n) => n > 0),
    );
    if (!payments) throw new Error('the demo county has payments');
    const merged = Array.from({ length: 4 }, () => [] as ReturnType<typeof decodeRows>);
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const bytes = await objects.getBytes(DATA, shardKey(payments.versionId, shard));
      if (bytes) merged[shard % 4]?.push(...decodeRows(new TextDecoder().decode(bytes)));
    }
    for (const [shard, rows] of merged.entries())
      await objects.put(DATA, shardKey(payments.versionId, shard), encodeRows(rows));
    versions.items.set(payments.versionId, { ...payments, shardRows: merged.map((rows) => rows.length) });

    for (const n of [2, 16]) expect((await collide(n)).findings).toEqual(whole.findings);
  });
});
