/**
 * Incremental match: a shard whose inputs digest by content as in an earlier match re-cites that
 * match's findings instead of matching, citations of a replaced version mapped row by row. Each
 * run here is matched twice from the same plan — once as the platform does it (re-citing what it
 * can), once on a copy of the bucket without any recorded match — and the two must be byte for
 * byte the same, shard by shard: re-run unchanged, a roster with one changed row, a row inserted
 * at the top (every later row number shifts, the new row a copy of another), a row deleted, a
 * changed registry and another shard count. Only the shards whose rows changed are matched.
 */

import { demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import type { DatasetVersion } from '@jiandu/domain/versions';
import {
  hashToShard,
  type MatchShardDeps,
  matchShard,
  NormalizeInput,
  normalizeUpload,
  type PlanInput,
  planCollision,
  type ShardResult,
} from '@jiandu/pipeline';
import { MemoryObjects } from '@jiandu/store/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { collisionTaskDeps } from '../support/workflow.js';

const DATA = 'data-bucket';
const UPLOAD = 'uploads-bucket';
const SHARDS = 4;

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('MatchShard re-cites what an earlier match found for the same inputs', () => {
  const county = generateDemoCounty({ persons: 400, seed: 5, months: 2 });
  const files = demoFilesInUploadOrder(county.files);
  const base = collisionTaskDeps(SHARDS);
  const { objects } = base;
  const scheduled: PlanInput = { trigger: 'Scheduled Event', eventTime: base.now() };
  const uploaded = (key: string): PlanInput => ({
    trigger: 'Object Created',
    eventTime: base.now(),
    detail: { object: { key } },
  });

  /** Upload `body` at `key` (a later S3 event each time) and normalize it. */
  let second = 0;
  async function upload(key: string, body: Uint8Array | string) {
    await objects.put(UPLOAD, key, body);
    second++;
    const eventTime = `2023-03-02T00:00:${String(second).padStart(2, '0')}.000Z`;
    const out = await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key, eventTime }));
    expect(out.outcome).toBe('registered');
  }

  /**
   * Plan a run and match every shard as the platform does, then match the same plan again on a
   * copy of the bucket without recorded matches: both findings files of every shard, and what
   * each reuse-enabled shard reported.
   */
  async function collide(input: PlanInput, shards = SHARDS) {
    const deps = { ...base, shardSizing: { rowsPerShard: 1, minShards: shards, maxShards: shards } };
    const plan = await planCollision(deps, input);
    const fresh = new MemoryObjects();
    for (const [key, bytes] of objects.items)
      if (!key.startsWith(`${DATA}/derived/matches/`)) fresh.items.set(key, bytes);
    const results: ShardResult[] = [];
    const reused: string[] = [];
    const matched: string[] = [];
    for (const task of plan.shards) {
      const result = await matchShard(deps satisfies MatchShardDeps, task);
      results.push(result);
      reused.push(text(await objects.getBytes(DATA, result.findingsKey)));
      const full = await matchShard({ ...deps, objects: fresh }, task);
      expect(full.recited).toBe(false);
      matched.push(text(await fresh.getBytes(DATA, full.findingsKey)));
    }
    return { results, reused, matched };
  }

  /** Shards of the run that were matched (not re-cited). */
  const matchedShards = (results: readonly ShardResult[]) =>
    results.filter((r) => !r.recited).map((r) => r.shard);

  const roster = files.find((f) => demoUploadKey(f).includes('01月农村低保')) as (typeof files)[number];
  const rosterKey = demoUploadKey(roster);
  // The roster is UTF-8 (as its department writes it).
  const rosterLines = () =>
    new TextDecoder('utf-8', { fatal: true }).decode(roster.body as Uint8Array).split('\n');
  /** The roster's data lines start after its title, blank and header lines. */
  const FIRST_DATA_LINE = 3;
  /** The ID a roster line names, when it is written whole (else it falls to the lost-ID shard). */
  const idOfLine = (line: string) => /^\d{15}(?!000)\d{2}[\dX]$/.exec(line.split(',')[4] ?? '')?.[0];
  /** The shard of the ID a roster line names. */
  const shardOfLine = (line: string) => hashToShard(idOfLine(line) as string, SHARDS);
  /** The index of the nth roster line from the top whose ID is written whole. */
  const nthWholeLine = (n: number) =>
    rosterLines().flatMap((line, i) => (i >= FIRST_DATA_LINE && idOfLine(line) ? [i] : []))[n] as number;

  beforeAll(async () => {
    expect(rosterLines()[FIRST_DATA_LINE - 1]).toMatch(/^序号,/);
    for (const file of files) {
      const key = demoUploadKey(file);
      await objects.put(UPLOAD, key, file.body);
      await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key, eventTime: base.now() }));
    }
    // The first match of the county: nothing recorded yet, every shard matched.
    const first = await collide(scheduled);
    expect(first.reused).toEqual(first.matched);
    expect(matchedShards(first.results)).toEqual([0, 1, 2, 3]);
  }, 120_000);

  it('re-cites every shard of an unchanged county without reading its rows', async () => {
    const run = await collide(scheduled);
    expect(run.reused).toEqual(run.matched);
    expect(matchedShards(run.results)).toEqual([]);
    for (const result of run.results) expect(result.rows).toBe(0);
    expect(run.reused.join('').length).toBeGreaterThan(1000);
  });

  it('matches only the shard of a changed row of a re-uploaded roster', async () => {
    const lines = rosterLines();
    const at = nthWholeLine(2);
    const cells = (lines[at] as string).split(',');
    cells[7] = `${Number(cells[7]) + 1}.00`;
    lines[at] = cells.join(',');
    await upload(rosterKey, lines.join('\n'));
    const run = await collide(uploaded(rosterKey));
    expect(run.reused).toEqual(run.matched);
    expect(matchedShards(run.results)).toEqual([shardOfLine(lines[at] as string)]);
  });

  it('re-cites the other shards with every later row number shifted when a row is inserted at the top', async () => {
    const lines = rosterLines();
    // A copy of a later row: two rows equal by content, the nth mapped to the nth.
    const copied = lines[nthWholeLine(4)] as string;
    lines.splice(FIRST_DATA_LINE, 0, copied);
    await upload(rosterKey, lines.join('\n'));
    const run = await collide(uploaded(rosterKey));
    expect(run.reused).toEqual(run.matched);
    // The shard of the copied row. The changed row of the upload before is back as it was: its
    // shard holds what the county's first match read, and re-cites that.
    expect(matchedShards(run.results)).toEqual([shardOfLine(copied)]);
    expect(run.results.filter((r) => r.recited).length).toBeGreaterThan(0);
  });

  it('re-cites the other shards when a row is deleted', async () => {
    const lines = rosterLines();
    const [deleted] = lines.splice(nthWholeLine(6), 1);
    await upload(rosterKey, lines.join('\n'));
    const run = await collide(uploaded(rosterKey));
    expect(run.reused).toEqual(run.matched);
    // The copied row left again: its shard re-cites the first match.
    expect(matchedShards(run.results)).toEqual([shardOfLine(deleted as string)]);
  });

  it('matches the shards a changed registry reaches', async () => {
    // The registry is GBK: its bytes are edited as Latin-1 text (digits and commas are never
    // part of a GBK character). One person is born a day later.
    const registry = files.find((f) => f.kind === 'household_registry') as (typeof files)[number];
    const lines = Buffer.from(registry.body as Uint8Array)
      .toString('latin1')
      .split('\n');
    const at = lines.findIndex((line) => line.startsWith('1000010001,'));
    const cells = (lines[at] as string).split(',');
    expect(cells[5]).toBe('19961007');
    cells[5] = '19961008';
    lines[at] = cells.join(',');
    await upload(demoUploadKey(registry), Buffer.from(lines.join('\n'), 'latin1'));
    const run = await collide(uploaded(demoUploadKey(registry)));
    expect(run.reused).toEqual(run.matched);
    expect(matchedShards(run.results)).toContain(hashToShard(cells[6] as string, SHARDS));
    // Then nothing changed: all re-cited.
    const again = await collide(scheduled);
    expect(again.reused).toEqual(again.matched);
    expect(matchedShards(again.results)).toEqual([]);
  });

  it('matches the shards of a version stored before content digests existed', async () => {
    const registry = [...base.versions.items.values()].find(
      (v) => v.kind === 'household_registry' && v.status === 'active',
    ) as DatasetVersion;
    const { shardDigests: _digests, ...older } = registry;
    base.versions.items.set(registry.versionId, older);
    try {
      const run = await collide(scheduled);
      expect(run.reused).toEqual(run.matched);
      // The registry has rows in every shard: every rule reading it is matched there.
      expect(matchedShards(run.results)).toEqual([0, 1, 2, 3]);
    } finally {
      base.versions.items.set(registry.versionId, registry);
    }
  });

  it('matches, and says so in the log, where a recorded match cannot be read back', async () => {
    const records = [...objects.items.keys()].filter((k) => k.startsWith(`${DATA}/derived/matches/`));
    expect(records.length).toBeGreaterThan(0);
    // Every record cut short (as a half-written or damaged object would be).
    const kept = new Map(records.map((key) => [key, objects.items.get(key) as Uint8Array]));
    for (const key of records) objects.items.set(key, new TextEncoder().encode('{"runId":'));
    const warnings: Record<string, unknown>[] = [];
    const warn = base.log.warn;
    base.log.warn = (_message: string, attributes?: Record<string, unknown>) => {
      if (attributes) warnings.push(attributes);
    };
    try {
      const run = await collide(scheduled);
      expect(run.reused).toEqual(run.matched);
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]).toMatchObject({ rule: expect.stringMatching(/^R\d\d$/) });
      expect(matchedShards(run.results)).toEqual([0, 1, 2, 3]);
    } finally {
      base.log.warn = warn;
      for (const [key, bytes] of kept) objects.items.set(key, bytes);
    }
  });

  it('matches every shard of a run in another number of shards', async () => {
    const run = await collide(scheduled, SHARDS * 2);
    expect(run.reused).toEqual(run.matched);
    expect(matchedShards(run.results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
