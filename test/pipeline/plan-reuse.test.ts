/**
 * PlanCollision keeps what it derives from versions alone (the reference cut's layers, each
 * version's lost IDs found by name + village, the registry's name index) under digests of
 * exactly their inputs, and a later run whose inputs digest the same reads them instead of
 * deriving them again. A run that reuses them finds byte for byte what a plan deriving
 * everything afresh finds; a changed registry or a replaced version is never answered from
 * what was kept for the old one.
 */

import { demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import type { SourceRow } from '@jiandu/domain';
import type { DatasetVersion } from '@jiandu/domain/versions';
import {
  type CollisionManifest,
  decodeRows,
  encodeRows,
  matchShard,
  NormalizeInput,
  normalizeUpload,
  type PlanInput,
  planCollision,
  routedKey,
  shardKey,
} from '@jiandu/pipeline';
import { MemoryObjects } from '@jiandu/store/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { collisionTaskDeps } from '../support/workflow.js';

const DATA = 'data-bucket';
const UPLOAD = 'uploads-bucket';
const SHARDS = 4;

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('PlanCollision reuses what it derived from versions that did not change', () => {
  const county = generateDemoCounty({ persons: 400, seed: 5, months: 2 });
  const base = collisionTaskDeps(SHARDS);
  const { objects, versions } = base;
  const scheduled: PlanInput = { trigger: 'Scheduled Event', eventTime: base.now() };
  const paymentsUploaded: PlanInput = {
    trigger: 'Object Created',
    eventTime: base.now(),
    detail: { object: { key: 'uploads/civil-affairs/subsidy_payments/2023年02月农村低保发放花名册.csv' } },
  };

  /** One run (plan, then every shard) on `store`: its shards' findings files as written, its manifest, routed rows and what the plan logged. */
  async function collide(input: PlanInput, store: MemoryObjects = objects) {
    let planned: Record<string, unknown> = {};
    const log = {
      ...base.log,
      info: (message: string, attributes?: Record<string, unknown>) => {
        if (message === 'collision planned') planned = attributes ?? {};
      },
    };
    const deps = { ...base, objects: store, log };
    const plan = await planCollision(deps, input);
    const manifest = JSON.parse(text(await store.getBytes(DATA, plan.manifestKey))) as CollisionManifest;
    const findings: string[] = [];
    for (const task of plan.shards) {
      const result = await matchShard(deps, task);
      findings.push(text(await store.getBytes(DATA, result.findingsKey)));
    }
    const routed = (
      await Promise.all(
        manifest.routed.map(async (count, shard) =>
          count > 0 ? decodeRows(text(await store.getBytes(DATA, routedKey(plan.runId, shard)))) : [],
        ),
      )
    ).flat() as SourceRow[];
    return { findings, manifest, routed, planned };
  }

  /** The same run planned from the versions alone: on a copy of the bucket without anything a plan kept. */
  async function afresh(input: PlanInput) {
    const copy = new MemoryObjects();
    for (const [key, bytes] of objects.items)
      if (!key.startsWith(`${DATA}/derived/`)) copy.items.set(key, bytes);
    const run = await collide(input, copy);
    expect(run.planned.referenceCutReused).toBe(false);
    expect(run.planned.lostIdVersionsReused).toBe(0);
    return { ...run, store: copy };
  }

  /**
   * Replace `old` by a newer version of the same department and kind whose rows are `change`d
   * (as Normalize would store a new upload: its own id, its own shards).
   */
  async function replace(old: DatasetVersion, id: string, change: (row: SourceRow) => SourceRow) {
    for (const [shard, count] of old.shardRows.entries()) {
      if (count === 0) continue;
      const rows = decodeRows(
        text(await objects.getBytes(DATA, shardKey(old.versionId, shard))),
      ) as SourceRow[];
      await objects.put(DATA, shardKey(id, shard), encodeRows(rows.map(change)));
    }
    const later = '2023-03-02T00:00:00.000Z';
    versions.items.set(id, { ...old, versionId: id, receivedAt: later, registeredAt: later });
  }

  const resolvableVersions = () =>
    [...versions.items.values()].filter(
      (v) => v.status === 'active' && (v.kind === 'subsidy_payments' || v.kind === 'poverty_registry'),
    ).length;

  let first: Awaited<ReturnType<typeof collide>>;
  beforeAll(async () => {
    for (const file of demoFilesInUploadOrder(county.files)) {
      const key = demoUploadKey(file);
      await objects.put(UPLOAD, key, file.body);
      await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key, eventTime: base.now() }));
    }
    first = await collide(scheduled);
  }, 120_000);

  it('derives everything in the first run, and a second run reads it all back and finds byte for byte the same', async () => {
    expect(first.planned.referenceCutReused).toBe(false);
    expect(first.planned.lostIdVersionsReused).toBe(0);
    // The county has lost IDs that name + village place: the reuse below has something to keep.
    expect(first.routed.some((row) => row.kind === 'subsidy_payments')).toBe(true);

    const again = await collide(scheduled);
    expect(again.planned.referenceCutReused).toBe(true);
    expect(again.planned.lostIdVersionsReused).toBe(resolvableVersions());
    expect(again.manifest.referenceLayers).toEqual(first.manifest.referenceLayers);
    expect(again.findings).toEqual(first.findings);
    const fresh = await afresh(scheduled);
    expect(again.findings).toEqual(fresh.findings);
    // What it keeps is the same byte for byte (the villages' townships in the same order too).
    const cuts = (store: MemoryObjects) =>
      [...store.items]
        .filter(([key]) => key.startsWith(`${DATA}/derived/cuts/`))
        .sort(([a], [b]) => (a < b ? -1 : 1));
    expect(cuts(fresh.store).length).toBeGreaterThan(1);
    expect(cuts(fresh.store)).toEqual(cuts(objects));
  });

  it('an upload run whose rules ask nothing of village finance and projects reuses the households layer', async () => {
    const run = await collide(paymentsUploaded);
    expect(run.planned.referenceCutReused).toBe(true);
    expect(run.manifest.referenceLayers).toEqual(first.manifest.referenceLayers.slice(0, 1));
    expect(run.findings).toEqual((await afresh(paymentsUploaded)).findings);
  });

  it('a changed registry is never answered from what was kept for the old one', async () => {
    // Rename the person a lost-ID payment was placed on: that row can no longer be placed.
    const placed = first.routed.find((row) => row.kind === 'subsidy_payments') as SourceRow;
    const registry = [...versions.items.values()].find(
      (v) => v.kind === 'household_registry',
    ) as DatasetVersion;
    await replace(registry, 'v-registry-renamed', (row) =>
      row.idNumber === placed.idNumber
        ? { ...row, values: { ...row.values, name: `${row.values.name}某` } }
        : row,
    );

    const run = await collide(scheduled);
    expect(run.planned.referenceCutReused).toBe(false);
    expect(run.planned.lostIdVersionsReused).toBe(0);
    expect(run.routed.map((row) => row.idNumber)).not.toContain(placed.idNumber);
    expect(run.routed.length).toBeLessThan(first.routed.length);
    expect(run.findings).toEqual((await afresh(scheduled)).findings);
    // And the run after it reuses what this one derived for the new registry.
    const again = await collide(scheduled);
    expect(again.planned.referenceCutReused).toBe(true);
    expect(again.findings).toEqual(run.findings);
  });

  it('a version replaced by one with a shifted row is read anew, the replaced one’s kept lost IDs skipped', async () => {
    const before = await collide(paymentsUploaded);
    const placed = before.routed.find((row) => row.kind === 'subsidy_payments') as SourceRow;
    const old = versions.items.get(placed.versionId) as DatasetVersion;
    // A title row inserted above the table: every row one further down.
    await replace(old, 'v-payments-shifted', (row) => ({ ...row, row: row.row + 1 }));

    const run = await collide(paymentsUploaded);
    expect(run.planned.referenceCutReused).toBe(true);
    expect(run.planned.lostIdVersionsReused).toBe(resolvableVersions() - 1);
    const moved = run.routed.filter((row) => row.versionId === 'v-payments-shifted');
    expect(moved.map((row) => row.row)).toContain(placed.row + 1);
    expect(run.routed.filter((row) => row.versionId === old.versionId)).toEqual([]);
    expect(run.findings).not.toEqual(before.findings);
    expect(run.findings).toEqual((await afresh(paymentsUploaded)).findings);
  });
});
