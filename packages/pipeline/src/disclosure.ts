import { createHash } from 'node:crypto';
import { coverageKey } from '@jiandu/domain/coverage';
import { type DisclosureConfig, isPublished } from '@jiandu/domain/disclosure/config';
import { lookupEntries, personDigests } from '@jiandu/domain/disclosure/lookup';
import {
  type DisclosureRecords,
  type DisclosureStore,
  type DisclosureUnit,
  type LookupDigests,
  PAYMENT_REFS,
  type PaymentGroupChange,
  type PaymentRefScheme,
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
  type PaymentContent,
  PaymentRefs,
  paymentContent,
  refOf,
} from '@jiandu/domain/disclosure/records';
import { TotalsBuilder, type TotalsCell, TotalsSum } from '@jiandu/domain/disclosure/totals';
import type { CellValue, NormalizedRow } from '@jiandu/domain/model';
import { normalizePersonName } from '@jiandu/domain/normalize/name';
import type { DatasetVersion } from '@jiandu/domain/versions';
import type { PipelineDeps } from './deps.js';
import { type ManifestVersion, versionsInForce } from './manifest.js';
import { decodeRowBatches, hashToShard, LOST_ID_SHARD, SHARD_COUNT, shardKey, utf8Text } from './shards.js';
import { readStoredJson } from './source-rows.js';

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
const ALL_SHARDS = [...Array(SHARD_COUNT).keys()];

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

/**
 * The rows of one stored shard of a version as they stream in, a chunk's rows at a time (never
 * the whole text and every row at once: a registry shard of a big county is tens of MB).
 */
async function* shardBatches(
  deps: DisclosureSyncDeps,
  version: Pick<DatasetVersion, 'versionId' | 'shardRows'>,
  shard: number,
): AsyncGenerator<NormalizedRow[]> {
  if (!version.shardRows[shard]) return;
  try {
    yield* decodeRowBatches(deps.objects.stream(deps.buckets.data, shardKey(version.versionId, shard)));
  } catch (error) {
    if ((error as Error | undefined)?.name === 'NoSuchKey')
      throw new Error(`Missing shard ${shard} of version ${version.versionId}`);
    throw error;
  }
}

/** Every row of a version (the kinds other than payments: small). */
async function versionRows(
  deps: DisclosureSyncDeps,
  version: Pick<DatasetVersion, 'versionId' | 'shardRows'>,
): Promise<NormalizedRow[]> {
  const rows: NormalizedRow[] = [];
  for (const shard of ALL_SHARDS)
    for await (const batch of shardBatches(deps, version, shard)) rows.push(...batch);
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

const writeJson = (deps: DisclosureSyncDeps, key: string, value: unknown) =>
  deps.objects.put(deps.buckets.data, key, JSON.stringify(value), 'application/json');

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
 * lost). Only the parts of rows whose counted key appears or disappears are counted again: a
 * record whose ref changed while its counted key stayed (an identical payment's occurrence
 * number, a sheet renamed) is written, but counts the same.
 */
const countedKey = (x: Projected, row: NormalizedRow) =>
  `${groupKey(x.p)}\u0000${x.p.programName}\u0000${x.p.amount}\u0000${x.p.payDate}\u0000${row.idNumber ?? ''}\u0000${String(row.values.recipient_name ?? '')}\u0000${x.shard}\u0000${x.lost}`;

/** The payment versions of one {@link linkedVersions} group and their records before and after. */
interface Component {
  readonly versions: readonly string[];
  /** Whether anything leaves (removed or legacy units): records are diffed by identity. */
  readonly diffed: boolean;
  readonly before: Map<string, Projected>;
  readonly after: Map<string, Projected>;
  readonly legacy: Map<string, Projected>;
  /**
   * Rows counted after minus rows counted before (removed and legacy units), by counted key;
   * without rows before (a first sync, a new month), every row's part is counted again.
   */
  readonly balance: Map<string, { x: Projected; n: number }>;
  /** Without anything leaving, every record is new: its page group's records, as they come. */
  readonly added: Map<string, DisclosedPayment[]>;
}

/**
 * Bring payment pages and person buckets in step for the units that came into force (`added`)
 * and left (`removed`). Versions are read together where one replaces another's parts, with
 * the units in force that share a part with them (another department paying the same program
 * in the same month: a page holds every department's records and is written whole), all
 * shards at once (a page holds a group's records from every shard); a record whose identity
 * and content are unchanged changes nothing: refs are made of what a payment discloses
 * (`PaymentRefs`), so a corrected roster re-uploaded with rows inserted or removed changes only
 * the records of those rows, however far the rows after them moved. Only pages holding a
 * changed record are handed to the store (which writes only chunks that differ). Person
 * buckets are updated once, by the caller, with every changed record. A unit that leaves is
 * taken out with the refs it was projected with (its `refs`): a unit keyed the old way is
 * projected again, once. Units stored one item per record by an earlier version have those
 * items deleted. The totals' `(year, shard)` parts to count again are those where the rows
 * that left and the rows that came differ as counted (see {@link countedKey}). Returns the record counts of the added units and the `(year, shard)` totals they change.
 *
 * With a `tally` (every part of the totals is counted again: a first sync, a new registry) the
 * payment versions in force are read in the same pass, shard by shard, and each shard's rows
 * are counted as they stream by: every payment row is decoded once per sync.
 */
async function syncPayments(
  deps: DisclosureSyncDeps,
  added: readonly UnitKey[],
  removed: readonly DisclosureUnit[],
  /** The payment units in force (those that came included). */
  inForce: readonly UnitKey[],
  byId: ReadonlyMap<string, DatasetVersion>,
  /** {@link personDigests} of the sync. */
  digest: (idNumber: string) => string,
  tally?: ShardTally,
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
  // A page (month, village, program) holds the records of every department paying there and is
  // written whole: the units that stay and share a part with one that comes or leaves are read
  // too, their records kept on the page as they are (neither counted nor filed again).
  const touched = new Set(
    [...addedParts.values(), ...removedParts.values(), ...legacyParts.values()].flatMap((set) => [...set]),
  );
  const addedIds = new Set(added.map(unitId));
  const stayingParts = partsByVersion(inForce.filter((u) => touched.has(u.part) && !addedIds.has(unitId(u))));
  // How the records of each unit that leaves were keyed when it was projected (a unit keyed
  // another way than now is projected again: its stored refs are made as they were made then).
  const schemes = new Map(removed.map((u) => [unitId(u), u.refs ?? ('version' as const)]));
  const counts = new Map<string, number>();
  const affected = new Affected();
  // Only payments with a person are filed in person buckets.
  const personRemove: DisclosedPayment[] = [];
  const personPut: DisclosedPayment[] = [];
  const lost = { before: [] as LostPayment[], after: [] as LostPayment[] };
  let written = 0;
  let items = 0;
  const count = (x: Projected) =>
    // A lost ID's person is found by name + village, in any shard: count its year again in all.
    affected.add(x.p.period.slice(0, 4), x.lost ? ALL_SHARDS : [x.shard]);

  const components = linkedVersions(addedParts, removedParts, legacyParts, stayingParts).map(
    (versions): Component => ({
      versions,
      diffed: versions.some((v) => removedParts.has(v) || legacyParts.has(v) || stayingParts.has(v)),
      before: new Map(),
      after: new Map(),
      legacy: new Map(),
      balance: new Map(),
      added: new Map(),
    }),
  );

  /**
   * Project one row of a component's version into its records before, after and legacy;
   * `refs` numbers the identical rows of the version's shard being read.
   */
  const project = (
    c: Component,
    versionId: string,
    version: DatasetVersion,
    shard: number,
    row: NormalizedRow,
    refs: PaymentRefs,
  ) => {
    const part = coverageKey('subsidy_payments', row.values) ?? '';
    const unit = unitId({ kind: 'subsidy_payments', versionId, part });
    const comes = addedParts.get(versionId)?.has(part) === true;
    const leaves = removedParts.get(versionId)?.has(part) === true;
    const legacy = legacyParts.get(versionId)?.has(part) === true;
    const stays = stayingParts.get(versionId)?.has(part) === true;
    if (!comes && !leaves && !legacy && !stays) return { part, projected: undefined };
    const content = paymentContent(row, digest);
    if (!content) return { part, projected: undefined };
    const isLost = lostId(row);
    // Counted once per row, whichever of its projections asks (identical rows share their parts).
    let byContent: string | undefined;
    const refIn = (scheme: PaymentRefScheme | 'version') => {
      if (scheme !== 'content') return refOf(scheme === 'department' ? version.department : versionId, row);
      byContent ??= refs.next(row, content, meetOf(row, shard));
      return byContent;
    };
    if (stays) {
      // The same record before and after (a unit in force is keyed by content): its page keeps
      // it, nothing else changes (not in the totals' balance, the person buckets, the lost rows).
      const p = disclosedPayment(refIn(PAYMENT_REFS), content);
      const x = { p, shard, lost: isLost };
      c.before.set(recordKey(p), x);
      c.after.set(recordKey(p), x);
      return { part, projected: p };
    }
    let projected: DisclosedPayment | undefined;
    const into = (scheme: PaymentRefScheme | 'version', map: Map<string, Projected>, sign: 1 | -1) => {
      const p = disclosedPayment(refIn(scheme), content);
      const x = { p, shard, lost: isLost };
      if (sign === 1) projected = p;
      // Filed under a person by fileLostPayments (legacy units never were).
      if (x.lost && map !== c.legacy) (sign === 1 ? lost.after : lost.before).push({ ref: p.ref, row });
      if (!c.diffed) {
        // Nothing leaves: every record is new (a record's identity is unique among those that come).
        const g = groupKey(p);
        const list = c.added.get(g);
        if (list) list.push(p);
        else c.added.set(g, [p]);
        count(x);
        return;
      }
      map.set(recordKey(p), x);
      const key = countedKey(x, row);
      const b = c.balance.get(key);
      if (b) b.n += sign;
      else c.balance.set(key, { x, n: sign });
    };
    if (comes) {
      into(PAYMENT_REFS, c.after, 1);
      counts.set(unit, (counts.get(unit) ?? 0) + 1);
    }
    if (leaves) into(schemes.get(unit) ?? PAYMENT_REFS, c.before, -1);
    if (legacy) into(schemes.get(unit) ?? 'version', c.legacy, -1);
    return { part, projected };
  };

  /** Which records of a component changed: its pages written, its person-bucket changes kept. */
  const finish = async (c: Component) => {
    if (!c.diffed) {
      for (const list of c.added.values()) {
        written += list.length;
        for (const p of list) if (p.person) personPut.push(p);
      }
      items += await deps.disclosure.writePaymentGroups(
        [...c.added.values()].map((after): PaymentGroupChange => ({ before: [], after })),
      );
      c.added.clear();
      return;
    }
    for (const { x, n } of c.balance.values()) if (n !== 0) count(x);
    c.balance.clear();
    const groups = new Set<string>();
    for (const [key, a] of c.after) {
      const b = c.before.get(key);
      if (b !== undefined && samePayment(b.p, a.p)) continue;
      if (a.p.person) personPut.push(a.p);
      groups.add(groupKey(a.p));
      written++;
      if (b?.p.person) personRemove.push(b.p);
    }
    for (const [key, b] of c.before)
      if (!c.after.has(key)) {
        if (b.p.person) personRemove.push(b.p);
        groups.add(groupKey(b.p));
        written++;
      }
    written += c.legacy.size;
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
    add(c.before, 'before');
    add(c.after, 'after');
    items += await deps.disclosure.writePaymentGroups([...changes.values()] satisfies PaymentGroupChange[]);
    if (c.legacy.size > 0)
      items += await deps.disclosure.removeLegacyPayments([...c.legacy.values()].map((l) => l.p));
    c.before.clear();
    c.after.clear();
    c.legacy.clear();
  };

  // Without a tally each component is read on its own (one in memory at a time); with one, every
  // version in force is read in one pass, in the order the totals count them.
  const passes = tally ? [components] : components.map((c) => [c]);
  for (const pass of passes) {
    const componentOf = new Map(pass.flatMap((c) => c.versions.map((v) => [v, c] as const)));
    const reads = [...new Set([...(tally?.versions ?? []), ...componentOf.keys()])];
    for (const shard of ALL_SHARDS) {
      for (const versionId of reads) {
        const version = byId.get(versionId);
        if (!version) continue;
        const c = componentOf.get(versionId);
        // Identical rows of a version are numbered within the shard they all sit in.
        const refs = new PaymentRefs(version.department, deps.lookupKey);
        for await (const rows of shardBatches(deps, version, shard))
          for (const row of rows) {
            if (!c) tally?.row(versionId, shard, row);
            else {
              const { part, projected } = project(c, versionId, version, shard, row, refs);
              tally?.row(versionId, shard, row, part, projected);
            }
          }
      }
      await tally?.endShard(shard);
    }
    for (const c of pass) await finish(c);
  }
  // Person buckets are written by the caller, once, together with the lost-ID rows it files.
  return { counts, affected, written, items, lost, persons: { remove: personRemove, put: personPut } };
}

/** Records to take out of and put into the person buckets the lookup reads. */
interface PersonPaymentChange {
  readonly remove: readonly DisclosedPayment[];
  readonly put: readonly DisclosedPayment[];
}

/** A payment row whose ID was lost, with its ref (as its page lists it). */
interface LostPayment {
  readonly ref: string;
  readonly row: NormalizedRow;
}

/**
 * Where identical payment rows of a version are read together, for {@link PaymentRefs}: the
 * lost-ID rows (all in {@link LOST_ID_SHARD}, which also holds other rows), else their shard.
 */
const meetOf = (row: NormalizedRow, shard: number) => (lostId(row) ? 'lost' : String(shard));

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
  /** The lookup key refs are digested under ({@link PaymentRefs}). */
  key: Uint8Array,
): Promise<PersonPaymentChange> {
  if (lost.before.length === 0 && lost.after.length === 0 && stayed === 'filed')
    return { remove: [], put: [] };
  const before = [...lost.before];
  const after = [...lost.after];
  if (stayed !== 'filed') {
    // Their refs as the sync that projected them made them: the lost rows of each version in file order.
    const refs = new Map<string, PaymentRefs>();
    for (const { versionId, row } of await reader.lostRows()) {
      const content = paymentContent(row);
      if (!content) continue;
      let numbered = refs.get(versionId);
      if (!numbered) {
        numbered = new PaymentRefs(reader.departmentOf(versionId), key);
        refs.set(versionId, numbered);
      }
      const ref = numbered.next(row, content, meetOf(row, LOST_ID_SHARD));
      const part = coverageKey('subsidy_payments', row.values) ?? '';
      if (added.has(unitId({ kind: 'subsidy_payments', versionId, part }))) continue;
      if (stayed === 'moved') before.push({ ref, row });
      after.push({ ref, row });
    }
  }
  // Each index is asked only for rows it files: without lost rows, none is read (nor the registry scanned).
  const filed = async (payments: readonly LostPayment[], index: () => Promise<LostIdIndex>) => {
    if (payments.length === 0) return [];
    const persons = await index();
    return defined(
      payments.map(({ ref, row }) => {
        const idNumber = persons.recipientOf(row).idNumber;
        const content = idNumber ? paymentContent({ ...row, idNumber }, digest) : undefined;
        return content ? disclosedPayment(ref, content) : undefined;
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

/** A payment row in force whose ID was lost, with its version. */
interface LostRow {
  readonly versionId: string;
  readonly row: NormalizedRow;
}

/** A lost row with the recipient the registry finds for it and the shard whose totals count it. */
interface HomedLostRow extends LostRow {
  readonly recipient: Recipient;
  readonly home: number;
}

const NO_NAMES: readonly string[] = [];

/**
 * The persons the lookup index knows, by ID number: the registry's (names, household) and the
 * paid ones (the names their payments give them). Gathered by the lost-ID index's registry
 * scan when the index is rebuilt, so the registry is read once; names and households are
 * strings shared by the persons that have them.
 */
class RegistryPersons {
  readonly byId = new Map<
    string,
    { readonly idNumber: string; names: readonly string[]; household?: string }
  >();
  private readonly strings = new Map<string, string>();

  private shared(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** A person paid or registered under `name` (normalized; empty: no name). */
  add(idNumber: string, name: string): { household?: string } {
    let p = this.byId.get(idNumber);
    if (!p) {
      p = { idNumber, names: NO_NAMES };
      this.byId.set(idNumber, p);
    }
    if (name && !p.names.includes(name)) p.names = [...p.names, this.shared(name)];
    return p;
  }

  /** Add a registry row. */
  addRow(row: NormalizedRow, department: string): void {
    if (!row.idNumber) return;
    const p = this.add(row.idNumber, normalizePersonName(row.values.name as string | null));
    const household = row.values.household_no;
    if (household !== null && household !== undefined && household !== '')
      p.household = this.shared(`${department}|${String(household)}`);
  }
}

/** Reads what counting totals and the lookup needs, at most once per sync. */
class PaymentReader {
  private lost?: Promise<LostRow[]>;
  private homed?: Promise<HomedLostRow[]>;
  private index?: Promise<LostIdIndex>;
  private kept?: Promise<LostIdCache | undefined>;
  /** The lost-ID index found again this sync, kept by {@link keepLostIndex}. */
  private found?: LostIdCache;
  /** The registry's persons, when a scan for the lost-ID index gathered them for the lookup index. */
  private persons?: RegistryPersons;

  constructor(
    private readonly deps: DisclosureSyncDeps,
    /** Payment units in force: coverage parts by version. */
    readonly parts: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly registry: readonly DatasetVersion[],
    readonly byId: ReadonlyMap<string, DatasetVersion>,
    /**
     * The lookup index is rebuilt this sync: a registry scan for the lost-ID index gathers its
     * persons too, so the registry is read once.
     */
    private readonly lookupsRebuilt: boolean,
  ) {}

  /** Rows of the registry in force, shard by shard. */
  private async *registryRows(): AsyncGenerator<{ row: NormalizedRow; department: string }> {
    for (const shard of ALL_SHARDS)
      for (const version of this.registry)
        for await (const rows of shardBatches(this.deps, version, shard))
          for (const row of rows) yield { row, department: version.department };
  }

  /** The registry's persons for the lookup index (gathered by the lost-ID index's scan, if any). */
  async registryPersons(): Promise<RegistryPersons> {
    const gathered = this.persons;
    this.persons = undefined;
    if (gathered) return gathered;
    const persons = new RegistryPersons();
    for await (const { row, department } of this.registryRows()) persons.addRow(row, department);
    return persons;
  }

  /** The payment rows in force whose ID was lost (all kept in {@link LOST_ID_SHARD}). */
  lostRows(): Promise<LostRow[]> {
    this.lost ??= (async () => {
      const out: LostRow[] = [];
      for (const [versionId, parts] of this.parts) {
        const version = this.byId.get(versionId);
        if (!version) continue;
        for await (const rows of shardBatches(this.deps, version, LOST_ID_SHARD))
          for (const row of rows)
            if (lostId(row) && parts.has(coverageKey('subsidy_payments', row.values) ?? ''))
              out.push({ versionId, row });
      }
      return out;
    })();
    return this.lost;
  }

  /**
   * The lost rows in force, each with the recipient the registry finds for it and the shard
   * whose totals count it (its person's, else by its name and village).
   */
  homedLostRows(): Promise<HomedLostRow[]> {
    this.homed ??= (async () => {
      const lost = await this.lostRows();
      if (lost.length === 0) return [];
      const index = await this.lostIndex();
      return lost.map(({ versionId, row }) => {
        const recipient = index.recipientOf(row);
        const home = recipient.idNumber ? hashToShard(recipient.idNumber) : nameShard(row);
        return { versionId, row, recipient, home };
      });
    })();
    return this.homed;
  }

  /** The lost rows in force as a pass over every payment version found them ({@link ShardTally}). */
  foundLostRows(rows: LostRow[]): void {
    this.lost ??= Promise.resolve(rows);
  }

  /** The source (department) of a payment version's refs. */
  departmentOf(versionId: string): string {
    return (this.byId.get(versionId) as DatasetVersion).department;
  }

  /** The lost-ID index as the last sync kept it, read before {@link lostIndex} replaces it. */
  private keptCache() {
    this.kept ??= readStoredJson<LostIdCache>(this.deps, LOST_IDS_KEY);
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
      const persons = this.lookupsRebuilt ? new RegistryPersons() : undefined;
      for await (const { row, department } of this.registryRows()) {
        index.addRegistryRow(row);
        persons?.addRow(row, department);
      }
      this.persons = persons;
      this.found = { registry, entries: index.entries() };
      return index;
    })();
    return this.index;
  }

  /** One shard's totals and paid persons of a year, counting each person once. */
  async part(year: string, shard: number): Promise<ShardPart> {
    const part = new PartBuilder(year);
    const inYear = (parts: ReadonlySet<string>) => [...parts].some((p) => p.split('|')[1]?.startsWith(year));
    for (const [versionId, parts] of this.parts) {
      const version = this.byId.get(versionId);
      if (!version || !inYear(parts)) continue;
      for await (const rows of shardBatches(this.deps, version, shard))
        for (const row of rows)
          if (!lostId(row) && parts.has(coverageKey('subsidy_payments', row.values) ?? ''))
            part.add(row, { key: row.idNumber ?? untiedKey(row) });
    }
    for (const { row, recipient, home } of await this.homedLostRows())
      if (home === shard) part.add(row, recipient);
    return part.part();
  }
}

/** One shard's part of a year's totals, as its payment rows are added (each person counted once). */
class PartBuilder {
  private readonly totals = new TotalsBuilder();
  private readonly paid = new Map<string, Set<string>>();
  // A person is paid month after month under the same name: each name is normalized once.
  private readonly names = new Map<string, string>();

  constructor(private readonly year: string) {}

  private normalized(raw: CellValue | undefined): string {
    if (typeof raw !== 'string') return normalizePersonName(raw as number | null | undefined);
    let name = this.names.get(raw);
    if (name === undefined) {
      name = normalizePersonName(raw);
      this.names.set(raw, name);
    }
    return name;
  }

  /**
   * Add a payment row paid to `recipient`; `payment` is the row as disclosed when the caller
   * has it already (its `person` is not counted).
   */
  add(
    row: NormalizedRow,
    recipient: Recipient,
    payment: PaymentContent | undefined = paymentContent(row),
  ): void {
    if (!payment || payment.period.slice(0, 4) !== this.year) return;
    this.totals.add(payment, recipient.key);
    const name = this.normalized(row.values.recipient_name);
    // A lost ID's person (found by name + village) is paid too: the payment is in their lookup.
    const idNumber = recipient.idNumber ?? row.idNumber;
    if (idNumber) {
      const names = this.paid.get(idNumber) ?? new Set<string>();
      if (name) names.add(name);
      this.paid.set(idNumber, names);
    }
  }

  part(): ShardPart {
    return {
      cells: this.totals.cells(),
      paid: [...this.paid.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, names]) => [id, [...names].sort()] as const),
    };
  }
}

/**
 * Counts every `(year, shard)` part of the totals in {@link syncPayments}' pass over the payment
 * versions in force, a shard at a time (the same rows, in the same order, as
 * {@link PaymentReader.part} reads them): rows with an ID as they stream by, the lost-ID rows
 * (all in {@link LOST_ID_SHARD}, read first) in their person's shard once the registry found them.
 */
class ShardTally {
  /** The payment versions in force, in the order the totals count them. */
  readonly versions: readonly string[];
  /** The years of each version's parts (a part counts the rows of versions with parts in its year). */
  private readonly yearsOf = new Map<string, Set<string>>();
  private builders = new Map<string, PartBuilder>();
  private readonly lost: LostRow[] = [];
  /** The lost rows with their recipients and shards, once found. */
  private homes: readonly HomedLostRow[] = [];

  constructor(
    private readonly reader: PaymentReader,
    /** The years with payments in force (each shard gives each of them a part). */
    private readonly years: ReadonlySet<string>,
    private readonly counted: (year: string, shard: number, part: ShardPart) => Promise<void>,
  ) {
    this.versions = [...reader.parts.keys()];
    for (const [versionId, parts] of reader.parts)
      this.yearsOf.set(versionId, new Set([...parts].map((p) => (p.split('|')[1] ?? '').slice(0, 4))));
  }

  private builder(year: string): PartBuilder | undefined {
    if (!this.years.has(year)) return undefined;
    let b = this.builders.get(year);
    if (!b) {
      b = new PartBuilder(year);
      this.builders.set(year, b);
    }
    return b;
  }

  /** A row of a payment version read in `shard`; `part` and `payment` when the caller has them. */
  row(
    versionId: string,
    shard: number,
    row: NormalizedRow,
    part = coverageKey('subsidy_payments', row.values) ?? '',
    payment?: PaymentContent,
  ): void {
    if (!this.reader.parts.get(versionId)?.has(part)) return;
    if (lostId(row)) {
      if (shard === LOST_ID_SHARD) this.lost.push({ versionId, row });
      return;
    }
    const p = payment ?? paymentContent(row);
    const year = p?.period.slice(0, 4) ?? '';
    if (p && this.yearsOf.get(versionId)?.has(year))
      this.builder(year)?.add(row, { key: row.idNumber ?? untiedKey(row) }, p);
  }

  /** Every row of `shard` was read: its parts are counted. */
  async endShard(shard: number): Promise<void> {
    if (shard === LOST_ID_SHARD) {
      this.reader.foundLostRows(this.lost);
      this.homes = await this.reader.homedLostRows();
    }
    for (const { row, recipient, home } of this.homes)
      if (home === shard) {
        const p = paymentContent(row);
        if (p) this.builder(p.period.slice(0, 4))?.add(row, recipient, p);
      }
    const builders = this.builders;
    this.builders = new Map();
    for (const year of this.years)
      await this.counted(year, shard, (builders.get(year) ?? new PartBuilder(year)).part());
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

  const state = await readStoredJson<SyncState>(deps, STATE_KEY);
  const payAdded = added.filter(isPayment);
  const payRemoved = removed.filter(isPayment);
  const registryChanged = [...added, ...removed].some((u) => u.kind === 'household_registry');
  const inForce = [...desired.values()];
  const parts = partsByVersion(inForce);
  const years = new Set<string>();
  for (const set of parts.values()) for (const p of set) years.add((p.split('|')[1] ?? '').slice(0, 4));
  years.delete('');
  // A state of format 1 was left by a version that stored totals cells and lookup entries one
  // item each: every year's totals are written packed (diffed against the table, which deletes
  // the old items) and the lookup index is rebuilt packed.
  const upgraded = state !== undefined && state.format !== 2;
  const lostUnfiled = state !== undefined && state.lostFiled !== true;
  // Without state (first sync) or with a new registry, every year is counted again.
  const countAll = !state || registryChanged || upgraded || lostUnfiled;
  const registry = inForce
    .filter((u) => u.kind === 'household_registry')
    .map((u) => byId.get(u.versionId))
    .filter((v): v is DatasetVersion => v !== undefined);
  const lookupsKnown = !state || upgraded || state.lookupsPending === true || registryChanged;
  const reader = new PaymentReader(deps, parts, registry, byId, lookupsKnown);

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
  // Counting every part, the years with payments are counted as the payment rows are read.
  const tallied = new Map<string, YearCount>();
  if (countAll) for (const y of years) tallied.set(y, await YearCount.begin(deps, y, paidChange, upgraded));
  const tally = countAll
    ? new ShardTally(reader, years, (year, shard, part) =>
        (tallied.get(year) as YearCount).shard(shard, part),
      )
    : undefined;

  // Persons' digests, computed once for the payments and the lookup index.
  const digest = personDigests(deps.lookupKey);
  // The changed records are dropped once the person buckets have them (a first sync's are every payment).
  const { persons: changed, ...payments } = await syncPayments(
    deps,
    payAdded,
    payRemoved,
    inForce.filter(isPayment),
    byId,
    digest,
    tally,
  );
  const affected = payments.affected;
  if (countAll) for (const y of new Set([...years, ...(state?.years ?? [])])) affected.add(y, ALL_SHARDS);
  // A year that has no payments any more is counted (to nothing) once more.
  for (const y of state?.years ?? []) if (!years.has(y)) affected.add(y, ALL_SHARDS);

  const lostFiling = await fileLostPayments(
    reader,
    payments.lost,
    new Set(payAdded.map(unitId)),
    registryChanged ? 'moved' : lostUnfiled ? 'unfiled' : 'filed',
    digest,
    deps.lookupKey,
  );
  // One update of the person buckets for the rows with an ID and the lost-ID rows filed: at 1M
  // a bucket holds thousands of payments, and lost rows fall into nearly every bucket.
  const personRemove = [...changed.remove, ...lostFiling.remove];
  const personPut = [...changed.put, ...lostFiling.put];
  const personItems =
    personRemove.length + personPut.length > 0
      ? await deps.disclosure.updatePersonPayments(personRemove, personPut)
      : 0;
  for (const [year, shards] of affected.byYear) {
    const counted = tallied.get(year);
    if (counted) {
      await counted.finish();
      continue;
    }
    const count = await YearCount.begin(deps, year, paidChange, upgraded);
    for (const shard of shards)
      await count.shard(shard, years.has(year) ? await reader.part(year, shard) : { cells: [], paid: [] });
    await count.finish();
  }

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
 * Counts the parts of `year` again and brings the year's totals in step. When the stored sum
 * is the sum of the stored parts (their digests match), it is updated by the changed parts
 * alone (old part out, new part in) and only changed cells are written; otherwise (first sync,
 * or a sync that stopped between writing parts and the sum) every part is summed again and the
 * table's cells are diffed. Parts are handed in one at a time ({@link YearCount.shard}), then
 * {@link YearCount.finish} writes the totals.
 */
class YearCount {
  private readonly digests: string[];
  private readonly delta = new TotalsSum();
  private consistent: boolean;

  private constructor(
    private readonly deps: DisclosureSyncDeps,
    private readonly year: string,
    private readonly stored: YearSum | undefined,
    private readonly paidChange: () => Promise<void>,
    /** Diff the totals against the table, not the stored sum (items an earlier version left). */
    private readonly fromTable: boolean,
  ) {
    this.digests = [...(stored?.parts ?? ALL_SHARDS.map(() => ''))];
    this.consistent = stored !== undefined;
  }

  static async begin(
    deps: DisclosureSyncDeps,
    year: string,
    paidChange: () => Promise<void>,
    fromTable = false,
  ): Promise<YearCount> {
    return new YearCount(
      deps,
      year,
      await readStoredJson<YearSum>(deps, sumKey(year)),
      paidChange,
      fromTable,
    );
  }

  private async text(key: string): Promise<string | undefined> {
    const bytes = await this.deps.objects.getBytes(this.deps.buckets.data, key);
    return bytes ? utf8Text(bytes) : undefined;
  }

  /** The part of `shard` as counted now. */
  async shard(shard: number, part: ShardPart): Promise<void> {
    const oldText = await this.text(partialKey(this.year, shard));
    if (oldText === undefined || this.stored?.parts[shard] !== digestOf(oldText)) this.consistent = false;
    const old = oldText === undefined ? undefined : (JSON.parse(oldText) as ShardPart);
    if (JSON.stringify(part.paid) !== JSON.stringify(old?.paid ?? [])) await this.paidChange();
    const newText = JSON.stringify(part);
    if (newText !== oldText) await writeJson(this.deps, partialKey(this.year, shard), part);
    this.digests[shard] = digestOf(newText);
    this.delta.subtract(old?.cells ?? []);
    this.delta.add(part.cells);
  }

  /** Write the year's totals and their sum. */
  async finish(): Promise<void> {
    const { deps, year, stored } = this;
    let cells: TotalsCell[];
    if (stored && this.consistent) {
      const sum = new TotalsSum();
      sum.add(stored.cells);
      sum.add(this.delta.differences());
      cells = sum.cells();
    } else {
      const sum = new TotalsSum();
      for (const shard of ALL_SHARDS) {
        const partText = await this.text(partialKey(year, shard));
        this.digests[shard] = digestOf(partText);
        sum.add(partText === undefined ? [] : (JSON.parse(partText) as ShardPart).cells);
      }
      cells = sum.cells();
    }
    await deps.disclosure.replaceTotals(
      year,
      cells,
      stored && this.consistent && !this.fromTable ? stored.cells : undefined,
    );
    await writeJson(deps, sumKey(year), { cells, parts: this.digests } satisfies YearSum);
  }
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
  const persons = await reader.registryPersons();
  const paid = new Set<string>();
  for (const year of years)
    for (const shard of ALL_SHARDS)
      for (const [id, names] of (await readStoredJson<ShardPart>(deps, partialKey(year, shard)))?.paid ??
        []) {
        paid.add(id);
        for (const name of names) persons.add(id, name);
      }
  const previous = fromTable ? undefined : await readStoredJson<LookupDigests>(deps, LOOKUP_DIGESTS_KEY);
  const { digests, written } = await deps.disclosure.replaceLookups(
    lookupEntries(deps.lookupKey, persons.byId, paid, digest),
    previous,
  );
  if (JSON.stringify(digests) !== JSON.stringify(previous))
    await writeJson(deps, LOOKUP_DIGESTS_KEY, digests);
  return written;
}
