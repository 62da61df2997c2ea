import type { LookupEntry } from '@jiandu/domain/disclosure/lookup';
import {
  type DisclosureRecords,
  type DisclosureStore,
  type DisclosureUnit,
  type NoticeFilter,
  type PageRequest,
  type PlaceFilter,
  type ProjectedKind,
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
import { placePrefix } from '../keys.js';
import { byKey, clone, offsetPage } from './support.js';

type AnyRecord = DisclosureRecords[DisclosureKind];

/** The sort key a record has in its partition (as `keys.ts` builds it). */
function sortKeyOf(kind: ProjectedKind, r: AnyRecord): string {
  switch (kind) {
    case 'subsidy_payments': {
      const p = r as DisclosedPayment;
      return `${p.period}#${p.township}|${p.village}|${p.program}|${p.ref}`;
    }
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

/** The disclosure projections in memory, with the DynamoDB adapter's order and paging. */
export class MemoryDisclosureStore implements DisclosureStore {
  /** Records by kind and sort key, for tests to inspect. */
  readonly records = new Map<ProjectedKind, Map<string, AnyRecord>>();
  readonly unitItems = new Map<string, DisclosureUnit>();
  readonly totalsCells = new Map<string, TotalsCell>();
  readonly lookups = new Map<string, LookupEntry>();
  /** Items put or deleted so far (as the DynamoDB adapter would write them), for benchmarks and tests. */
  writes = 0;

  private of(kind: ProjectedKind): Map<string, AnyRecord> {
    let map = this.records.get(kind);
    if (!map) {
      map = new Map();
      this.records.set(kind, map);
    }
    return map;
  }

  private sorted<K extends DisclosureKind>(kind: K): DisclosureRecords[K][] {
    return [...this.of(kind).entries()].sort(byKey(([k]) => k)).map(([, r]) => r as DisclosureRecords[K]);
  }

  async units() {
    return [...this.unitItems.values()].map(clone);
  }

  async writeRecords<K extends ProjectedKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ) {
    for (const r of puts) this.of(kind).set(sortKeyOf(kind, r), clone(r));
    for (const r of deletes) this.of(kind).delete(sortKeyOf(kind, r));
    this.writes += puts.length + deletes.length;
  }

  async markUnits(put: readonly DisclosureUnit[], remove: readonly DisclosureUnit[]) {
    const kept = new Set(put.map(unitId));
    for (const u of remove) if (!kept.has(unitId(u))) this.unitItems.delete(unitId(u));
    for (const u of put) this.unitItems.set(unitId(u), clone(u));
    this.writes += put.length + remove.filter((u) => !kept.has(unitId(u))).length;
  }

  async replaceTotals(year: string, cells: readonly TotalsCell[], previous?: readonly TotalsCell[]) {
    // Like the table: `previous` (what was written last) is what a diff is made against.
    const before = previous
      ? new Map(previous.map((c) => [`${c.year}#${cellId(c)}`, c]))
      : new Map([...this.totalsCells].filter(([, c]) => c.year === year));
    const after = new Map(cells.map((c) => [`${c.year}#${cellId(c)}`, c]));
    this.writes += changedCount(before, after);
    for (const k of before.keys()) this.totalsCells.delete(k);
    for (const [k, c] of after) this.totalsCells.set(k, clone(c));
  }

  async replaceLookups(entries: readonly LookupEntry[]) {
    this.writes += changedCount(this.lookups, new Map(entries.map((e) => [e.key, e])));
    this.lookups.clear();
    for (const e of entries) this.lookups.set(e.key, clone(e));
  }

  async payments(q: PlaceFilter & { month: string; program?: string }, page: PageRequest) {
    const prefix = placePrefix(q);
    const all = this.sorted('subsidy_payments')
      .filter((p) => p.period === q.month && (q.program === undefined || p.program === q.program))
      .filter((p) => `${p.township}|${p.village}|`.startsWith(prefix))
      .sort(
        byKey((p) =>
          q.program
            ? `${p.township}|${p.village}|${p.ref}`
            : `${p.township}|${p.village}|${p.program}|${p.ref}`,
        ),
      )
      .map(({ person: _person, ...p }) => p);
    return offsetPage(all, page.limit, page.cursor);
  }

  async paymentsOfPersons(persons: readonly string[]) {
    const wanted = new Set(persons);
    return this.sorted('subsidy_payments')
      .filter((p) => p.person !== undefined && wanted.has(p.person))
      .map(clone);
  }

  async lookup(key: string) {
    const e = this.lookups.get(key);
    return e && clone(e);
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

/** How many items replacing `before` by `after` puts or deletes (unchanged ones are not written). */
function changedCount<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>): number {
  let n = 0;
  for (const [k, v] of after) if (JSON.stringify(before.get(k)) !== JSON.stringify(v)) n++;
  for (const k of before.keys()) if (!after.has(k)) n++;
  return n;
}
