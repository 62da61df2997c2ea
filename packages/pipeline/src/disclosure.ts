import { createHash } from 'node:crypto';
import { coverageKey } from '@jiandu/domain/coverage';
import { type DisclosureConfig, isPublished } from '@jiandu/domain/disclosure/config';
import { type LookupPerson, lookupEntries, personDigests } from '@jiandu/domain/disclosure/lookup';
import {
  type DisclosureRecords,
  type DisclosureStore,
  type DisclosureUnit,
  type LookupDigests,
  PAYMENT_REFS,
  type PaymentGroupChange,
  PROJECTION_LAYOUT,
  type ProjectedKind,
  type RecordKind,
  unitId,
} from '@jiandu/domain/disclosure/ports';
import { LostIdIndex, lostId, type Recipient } from '@jiandu/domain/disclosure/recipients';
import {
  DISCLOSURE_KINDS,
  type DisclosedPayment,
  disclosedFinanceItem,
  disclosedHouseholds,
  disclosedNotice,
  disclosedPayment,
  disclosedProject,
} from '@jiandu/domain/disclosure/records';
import { TotalsBuilder, type TotalsCell, TotalsSum } from '@jiandu/domain/disclosure/totals';
import type { CellValue, NormalizedRow } from '@jiandu/domain/model';
import { normalizePersonName } from '@jiandu/domain/normalize/name';
import type { DatasetVersion } from '@jiandu/domain/versions';
import type { PipelineDeps } from './deps.js';
import { type ManifestVersion, versionsInForce } from './manifest.js';
import { decodeRows, hashToShard, LOST_ID_SHARD, SHARD_COUNT, shardKey } from './shards.js';

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
  /** Whether totals or the lookup index were counted again (payments or the registry changed). */
  readonly recomputed: boolean;
  /** Payment records that changed: put, changed or deleted (unchanged ones are not written). */
  readonly paymentsWritten: number;
  /**
   * Items of the packed projections put or deleted: payment pages, person buckets, lookup
   * buckets, pages of households, projects and village books, notices, and items an earlier
   * version stored one per record (removed on upgrade). Totals and units are not counted.
   */
  readonly itemsWritten: number;
  /** `(year, shard)` parts of the totals counted again (of years × 16). */
  readonly totalsCounted: number;
  /** Whether the lookup index was rebuilt (the registry or the paid persons changed). */
  readonly lookupsRebuilt: boolean;
  readonly seconds: number;
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

/** The disclosed records of a unit of the kinds other than payments, from its version's rows. */
function recordsOf(unit: UnitKey, rows: readonly NormalizedRow[]): DisclosureRecords[RecordKind][] {
  const mine = unit.part === '' ? rows : rows.filter((r) => coverageKey(unit.kind, r.values) === unit.part);
  const v = unit.versionId;
  switch (unit.kind) {
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

/** Where the sync keeps its own state in the data bucket (never public). */
const STATE_KEY = 'disclosure/state.json';
const partialKey = (year: string, shard: number) =>
  `disclosure/totals/${year}/${String(shard).padStart(2, '0')}.json`;

const LOST_IDS_KEY = 'disclosure/lost-ids.json';
/** What the stored lookup index holds per bucket (`LookupDigests`), as the last rebuild left it. */
const LOOKUP_DIGESTS_KEY = 'disclosure/lookup-buckets.json';

/** The registry's persons of the lost rows' names and villages, for the registry versions it was read from. */
interface LostIdCache {
  readonly registry: readonly string[];
  readonly entries: readonly (readonly [string, readonly string[]])[];
}

/**
 * What the sync remembers between runs: the years it keeps per-shard totals of. Format 1 was
 * written while totals cells and lookup entries were stored one item each (they are removed
 * and written again packed).
 */
interface SyncState {
  readonly format: 1 | 2;
  readonly years: readonly string[];
  /** Set before a shard's paid persons change, cleared once the lookup index follows them. */
  readonly lookupsPending?: true;
  /**
   * Payments whose ID was lost are filed under their persons (syncs before left them out: the
   * first sync without it files those in force and counts every year again, for the lookup).
   */
  readonly lostFiled?: true;
}

/**
 * One shard's part of a year: its totals cells (recipients are this shard's persons) and the
 * persons paid, with the names their payments give them (for the personal lookup).
 */
interface ShardPart {
  readonly cells: readonly TotalsCell[];
  readonly paid: readonly (readonly [string, readonly string[]])[];
}

async function readJson<T>(deps: DisclosureSyncDeps, key: string): Promise<T | undefined> {
  const bytes = await deps.objects.getBytes(deps.buckets.data, key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined;
}

const writeJson = (deps: DisclosureSyncDeps, key: string, value: unknown) =>
  deps.objects.put(deps.buckets.data, key, JSON.stringify(value), 'application/json');

/** The rows of one shard of a version (none when the version has no rows there). */
const shardRows = (deps: DisclosureSyncDeps, version: DatasetVersion, shard: number) =>
  versionRows(deps, version, [shard]);

/** `(year, shard)` pairs whose totals must be counted again. */
class Affected {
  readonly byYear = new Map<string, Set<number>>();
  add(year: string, shards: Iterable<number>): void {
    const set = this.byYear.get(year) ?? new Set<number>();
    for (const s of shards) set.add(s);
    this.byYear.set(year, set);
  }
  get size(): number {
    return this.byYear.size;
  }
}

const ALL_SHARDS = [...Array(SHARD_COUNT).keys()];

/** Payment units by version: the coverage parts of each. */
function partsByVersion(units: readonly UnitKey[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const u of units)
    if (u.kind === 'subsidy_payments') out.set(u.versionId, (out.get(u.versionId) ?? new Set()).add(u.part));
  return out;
}

/** The identity of a payment record in the projections (its page group and ref). */
const recordKey = (p: DisclosedPayment) => `${groupKey(p)}|${p.ref}`;
/** The page group of a payment record: month, township, village, program. */
const groupKey = (p: DisclosedPayment) => `${p.period}|${p.township}|${p.village}|${p.program}`;

/**
 * The versions to read together: linked when one's unit replaces another's (the same
 * `program|month` part), so a page's records before and after are in memory at once.
 */
function linkedVersions(...parts: ReadonlyMap<string, ReadonlySet<string>>[]): string[][] {
  const parent = new Map<string, string>();
  const root = (v: string): string => {
    let r = v;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    return r;
  };
  const owner = new Map<string, string>();
  for (const map of parts)
    for (const [versionId, set] of map) {
      if (!parent.has(versionId)) parent.set(versionId, versionId);
      for (const part of set) {
        const other = owner.get(part);
        if (other === undefined) owner.set(part, versionId);
        else parent.set(root(versionId), root(other));
      }
    }
  const groups = new Map<string, string[]>();
  for (const v of parent.keys()) groups.set(root(v), [...(groups.get(root(v)) ?? []), v]);
  return [...groups.values()];
}

/** A disclosed payment with what the totals need of its row. */
interface Projected {
  readonly p: DisclosedPayment;
  /** The ID-hash shard its row is in. */
  readonly shard: number;
  /** Its ID was destroyed (the registry finds its person, in any shard). */
  readonly lost: boolean;
}

/** Whether two disclosed payments are the same record (every field: what pages and buckets store). */
function samePayment(a: DisclosedPayment, b: DisclosedPayment): boolean {
  return (
    a.ref === b.ref &&
    a.amount === b.amount &&
    a.name === b.name &&
    a.person === b.person &&
    a.payDate === b.payDate &&
    a.period === b.period &&
    a.village === b.village &&
    a.township === b.township &&
    a.program === b.program &&
    a.programName === b.programName
  );
}

/**
 * What the totals and the lookup index count of a payment row, leaving out where it sits in
 * its file: its group, program name, amount, pay date, recipient (ID, name as written, shard,
 * lost). A roster uploaded again with a row inserted shifts the row numbers (refs) of the rows
 * after it, but their counted keys stay: only the parts of rows whose counted key appears or
 * disappears are counted again.
 */
const countedKey = (x: Projected, row: NormalizedRow) =>
  `${groupKey(x.p)}\u0000${x.p.programName}\u0000${x.p.amount}\u0000${x.p.payDate}\u0000${row.idNumber ?? ''}\u0000${String(row.values.recipient_name ?? '')}\u0000${x.shard}\u0000${x.lost}`;

/**
 * Bring payment pages and person buckets in step for the units that came into force (`added`)
 * and left (`removed`). Versions are read together where one replaces another's parts, all
 * shards at once (a page holds a group's records from every shard); a record whose identity
 * and content are unchanged (a corrected roster re-uploaded: same department, sheet and row)
 * changes nothing, and only pages holding a changed record are handed to the store (which
 * writes only chunks that differ). Person buckets are updated once, at the end, with every
 * changed record. Units stored one item per record by an earlier version have those items
 * deleted. The totals' `(year, shard)` parts to count again are those where the rows that
 * left and the rows that came differ as counted (see {@link countedKey}), not where refs
 * moved. Returns the record counts of the added units and the `(year, shard)` totals they change.
 */
async function syncPayments(
  deps: DisclosureSyncDeps,
  added: readonly UnitKey[],
  removed: readonly DisclosureUnit[],
  byId: ReadonlyMap<string, DatasetVersion>,
  /** {@link personDigests} of the sync. */
  digest: (idNumber: string) => string,
): Promise<{
  counts: Map<string, number>;
  affected: Affected;
  written: number;
  items: number;
  /** Lost-ID rows of the units that left (`before`) and came (`after`), for {@link fileLostPayments}. */
  lost: { before: LostPayment[]; after: LostPayment[] };
  /** Changed records of persons with an ID, for the person buckets. */
  persons: PersonPaymentChange;
}> {
  const packed = (u: DisclosureUnit) => u.layout === PROJECTION_LAYOUT;
  const addedParts = partsByVersion(added);
  const removedParts = partsByVersion(removed.filter(packed));
  const legacyUnits = removed.filter((u) => u.kind === 'subsidy_payments' && !packed(u));
  const legacyParts = partsByVersion(legacyUnits);
  // Units projected before payment refs were per department: their records carry the version id.
  const byVersionRefs = new Set(legacyUnits.filter((u) => u.refs !== PAYMENT_REFS).map(unitId));
  const counts = new Map<string, number>();
  const affected = new Affected();
  // Only payments with a person are filed in person buckets.
  const personRemove: DisclosedPayment[] = [];
  const personPut: DisclosedPayment[] = [];
  const lost = { before: [] as LostPayment[], after: [] as LostPayment[] };
  let written = 0;
  let items = 0;

  for (const component of linkedVersions(addedParts, removedParts, legacyParts)) {
    const before = new Map<string, Projected>();
    const after = new Map<string, Projected>();
    const legacy = new Map<string, Projected>();
    // Rows counted after minus rows counted before (removed and legacy units), by counted key;
    // without rows before (a first sync, a new month), every row's part is counted again.
    const balance = new Map<string, { x: Projected; n: number }>();
    const diffed = component.some((v) => removedParts.has(v) || legacyParts.has(v));
    const count = (x: Projected) =>
      // A lost ID's person is found by name + village, in any shard: count its year again in all.
      affected.add(x.p.period.slice(0, 4), x.lost ? ALL_SHARDS : [x.shard]);
    for (const shard of ALL_SHARDS)
      for (const versionId of component) {
        const version = byId.get(versionId);
        if (!version?.shardRows[shard]) continue;
        for (const row of await shardRows(deps, version, shard)) {
          const part = coverageKey('subsidy_payments', row.values) ?? '';
          const unit = unitId({ kind: 'subsidy_payments', versionId, part });
          const project = (source: string, into: Map<string, Projected>, sign: 1 | -1) => {
            const p = disclosedPayment(source, row, digest);
            if (!p) return false;
            const x = { p, shard, lost: lostId(row) };
            into.set(recordKey(p), x);
            // Filed under a person by fileLostPayments (legacy units never were).
            if (x.lost && into !== legacy) (sign === 1 ? lost.after : lost.before).push({ source, row });
            if (!diffed) {
              count(x);
              return true;
            }
            const key = countedKey(x, row);
            const b = balance.get(key);
            if (b) b.n += sign;
            else balance.set(key, { x, n: sign });
            return true;
          };
          if (addedParts.get(versionId)?.has(part) && project(version.department, after, 1))
            counts.set(unit, (counts.get(unit) ?? 0) + 1);
          if (removedParts.get(versionId)?.has(part)) project(version.department, before, -1);
          if (legacyParts.get(versionId)?.has(part))
            project(byVersionRefs.has(unit) ? versionId : version.department, legacy, -1);
        }
      }
    for (const { x, n } of balance.values()) if (n !== 0) count(x);
    balance.clear();

    // Which records changed, for the pages and the person buckets.
    const groups = new Set<string>();
    for (const [key, a] of after) {
      const b = before.get(key);
      if (b !== undefined && samePayment(b.p, a.p)) continue;
      if (a.p.person) personPut.push(a.p);
      groups.add(groupKey(a.p));
      written++;
      if (b?.p.person) personRemove.push(b.p);
    }
    for (const [key, b] of before)
      if (!after.has(key)) {
        if (b.p.person) personRemove.push(b.p);
        groups.add(groupKey(b.p));
        written++;
      }
    written += legacy.size;
    const changes = new Map<string, { before: DisclosedPayment[]; after: DisclosedPayment[] }>();
    const add = (records: Map<string, Projected>, side: 'before' | 'after') => {
      for (const { p } of records.values()) {
        const g = groupKey(p);
        if (!groups.has(g)) continue;
        let change = changes.get(g);
        if (!change) {
          change = { before: [], after: [] };
          changes.set(g, change);
        }
        change[side].push(p);
      }
    };
    add(before, 'before');
    add(after, 'after');
    items += await deps.disclosure.writePaymentGroups([...changes.values()] satisfies PaymentGroupChange[]);
    if (legacy.size > 0)
      items += await deps.disclosure.removeLegacyPayments([...legacy.values()].map((l) => l.p));
  }
  // Person buckets are written by the caller, once, together with the lost-ID rows it files.
  return { counts, affected, written, items, lost, persons: { remove: personRemove, put: personPut } };
}

/** Records to take out of and put into the person buckets the lookup reads. */
interface PersonPaymentChange {
  readonly remove: readonly DisclosedPayment[];
  readonly put: readonly DisclosedPayment[];
}

/** A payment row whose ID was lost, with the source its ref is made of. */
interface LostPayment {
  readonly source: string;
  readonly row: NormalizedRow;
}

/**
 * File the payments whose ID was lost under the one registered person of that name in that
 * village (`LostIdIndex.recipientOf`: `resolveLostId`, as the collision ties them), so they
 * reach that person's lookup: those of units that left are unfiled as the last sync filed them
 * (the kept lost-ID index), those of units that came are filed by the registry in force and,
 * when the registry changed, those of units that stayed move to the person it finds now (or
 * leave the lookup when the name became ambiguous there). Answers the person-bucket changes
 * (written by the caller with the others, so a bucket is rewritten once per sync).
 */
async function fileLostPayments(
  reader: PaymentReader,
  lost: { readonly before: readonly LostPayment[]; readonly after: readonly LostPayment[] },
  added: ReadonlySet<string>,
  /**
   * The lost rows of units that stayed: `filed` as the last sync left them (the registry is the
   * same), `moved` (the registry changed: filed again) or `unfiled` (a sync before lost IDs were
   * filed left them out).
   */
  stayed: 'filed' | 'moved' | 'unfiled',
  digest: (idNumber: string) => string,
): Promise<PersonPaymentChange> {
  if (lost.before.length === 0 && lost.after.length === 0 && stayed === 'filed')
    return { remove: [], put: [] };
  const before = [...lost.before];
  const after = [...lost.after];
  if (stayed !== 'filed')
    for (const { versionId, row } of await reader.lostRows()) {
      const part = coverageKey('subsidy_payments', row.values) ?? '';
      if (added.has(unitId({ kind: 'subsidy_payments', versionId, part }))) continue;
      const source = reader.departmentOf(versionId);
      if (stayed === 'moved') before.push({ source, row });
      after.push({ source, row });
    }
  // Each index is asked only for rows it files: without lost rows, none is read (nor the registry scanned).
  const filed = async (payments: readonly LostPayment[], index: () => Promise<LostIdIndex>) => {
    if (payments.length === 0) return [];
    const persons = await index();
    return defined(
      payments.map(({ source, row }) => {
        const idNumber = persons.recipientOf(row).idNumber;
        return idNumber ? disclosedPayment(source, { ...row, idNumber }, digest) : undefined;
      }),
    );
  };
  const put = new Map((await filed(after, () => reader.lostIndex())).map((p) => [recordKey(p), p]));
  const remove = (await filed(before, () => reader.keptLostIndex())).filter((p) => {
    const next = put.get(recordKey(p));
    if (next === undefined || !samePayment(p, next)) return true;
    put.delete(recordKey(p));
    return false;
  });
  return { remove, put: [...put.values()] };
}

/** Reads what counting totals and the lookup needs, at most once per sync. */
class PaymentReader {
  private lost?: Promise<{ versionId: string; row: NormalizedRow }[]>;
  private index?: Promise<LostIdIndex>;
  private kept?: Promise<LostIdCache | undefined>;
  /** The lost-ID index found again this sync, kept by {@link keepLostIndex}. */
  private found?: LostIdCache;

  constructor(
    private readonly deps: DisclosureSyncDeps,
    /** Payment units in force: coverage parts by version. */
    readonly parts: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly registry: readonly DatasetVersion[],
    private readonly byId: ReadonlyMap<string, DatasetVersion>,
  ) {}

  /** Rows of the registry in force, shard by shard. */
  async *registryRows(): AsyncGenerator<{ row: NormalizedRow; department: string }> {
    for (const shard of ALL_SHARDS)
      for (const version of this.registry)
        for (const row of await shardRows(this.deps, version, shard))
          yield { row, department: version.department };
  }

  /** The payment rows in force whose ID was lost (all kept in {@link LOST_ID_SHARD}). */
  lostRows() {
    this.lost ??= (async () => {
      const out: { versionId: string; row: NormalizedRow }[] = [];
      for (const [versionId, parts] of this.parts) {
        const version = this.byId.get(versionId);
        if (!version?.shardRows[LOST_ID_SHARD]) continue;
        for (const row of await shardRows(this.deps, version, LOST_ID_SHARD))
          if (lostId(row) && parts.has(coverageKey('subsidy_payments', row.values) ?? ''))
            out.push({ versionId, row });
      }
      return out;
    })();
    return this.lost;
  }

  /** The source (department) of a payment version's refs. */
  departmentOf(versionId: string): string {
    return (this.byId.get(versionId) as DatasetVersion).department;
  }

  /** The lost-ID index as the last sync kept it, read before {@link lostIndex} replaces it. */
  private keptCache() {
    this.kept ??= readJson<LostIdCache>(this.deps, LOST_IDS_KEY);
    return this.kept;
  }

  /**
   * Keep the lost-ID index found this sync (if any) for the next one: only after the lost
   * payments were filed by it, so a sync that stops before unfiles them by the index they were filed by.
   */
  async keepLostIndex(): Promise<void> {
    if (this.found) await writeJson(this.deps, LOST_IDS_KEY, this.found);
  }

  /** The lost-ID index the last sync filed lost payments by (empty when none was kept). */
  async keptLostIndex(): Promise<LostIdIndex> {
    return LostIdIndex.of((await this.keptCache())?.entries ?? []);
  }

  /** The registry's persons by name + village, for the lost rows' names and villages only. */
  lostIndex() {
    this.index ??= (async () => {
      const wanted = new Set<string>();
      for (const { row } of await this.lostRows()) {
        const key = LostIdIndex.keyOf(row.values.recipient_name, row.values.village);
        if (key) wanted.add(key);
      }
      // Kept in the data bucket: found again only when the registry or the lost rows' names change.
      const registry = this.registry.map((v) => v.versionId).sort();
      const kept = await this.keptCache();
      const known = new Set(kept?.entries.map(([k]) => k));
      if (kept && kept.registry.join() === registry.join() && [...wanted].every((k) => known.has(k)))
        return LostIdIndex.of(kept.entries);
      const index = new LostIdIndex(wanted);
      for await (const { row } of this.registryRows()) index.addRegistryRow(row);
      this.found = { registry, entries: index.entries() };
      return index;
    })();
    return this.index;
  }

  /** One shard's totals and paid persons of a year, counting each person once. */
  async part(year: string, shard: number): Promise<ShardPart> {
    const totals = new TotalsBuilder();
    const paid = new Map<string, Set<string>>();
    // A person is paid month after month under the same name: each name is normalized once.
    const names = new Map<string, string>();
    const normalized = (raw: CellValue | undefined) => {
      if (typeof raw !== 'string') return normalizePersonName(raw as number | null | undefined);
      let name = names.get(raw);
      if (name === undefined) {
        name = normalizePersonName(raw);
        names.set(raw, name);
      }
      return name;
    };
    const add = (versionId: string, row: NormalizedRow, recipient: Recipient) => {
      const version = this.byId.get(versionId) as DatasetVersion;
      const payment = disclosedPayment(version.department, row);
      if (!payment || payment.period.slice(0, 4) !== year) return;
      totals.add(payment, recipient.key);
      const name = normalized(row.values.recipient_name);
      // A lost ID's person (found by name + village) is paid too: the payment is in their lookup.
      const idNumber = recipient.idNumber ?? row.idNumber;
      if (idNumber) {
        const names = paid.get(idNumber) ?? new Set<string>();
        if (name) names.add(name);
        paid.set(idNumber, names);
      }
    };
    const inYear = (parts: ReadonlySet<string>) => [...parts].some((p) => p.split('|')[1]?.startsWith(year));
    for (const [versionId, parts] of this.parts) {
      const version = this.byId.get(versionId);
      if (!version?.shardRows[shard] || !inYear(parts)) continue;
      for (const row of await shardRows(this.deps, version, shard)) {
        if (lostId(row) || !parts.has(coverageKey('subsidy_payments', row.values) ?? '')) continue;
        add(versionId, row, { key: row.idNumber ?? untiedKey(row) });
      }
    }
    const lost = await this.lostRows();
    if (lost.length > 0) {
      const index = await this.lostIndex();
      for (const { versionId, row } of lost) {
        const recipient = index.recipientOf(row);
        const home = recipient.idNumber ? hashToShard(recipient.idNumber) : nameShard(row);
        if (home === shard) add(versionId, row, recipient);
      }
    }
    return {
      cells: totals.cells(),
      paid: [...paid.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, names]) => [id, [...names].sort()] as const),
    };
  }
}

const NO_REGISTRY = new LostIdIndex();
/** The recipient key of a row without an ID (as `LostIdIndex.recipientOf` names an untied one). */
const untiedKey = (row: NormalizedRow) => NO_REGISTRY.recipientOf(row).key;

/** The shard `shardOf` gives a row without an ID: by its name and village. */
const nameShard = (row: NormalizedRow) =>
  hashToShard(`${String(row.values.recipient_name ?? '')}|${String(row.values.village ?? '')}`);

/**
 * Keep the disclosure projections in step with the versions in force (CONTRACT.md §7), doing
 * only what changed since the last sync:
 *
 * - a unit that came into force is projected, one that left (withdrawn, replaced, covered
 *   again, unpublished, out of the months back) is removed with exactly its records; payment
 *   records are diffed per shard so a corrected roster writes only its changed rows;
 * - totals are kept per `(year, ID-hash shard)` in the data bucket; only the pairs a changed
 *   payment touches are counted again (all of them when the registry changed: lost IDs are
 *   found by it), then the year's 16 parts are summed and only changed cells written;
 * - the lookup index is rebuilt only when the registry or the set of paid persons changed.
 *
 * Idempotent: a run with nothing new writes nothing; a run that stopped halfway is completed
 * by the next (units are marked only after their records).
 */
export async function syncDisclosure(deps: DisclosureSyncDeps): Promise<DisclosureSyncSummary> {
  const started = Date.now();
  const versions = (await Promise.all(PROJECTED.map((k) => deps.versions.listOfKind(k)))).flat();
  const byId = new Map(versions.map((v) => [v.versionId, v]));
  const desired = desiredUnits(versionsInForce(versions), byId, deps.disclosureConfig, deps.now());
  const all = await deps.disclosure.units();
  // A unit stored the old way (one item per record; payments keyed by version) is projected again.
  const current = new Map(
    all
      .filter(
        (u) => u.layout === PROJECTION_LAYOUT && (u.kind !== 'subsidy_payments' || u.refs === PAYMENT_REFS),
      )
      .map((u) => [unitId(u), u]),
  );
  const added = [...desired.entries()].filter(([id]) => !current.has(id)).map(([, u]) => u);
  const removed = all.filter((u) => !desired.has(unitId(u)) || !current.has(unitId(u)));
  const isPayment = (u: UnitKey) => u.kind === 'subsidy_payments';

  // Other kinds are small (snapshots, village books, notices): read per version, written per
  // kind in one go (the store packs them per village: a replacement changes each item once);
  // units an earlier version stored one item per record have those items deleted after.
  const otherAdded: DisclosureUnit[] = [];
  let otherItems = 0;
  for (const kind of DISCLOSURE_KINDS.filter((k) => k !== 'subsidy_payments')) {
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
    const puts: DisclosureRecords[RecordKind][] = [];
    for (const unit of added.filter((u) => u.kind === kind)) {
      const records = recordsOf(unit, await rowsOf(unit.versionId));
      puts.push(...records);
      otherAdded.push({ ...unit, records: records.length });
    }
    const deletes: DisclosureRecords[RecordKind][] = [];
    const legacy: DisclosureRecords[RecordKind][] = [];
    for (const unit of removed.filter((u) => u.kind === kind))
      (unit.layout === PROJECTION_LAYOUT ? deletes : legacy).push(
        ...recordsOf(unit, await rowsOf(unit.versionId)),
      );
    otherItems += await deps.disclosure.writeRecords(kind, puts, deletes);
    if (legacy.length > 0) otherItems += await deps.disclosure.removeLegacyRecords(kind, legacy);
  }

  const state = await readJson<SyncState>(deps, STATE_KEY);
  const payAdded = added.filter(isPayment);
  const payRemoved = removed.filter(isPayment);
  // Persons' digests, computed once for the payments and the lookup index.
  const digest = personDigests(deps.lookupKey);
  const payments = await syncPayments(deps, payAdded, payRemoved, byId, digest);
  const registryChanged = [...added, ...removed].some((u) => u.kind === 'household_registry');

  const inForce = [...desired.values()];
  const parts = partsByVersion(inForce);
  const years = new Set<string>();
  for (const set of parts.values()) for (const p of set) years.add((p.split('|')[1] ?? '').slice(0, 4));
  years.delete('');
  const affected = payments.affected;
  // A state of format 1 was left by a version that stored totals cells and lookup entries one
  // item each: every year's totals are written packed (diffed against the table, which deletes
  // the old items) and the lookup index is rebuilt packed.
  const upgraded = state !== undefined && state.format !== 2;
  const lostUnfiled = state !== undefined && state.lostFiled !== true;
  // Without state (first sync) or with a new registry, every year is counted again.
  if (!state || registryChanged || upgraded || lostUnfiled)
    for (const y of new Set([...years, ...(state?.years ?? [])])) affected.add(y, ALL_SHARDS);
  // A year that has no payments any more is counted (to nothing) once more.
  for (const y of state?.years ?? []) if (!years.has(y)) affected.add(y, ALL_SHARDS);

  const registry = inForce
    .filter((u) => u.kind === 'household_registry')
    .map((u) => byId.get(u.versionId))
    .filter((v): v is DatasetVersion => v !== undefined);
  const reader = new PaymentReader(deps, parts, registry, byId);
  const lostFiling = await fileLostPayments(
    reader,
    payments.lost,
    new Set(payAdded.map(unitId)),
    registryChanged ? 'moved' : lostUnfiled ? 'unfiled' : 'filed',
    digest,
  );
  // One update of the person buckets for the rows with an ID and the lost-ID rows filed: at 1M
  // a bucket holds thousands of payments, and lost rows fall into nearly every bucket.
  const personRemove = [...payments.persons.remove, ...lostFiling.remove];
  const personPut = [...payments.persons.put, ...lostFiling.put];
  const personItems =
    personRemove.length + personPut.length > 0
      ? await deps.disclosure.updatePersonPayments(personRemove, personPut)
      : 0;
  let paidChanged = false;
  // What the data bucket holds now: the state read, or the one marked pending below.
  let stored = state;
  const paidChange = async () => {
    if (paidChanged) return;
    paidChanged = true;
    if (state) {
      stored = { ...state, lookupsPending: true };
      await writeJson(deps, STATE_KEY, stored);
    }
  };
  for (const [year, shards] of affected.byYear)
    await countYear(
      deps,
      year,
      shards,
      (shard) => (years.has(year) ? reader.part(year, shard) : Promise.resolve({ cells: [], paid: [] })),
      paidChange,
      upgraded,
    );

  const lookups = !state || upgraded || state.lookupsPending === true || registryChanged || paidChanged;
  let lookupItems = 0;
  if (lookups) lookupItems += await rebuildLookups(deps, reader, [...years], digest, upgraded);
  if (upgraded) lookupItems += await deps.disclosure.removeLegacyLookups();
  await reader.keepLostIndex();
  // Units are marked last, after their records and the totals and lookups that follow them: a
  // sync that stops halfway sees them as changed again.
  await deps.disclosure.markUnits(
    [
      ...payAdded.map((u) => ({
        ...u,
        records: payments.counts.get(unitId(u)) ?? 0,
        refs: PAYMENT_REFS,
        layout: PROJECTION_LAYOUT,
      })),
      ...otherAdded.map((u) => ({ ...u, layout: PROJECTION_LAYOUT })),
      ...added
        .filter((u) => u.kind === 'household_registry')
        .map((u) => ({ ...u, records: 0, layout: PROJECTION_LAYOUT })),
    ],
    removed,
  );
  const next: SyncState = { format: 2, years: [...years].sort(), lostFiled: true };
  // Compared with what is stored now: a pending mark written above must be cleared.
  if (JSON.stringify(next) !== JSON.stringify(stored)) await writeJson(deps, STATE_KEY, next);

  const summary = {
    unitsAdded: added.length,
    unitsRemoved: removed.length,
    recomputed: affected.size > 0 || lookups,
    paymentsWritten: payments.written,
    itemsWritten: payments.items + personItems + lookupItems + otherItems,
    totalsCounted: [...affected.byYear.values()].reduce((n, s) => n + s.size, 0),
    lookupsRebuilt: lookups,
    seconds: (Date.now() - started) / 1000,
  };
  deps.log.info('disclosure projections synced', summary);
  return summary;
}

const sumKey = (year: string) => `disclosure/totals/${year}/sum.json`;
const digestOf = (text: string | undefined) =>
  text === undefined ? '' : createHash('sha256').update(text).digest('base64url');

/** A year's totals as written to the table, and the digests of the 16 shard parts they sum. */
interface YearSum {
  readonly cells: readonly TotalsCell[];
  readonly parts: readonly string[];
}

/**
 * Count the `shards` of `year` again and bring the year's totals in step. When the stored sum
 * is the sum of the stored parts (their digests match), it is updated by the changed parts
 * alone (old part out, new part in) and only changed cells are written; otherwise (first sync,
 * or a sync that stopped between writing parts and the sum) every part is summed again and the
 * table's cells are diffed.
 */
async function countYear(
  deps: DisclosureSyncDeps,
  year: string,
  shards: ReadonlySet<number>,
  count: (shard: number) => Promise<ShardPart>,
  paidChange: () => Promise<void>,
  /** Diff the totals against the table, not the stored sum (items an earlier version left). */
  fromTable = false,
): Promise<void> {
  const text = async (key: string) => {
    const bytes = await deps.objects.getBytes(deps.buckets.data, key);
    return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
  };
  const stored = await readJson<YearSum>(deps, sumKey(year));
  const digests = [...(stored?.parts ?? ALL_SHARDS.map(() => ''))];
  const delta = new TotalsSum();
  let consistent = stored !== undefined;
  for (const shard of shards) {
    const oldText = await text(partialKey(year, shard));
    if (oldText === undefined || stored?.parts[shard] !== digestOf(oldText)) consistent = false;
    const old = oldText === undefined ? undefined : (JSON.parse(oldText) as ShardPart);
    const part = await count(shard);
    if (JSON.stringify(part.paid) !== JSON.stringify(old?.paid ?? [])) await paidChange();
    const newText = JSON.stringify(part);
    if (newText !== oldText) await writeJson(deps, partialKey(year, shard), part);
    digests[shard] = digestOf(newText);
    delta.subtract(old?.cells ?? []);
    delta.add(part.cells);
  }
  let cells: TotalsCell[];
  if (stored && consistent) {
    const sum = new TotalsSum();
    sum.add(stored.cells);
    sum.add(delta.differences());
    cells = sum.cells();
  } else {
    const sum = new TotalsSum();
    for (const shard of ALL_SHARDS) {
      const partText = await text(partialKey(year, shard));
      digests[shard] = digestOf(partText);
      sum.add(partText === undefined ? [] : (JSON.parse(partText) as ShardPart).cells);
    }
    cells = sum.cells();
  }
  await deps.disclosure.replaceTotals(
    year,
    cells,
    stored && consistent && !fromTable ? stored.cells : undefined,
  );
  await writeJson(deps, sumKey(year), { cells, parts: digests } satisfies YearSum);
}

/**
 * The lookup index from the registry in force (names, households) and the persons paid in any
 * year (every shard's part), written as a diff of the stored index (its bucket digests as the
 * last rebuild left them, kept in the data bucket). Answers the items written.
 */
async function rebuildLookups(
  deps: DisclosureSyncDeps,
  reader: PaymentReader,
  years: readonly string[],
  digest: (idNumber: string) => string,
  /** Diff against the table, not the kept digests (items an earlier version left). */
  fromTable = false,
): Promise<number> {
  const persons = new Map<string, { idNumber: string; names: Set<string>; household?: string }>();
  const person = (id: string) => {
    let p = persons.get(id);
    if (!p) {
      p = { idNumber: id, names: new Set() };
      persons.set(id, p);
    }
    return p;
  };
  for await (const { row, department } of reader.registryRows()) {
    if (!row.idNumber) continue;
    const p = person(row.idNumber);
    const name = normalizePersonName(row.values.name as string | null);
    if (name) p.names.add(name);
    const household = row.values.household_no;
    if (household !== null && household !== undefined && household !== '')
      p.household = `${department}|${String(household)}`;
  }
  const paid = new Set<string>();
  for (const year of years)
    for (const shard of ALL_SHARDS)
      for (const [id, names] of (await readJson<ShardPart>(deps, partialKey(year, shard)))?.paid ?? []) {
        paid.add(id);
        for (const name of names) person(id).names.add(name);
      }
  const previous = fromTable ? undefined : await readJson<LookupDigests>(deps, LOOKUP_DIGESTS_KEY);
  const { digests, written } = await deps.disclosure.replaceLookups(
    lookupEntries(deps.lookupKey, persons as Map<string, LookupPerson>, paid, digest),
    previous,
  );
  if (JSON.stringify(digests) !== JSON.stringify(previous))
    await writeJson(deps, LOOKUP_DIGESTS_KEY, digests);
  return written;
}
