import { coverageKey } from '@jiandu/domain/coverage';
import { type DisclosureConfig, isPublished } from '@jiandu/domain/disclosure/config';
import { type LookupPerson, lookupEntries, personDigest } from '@jiandu/domain/disclosure/lookup';
import {
  type DisclosureRecords,
  type DisclosureStore,
  type DisclosureUnit,
  type ProjectedKind,
  unitId,
} from '@jiandu/domain/disclosure/ports';
import {
  DISCLOSURE_KINDS,
  disclosedFinanceItem,
  disclosedHouseholds,
  disclosedNotice,
  disclosedPayment,
  disclosedProject,
} from '@jiandu/domain/disclosure/records';
import { TotalsBuilder } from '@jiandu/domain/disclosure/totals';
import type { NormalizedRow } from '@jiandu/domain/model';
import { normalizePersonName } from '@jiandu/domain/normalize/name';
import type { DatasetVersion } from '@jiandu/domain/versions';
import type { PipelineDeps } from './deps.js';
import { type ManifestVersion, versionsInForce } from './manifest.js';
import { decodeRows, SHARD_COUNT, shardKey } from './shards.js';

/** What keeping the disclosure projections needs. */
export interface DisclosureSyncDeps
  extends Pick<PipelineDeps, 'versions' | 'objects' | 'buckets' | 'log' | 'now'> {
  readonly disclosure: DisclosureStore;
  /** Which programs are published, how many months back. */
  readonly disclosureConfig: DisclosureConfig;
  /** The platform's lookup key (`PlatformKeys.lookup`). */
  readonly lookupKey: Uint8Array;
}

/** What one sync changed. */
export interface DisclosureSyncSummary {
  readonly unitsAdded: number;
  readonly unitsRemoved: number;
  /** Whether totals and the lookup index were recomputed (payments or the registry changed). */
  readonly recomputed: boolean;
}

type UnitKey = Omit<DisclosureUnit, 'records'>;

const PROJECTED: readonly ProjectedKind[] = [...DISCLOSURE_KINDS, 'household_registry'];

/**
 * The units that should be projected now: every version in force of the disclosure kinds and
 * the registry, split by coverage for append kinds (parts a newer upload covers again are
 * left out), payments only for published programs within their months back.
 */
function desiredUnits(
  inForce: readonly ManifestVersion[],
  byId: ReadonlyMap<string, DatasetVersion>,
  config: DisclosureConfig,
  now: string,
): Map<string, UnitKey> {
  const units = new Map<string, UnitKey>();
  for (const m of inForce) {
    const kind = m.kind as ProjectedKind;
    const coverage = byId.get(m.versionId)?.coverage ?? [];
    const excluded = new Set(m.excluded);
    let parts = [''];
    if (kind === 'subsidy_payments' || kind === 'village_finance') {
      parts = coverage.filter((c) => !excluded.has(c));
      if (kind === 'subsidy_payments')
        parts = parts.filter((c) => {
          const [program = '', month = ''] = c.split('|');
          return isPublished(config, program, month, now);
        });
    }
    for (const part of parts) {
      const unit = { kind, versionId: m.versionId, part };
      units.set(unitId(unit), unit);
    }
  }
  return units;
}

/** Every row of a version, by shard; `shards` limits which. */
async function versionRows(
  deps: DisclosureSyncDeps,
  version: Pick<DatasetVersion, 'versionId' | 'shardRows'>,
  shards?: readonly number[],
): Promise<NormalizedRow[]> {
  const rows: NormalizedRow[] = [];
  for (const shard of shards ?? [...Array(SHARD_COUNT).keys()]) {
    if (!version.shardRows[shard]) continue;
    const bytes = await deps.objects.getBytes(deps.buckets.data, shardKey(version.versionId, shard));
    if (!bytes) throw new Error(`Missing shard ${shard} of version ${version.versionId}`);
    rows.push(...decodeRows(Buffer.from(bytes).toString('utf8')));
  }
  return rows;
}

const defined = <T>(list: readonly (T | undefined)[]): T[] => list.filter((x): x is T => x !== undefined);

/** The disclosed records of one unit, from its version's rows. */
function recordsOf(
  deps: DisclosureSyncDeps,
  unit: UnitKey,
  rows: readonly NormalizedRow[],
): DisclosureRecords[ProjectedKind][] {
  const mine = unit.part === '' ? rows : rows.filter((r) => coverageKey(unit.kind, r.values) === unit.part);
  const v = unit.versionId;
  switch (unit.kind) {
    case 'subsidy_payments':
      return defined(mine.map((r) => disclosedPayment(v, r, (id) => personDigest(deps.lookupKey, id))));
    case 'poverty_registry':
      return disclosedHouseholds(v, mine);
    case 'livelihood_projects':
      return mine.map((r) => disclosedProject(v, r));
    case 'village_finance':
      return defined(mine.map((r) => disclosedFinanceItem(v, r)));
    case 'notices':
      return defined(mine.map((r) => disclosedNotice(v, r)));
    default:
      return [];
  }
}

/**
 * Keep the disclosure projections in step with the versions in force (CONTRACT.md §7): a
 * unit that came into force is projected, one that left (withdrawn, replaced, covered again,
 * unpublished, out of the months back) is removed with exactly its records. When payments or
 * the registry changed, totals and the lookup index are recomputed from every payment in
 * force, shard by shard. Idempotent: a run with nothing new writes nothing.
 */
export async function syncDisclosure(deps: DisclosureSyncDeps): Promise<DisclosureSyncSummary> {
  const versions = (await Promise.all(PROJECTED.map((k) => deps.versions.listOfKind(k)))).flat();
  const byId = new Map(versions.map((v) => [v.versionId, v]));
  const desired = desiredUnits(versionsInForce(versions), byId, deps.disclosureConfig, deps.now());
  const current = new Map((await deps.disclosure.units()).map((u) => [unitId(u), u]));
  const added = [...desired.entries()].filter(([id]) => !current.has(id)).map(([, u]) => u);
  const removed = [...current.entries()].filter(([id]) => !desired.has(id)).map(([, u]) => u);

  // Rows are read once per version, whatever the number of its units.
  const rowCache = new Map<string, Promise<NormalizedRow[]>>();
  const rowsOf = (versionId: string) => {
    let rows = rowCache.get(versionId);
    if (!rows) {
      const version = byId.get(versionId);
      rows = version ? versionRows(deps, version) : Promise.resolve([]);
      rowCache.set(versionId, rows);
    }
    return rows;
  };
  // New units first, then the ones that left: a replacement never leaves a gap.
  for (const unit of added) {
    const records = recordsOf(deps, unit, await rowsOf(unit.versionId));
    await deps.disclosure.project({ ...unit, records: records.length }, records);
  }
  for (const unit of removed) {
    const records = recordsOf(deps, unit, await rowsOf(unit.versionId));
    await deps.disclosure.unproject(unit, records);
  }

  const recomputed = [...added, ...removed].some(
    (u) => u.kind === 'subsidy_payments' || u.kind === 'household_registry',
  );
  if (recomputed) await recomputeTotalsAndLookups(deps, [...desired.values()], byId);
  deps.log.info('disclosure projections synced', {
    unitsAdded: added.length,
    unitsRemoved: removed.length,
    recomputed,
  });
  return { unitsAdded: added.length, unitsRemoved: removed.length, recomputed };
}

/**
 * Totals and the lookup index from every projected payment: shard by shard (a person's rows
 * share a shard, so recipients are counted exactly with one shard in memory at a time), and
 * the registry's households for the lookup.
 */
async function recomputeTotalsAndLookups(
  deps: DisclosureSyncDeps,
  units: readonly UnitKey[],
  byId: ReadonlyMap<string, DatasetVersion>,
): Promise<void> {
  const partsByVersion = new Map<string, Set<string>>();
  for (const u of units)
    if (u.kind === 'subsidy_payments')
      partsByVersion.set(u.versionId, (partsByVersion.get(u.versionId) ?? new Set()).add(u.part));

  const persons = new Map<string, { idNumber: string; names: Set<string>; household?: string }>();
  const person = (id: string) => {
    let p = persons.get(id);
    if (!p) {
      p = { idNumber: id, names: new Set() };
      persons.set(id, p);
    }
    return p;
  };
  for (const u of units) {
    if (u.kind !== 'household_registry') continue;
    const department = byId.get(u.versionId)?.department ?? '';
    for (const row of await versionRows(deps, byId.get(u.versionId) as DatasetVersion)) {
      if (!row.idNumber) continue;
      const p = person(row.idNumber);
      const name = normalizePersonName(row.values.name as string | null);
      if (name) p.names.add(name);
      const household = row.values.household_no;
      if (household !== null && household !== undefined && household !== '')
        p.household = `${department}|${String(household)}`;
    }
  }

  const totals = new TotalsBuilder();
  const paid = new Set<string>();
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    for (const [versionId, parts] of partsByVersion) {
      const version = byId.get(versionId);
      if (!version) continue;
      for (const row of await versionRows(deps, version, [shard])) {
        if (!parts.has(coverageKey('subsidy_payments', row.values) ?? '')) continue;
        const payment = disclosedPayment(versionId, row);
        if (!payment) continue;
        const name = normalizePersonName(row.values.recipient_name as string | null);
        totals.add(payment, row.idNumber ?? `${name}|${payment.township}|${payment.village}`);
        if (row.idNumber) {
          paid.add(row.idNumber);
          if (name) person(row.idNumber).names.add(name);
        }
      }
    }
    totals.endShard();
  }
  await deps.disclosure.replaceTotals(totals.cells());
  await deps.disclosure.replaceLookups(
    lookupEntries(deps.lookupKey, persons as Map<string, LookupPerson>, paid),
  );
}
