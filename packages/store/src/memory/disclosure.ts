import type { LookupEntry } from '@jiandu/domain/disclosure/lookup';
import {
  type DisclosureRecords,
  type DisclosureStore,
  type DisclosureUnit,
  type LookupDigests,
  type NoticeFilter,
  type PageRequest,
  type PaymentGroupChange,
  type PlaceFilter,
  type RecordKind,
  unitId,
} from '@jiandu/domain/disclosure/ports';
import type {
  DisclosedFinanceItem,
  DisclosedNotice,
  DisclosedPayment,
  DisclosureKind,
} from '@jiandu/domain/disclosure/records';
import { cellId, type TotalsBy, type TotalsCell } from '@jiandu/domain/disclosure/totals';
import type { Page } from '@jiandu/domain/ports';
import {
  applyPersonChanges,
  type BucketChunk,
  bucketOf,
  fromLookupValue,
  fromPersonRecord,
  groupBy,
  groupId,
  lookupValue,
  type PageChunk,
  type PaymentGroup,
  packBucket,
  packPage,
  packPersons,
  packRecords,
  packTotals,
  paymentId,
  personFiles,
  recordGroup,
  sameChunk,
  samePageChunk,
  unpackBucket,
  unpackPage,
  unpackPersons,
} from '../disclosure-packing.js';
import { placePrefix } from '../keys.js';
import { byKey, clone, offsetPage } from './support.js';

type AnyRecord = DisclosureRecords[Exclude<DisclosureKind, 'subsidy_payments'>];

/** The sort key a record has in its partition (as `keys.ts` builds it). */
function sortKeyOf(kind: RecordKind, r: AnyRecord): string {
  switch (kind) {
    case 'village_finance': {
      const f = r as DisclosedFinanceItem;
      return `${f.date}|${f.ref}`;
    }
    case 'notices': {
      const n = r as DisclosedNotice;
      return `${n.publishDate}|${n.ref}`;
    }
    default: {
      const x = r as { township: string; village: string; ref: string };
      return `${x.township}|${x.village}|${x.ref}`;
    }
  }
}

/**
 * The disclosure projections in memory, with the DynamoDB adapter's order and paging, packed
 * into the same pages and buckets (`disclosure-packing.ts`), so writes are counted alike.
 */
export class MemoryDisclosureStore implements DisclosureStore {
  /** Records of the kinds other than payments by kind and sort key, for tests to inspect. */
  readonly records = new Map<RecordKind, Map<string, AnyRecord>>();
  /** Payment page chunks by group (`groupId`), for tests to inspect. */
  readonly pages = new Map<string, { readonly group: PaymentGroup; readonly chunks: PageChunk[] }>();
  /** Person buckets and lookup buckets: their chunks. */
  readonly personBuckets = new Map<string, BucketChunk[]>();
  readonly lookupBuckets = new Map<string, BucketChunk[]>();
  /** Records of other kinds stored one item each, as an earlier version did (tests put them here). */
  readonly legacyRecords = new Map<RecordKind, Map<string, AnyRecord>>();
  /** Payment records stored one item each, as an earlier version did (tests put them here). */
  readonly legacyPayments = new Map<string, DisclosedPayment>();
  /** Lookup entries stored one item each, as an earlier version did (tests put them here). */
  readonly legacyLookups = new Map<string, LookupEntry>();
  readonly unitItems = new Map<string, DisclosureUnit>();
  readonly totalsCells = new Map<string, TotalsCell>();
  /** Items put or deleted so far (as the DynamoDB adapter would write them), for benchmarks and tests. */
  writes = 0;

  /** Every lookup entry (unpacked), for tests to inspect. */
  get lookups(): Map<string, LookupEntry> {
    const out = new Map<string, LookupEntry>();
    for (const chunks of this.lookupBuckets.values())
      for (const [k, v] of unpackBucket<string[]>(chunks)) out.set(k, fromLookupValue(k, v));
    return out;
  }

  /** Every disclosed payment (unpacked, in listing order), for tests to inspect. */
  allPayments(): DisclosedPayment[] {
    return [...this.pages.entries()]
      .sort(byKey(([k]) => k))
      .flatMap(([, { group, chunks }]) => chunks.flatMap((c) => unpackPage(group, c)));
  }

  private of(kind: RecordKind): Map<string, AnyRecord> {
    let map = this.records.get(kind);
    if (!map) {
      map = new Map();
      this.records.set(kind, map);
    }
    return map;
  }

  private sorted<K extends RecordKind>(kind: K): DisclosureRecords[K][] {
    return [...this.of(kind).entries()].sort(byKey(([k]) => k)).map(([, r]) => r as DisclosureRecords[K]);
  }

  async units() {
    return [...this.unitItems.values()].map(clone);
  }

  async writeRecords<K extends RecordKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ) {
    // Written as the table packs them: notices one item each, the other kinds in chunks per group.
    const groupOf = (r: AnyRecord) => (kind === 'notices' ? sortKeyOf(kind, r) : recordGroup(r));
    const touched = new Set([...puts, ...deletes].map(groupOf));
    const packed = () =>
      new Map([...touched].map((g) => [g, packRecords(this.sorted(kind).filter((r) => groupOf(r) === g))]));
    const before = packed();
    for (const r of deletes) this.of(kind).delete(sortKeyOf(kind, r));
    for (const r of puts) this.of(kind).set(sortKeyOf(kind, r), clone(r));
    let written = 0;
    for (const [g, chunks] of packed()) {
      const old = before.get(g) ?? [];
      written += chunks.filter((c, i) => old[i] !== c).length + Math.max(0, old.length - chunks.length);
    }
    this.writes += written;
    return written;
  }

  async removeLegacyRecords<K extends RecordKind>(kind: K, records: readonly DisclosureRecords[K][]) {
    const legacy = this.legacyRecords.get(kind);
    for (const r of records) legacy?.delete(sortKeyOf(kind, r));
    this.writes += records.length;
    return records.length;
  }

  async markUnits(put: readonly DisclosureUnit[], remove: readonly DisclosureUnit[]) {
    const kept = new Set(put.map(unitId));
    for (const u of remove) if (!kept.has(unitId(u))) this.unitItems.delete(unitId(u));
    for (const u of put) this.unitItems.set(unitId(u), clone(u));
    this.writes += put.length + remove.filter((u) => !kept.has(unitId(u))).length;
  }

  async replaceTotals(year: string, cells: readonly TotalsCell[], previous?: readonly TotalsCell[]) {
    // Like the table: `previous` (what was written last) is what a diff is made against, per
    // packed (scope, program, grouping) item.
    const before = packTotals(previous ?? [...this.totalsCells.values()].filter((c) => c.year === year));
    this.writes += changedCount(before, packTotals(cells));
    for (const [k, c] of [...this.totalsCells]) if (c.year === year) this.totalsCells.delete(k);
    for (const c of cells) this.totalsCells.set(`${c.year}#${cellId(c)}`, clone(c));
  }

  async writePaymentGroups(changes: readonly PaymentGroupChange[]) {
    let written = 0;
    for (const { before, after } of changes) {
      const p = after[0] ?? before[0];
      if (!p) continue;
      const group = { period: p.period, township: p.township, village: p.village, program: p.program };
      const old = packPage(before);
      const next = packPage(after);
      written +=
        next.filter((c, i) => !samePageChunk(old[i], c)).length + Math.max(0, old.length - next.length);
      if (next.length > 0) this.pages.set(groupId(group), { group, chunks: next });
      else this.pages.delete(groupId(group));
    }
    this.writes += written;
    return written;
  }

  async updatePersonPayments(remove: readonly DisclosedPayment[], put: readonly DisclosedPayment[]) {
    const bucket = (p: DisclosedPayment) => bucketOf(p.person ?? '');
    const removes = groupBy(
      remove.filter((p) => p.person),
      bucket,
    );
    const puts = groupBy(
      put.filter((p) => p.person),
      bucket,
    );
    let written = 0;
    for (const b of new Set([...removes.keys(), ...puts.keys()])) {
      const old = this.personBuckets.get(b) ?? [];
      const files = personFiles(unpackPersons(old));
      applyPersonChanges(files, removes.get(b) ?? [], puts.get(b) ?? []);
      const next = packPersons(files);
      written += changedChunks(old, next);
      if (next.length > 0) this.personBuckets.set(b, next);
      else this.personBuckets.delete(b);
    }
    this.writes += written;
    return written;
  }

  async removeLegacyPayments(records: readonly DisclosedPayment[]) {
    for (const r of records) this.legacyPayments.delete(paymentId(r));
    this.writes += records.length;
    return records.length;
  }

  async removeLegacyLookups() {
    const n = this.legacyLookups.size;
    this.legacyLookups.clear();
    this.writes += n;
    return n;
  }

  async replaceLookups(entries: readonly LookupEntry[], _previous?: LookupDigests) {
    // The table itself is the previous state here (what `previous` stands for in DynamoDB).
    const byBucket = groupBy(entries, (e) => bucketOf(e.key));
    const digests: Record<string, string> = {};
    let written = 0;
    for (const [b, list] of byBucket) {
      const next = packBucket(new Map(list.map((e) => [e.key, lookupValue(e)])));
      written += changedChunks(this.lookupBuckets.get(b) ?? [], next);
      this.lookupBuckets.set(b, next);
      digests[b] = `${next.length}|${next.map((c) => c.data).join('')}`;
    }
    for (const [b, old] of [...this.lookupBuckets])
      if (!byBucket.has(b)) {
        written += old.length;
        this.lookupBuckets.delete(b);
      }
    this.writes += written;
    return { digests, written };
  }

  async payments(q: PlaceFilter & { month: string; program?: string }, page: PageRequest) {
    const prefix = placePrefix(q);
    const all = [...this.pages.values()]
      .filter(({ group: g }) => g.period === q.month && (q.program === undefined || g.program === q.program))
      .filter(({ group: g }) => `${g.township}|${g.village}|`.startsWith(prefix))
      .sort(
        byKey(({ group: g }) =>
          q.program ? `${g.township}|${g.village}|` : `${g.township}|${g.village}|${g.program}|`,
        ),
      )
      .flatMap(({ group, chunks }) => chunks.flatMap((c) => unpackPage(group, c)));
    return offsetPage(all, page.limit, page.cursor);
  }

  async paymentsOfPersons(persons: readonly string[]) {
    const out: DisclosedPayment[] = [];
    for (const person of new Set(persons)) {
      const files = unpackPersons(this.personBuckets.get(bucketOf(person)) ?? []);
      for (const r of files.get(person) ?? []) out.push(fromPersonRecord(person, r));
    }
    return out;
  }

  async lookup(key: string) {
    const value = unpackBucket<string[]>(this.lookupBuckets.get(bucketOf(key)) ?? []).get(key);
    return value ? fromLookupValue(key, value) : undefined;
  }

  async years() {
    return [...new Set([...this.totalsCells.values()].map((c) => c.year))].sort();
  }

  async totals(year: string, scope: string, program: string, by: TotalsBy) {
    return [...this.totalsCells.values()]
      .filter((c) => c.year === year && c.scope === scope && c.program === program && c.by === by)
      .sort(byKey(cellId))
      .map(clone);
  }

  async households(q: PlaceFilter, page: PageRequest) {
    return this.placePage('poverty_registry', q, page);
  }

  async projects(q: PlaceFilter, page: PageRequest) {
    return this.placePage('livelihood_projects', q, page);
  }

  async financeItems(township: string, village: string, year: string) {
    return this.sorted('village_finance')
      .filter((f) => f.township === township && f.village === village && f.date.startsWith(year))
      .map(clone);
  }

  async notices(q: NoticeFilter, page: PageRequest): Promise<Page<DisclosedNotice>> {
    const all = this.sorted('notices')
      .reverse()
      .filter(
        (n) =>
          (q.township === undefined || n.township === q.township) &&
          (q.village === undefined || n.village === q.village) &&
          (q.category === undefined || n.category === q.category) &&
          (q.from === undefined || n.publishDate >= q.from) &&
          (q.to === undefined || n.publishDate <= q.to) &&
          (q.q === undefined || n.title.includes(q.q) || (n.body ?? '').includes(q.q)),
      );
    return offsetPage(all, page.limit, page.cursor);
  }

  private placePage<K extends 'poverty_registry' | 'livelihood_projects'>(
    kind: K,
    q: PlaceFilter,
    page: PageRequest,
  ): Page<DisclosureRecords[K]> {
    const prefix = placePrefix(q);
    const all = this.sorted(kind).filter((r) => `${r.township}|${r.village}|`.startsWith(prefix));
    return offsetPage(all, page.limit, page.cursor);
  }
}

/** How many chunk items turning `old` into `next` puts or deletes (unchanged ones are not written). */
function changedChunks(old: readonly BucketChunk[], next: readonly BucketChunk[]): number {
  return next.filter((c, i) => !sameChunk(old[i], c)).length + Math.max(0, old.length - next.length);
}

/** How many items replacing `before` by `after` puts or deletes (unchanged ones are not written). */
function changedCount<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>): number {
  let n = 0;
  for (const [k, v] of after) if (JSON.stringify(before.get(k)) !== JSON.stringify(v)) n++;
  for (const k of before.keys()) if (!after.has(k)) n++;
  return n;
}
