import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
  DisclosedHousehold,
  DisclosedNotice,
  DisclosedPayment,
  DisclosedProject,
} from '@jiandu/domain/disclosure/records';
import { cellId, type TotalsBy, type TotalsCell } from '@jiandu/domain/disclosure/totals';
import type { Page } from '@jiandu/domain/ports';
import { keys, placePrefix } from '../keys.js';
import { pageLimit } from '../paging.js';
import { type BatchWrite, batchWrite } from './batch.js';
import { type Item, queryAll, queryPage, strip, withFilter } from './items.js';
import { TableRepository } from './repository.js';

/** A partition (of the table or an index) and a sort-key prefix. */
interface Prefixed {
  readonly index: string | undefined;
  readonly pk: string;
  readonly skPrefix: string;
}

function prefixQuery(tableName: string, r: Prefixed): QueryCommandInput {
  const pk = r.index ? `${r.index}PK` : 'PK';
  const sk = r.index ? `${r.index}SK` : 'SK';
  return {
    TableName: tableName,
    ...(r.index ? { IndexName: r.index } : {}),
    KeyConditionExpression: r.skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
    ExpressionAttributeNames: { '#pk': pk, ...(r.skPrefix ? { '#sk': sk } : {}) },
    ExpressionAttributeValues: { ':pk': r.pk, ...(r.skPrefix ? { ':prefix': r.skPrefix } : {}) },
  };
}

/** BatchWriteItem requests in flight at once: a county's first sync writes hundreds of thousands of records. */
const WRITES_IN_FLIGHT = 4;

/** `batchWrite` with a few requests in flight (each write stands alone, so their order doesn't matter). */
async function writeAll(doc: DynamoDBDocumentClient, tableName: string, writes: readonly BatchWrite[]) {
  const slice = Math.ceil(writes.length / WRITES_IN_FLIGHT / 25) * 25;
  if (slice === 0) return;
  const slices: BatchWrite[][] = [];
  for (let i = 0; i < writes.length; i += slice) slices.push(writes.slice(i, i + slice));
  await Promise.all(slices.map((part) => batchWrite(doc, tableName, part)));
}

/** The item of one record of a kind, with its keys. */
function itemOf<K extends ProjectedKind>(kind: K, record: DisclosureRecords[K]): Item {
  switch (kind) {
    case 'subsidy_payments':
      return { ...keys.disclosedPayment(record as DisclosedPayment), ...record };
    case 'poverty_registry':
      return { ...keys.disclosedPlaceItem('POVERTY', record as DisclosedHousehold), ...record };
    case 'livelihood_projects':
      return { ...keys.disclosedPlaceItem('PROJECTS', record as DisclosedProject), ...record };
    case 'village_finance':
      return { ...keys.financeItem(record as DisclosedFinanceItem), ...record };
    default:
      return { ...keys.notice(record as DisclosedNotice), ...record };
  }
}

/** Without the internal fields a public record never shows (`person` of payments). */
function publicPayment(item: Item): DisclosedPayment {
  const { person: _person, ...payment } = strip<DisclosedPayment>(item);
  return payment;
}

/**
 * The disclosure projections in the single table (see `keys.ts`): records are put and deleted
 * in batches (each write stands alone; the unit item, written last and deleted last, says what
 * is complete), totals and lookup entries are diffed so unchanged items are never rewritten.
 */
export class DynamoDisclosureStore extends TableRepository implements DisclosureStore {
  async units(): Promise<DisclosureUnit[]> {
    const r = keys.disclosureUnits();
    const items = await queryAll(this.doc, prefixQuery(this.tableName, { index: undefined, ...r }));
    return items.map((i) => strip<DisclosureUnit>(i));
  }

  async writeRecords<K extends ProjectedKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ) {
    await writeAll(this.doc, this.tableName, [
      ...puts.map((r) => ({ put: itemOf(kind, r) })),
      ...deletes.map((r) => {
        const { PK, SK } = itemOf(kind, r);
        return { delete: { PK, SK } };
      }),
    ]);
  }

  async markUnits(put: readonly DisclosureUnit[], remove: readonly DisclosureUnit[]) {
    // A unit projected again (new keying) is put over its old item, not deleted in the same batch.
    const kept = new Set(put.map(unitId));
    await writeAll(this.doc, this.tableName, [
      ...put.map((u) => ({ put: { ...keys.disclosureUnit(unitId(u)), ...u } })),
      ...remove.filter((u) => !kept.has(unitId(u))).map((u) => ({ delete: keys.disclosureUnit(unitId(u)) })),
    ]);
  }

  async replaceTotals(
    year: string,
    cells: readonly TotalsCell[],
    previous?: readonly TotalsCell[],
  ): Promise<void> {
    const existing = new Map(
      previous
        ? previous.map((c) => [cellId(c), c])
        : (await queryAll(this.doc, prefixQuery(this.tableName, keys.totalsOfYear(year)))).map((i) => [
            String(i.SK),
            strip<TotalsCell>(i),
          ]),
    );
    const writes: BatchWrite[] = [];
    for (const cell of cells) {
      const key = keys.totalsCell(year, cellId(cell));
      const old = existing.get(key.SK);
      existing.delete(key.SK);
      if (old && sameCell(old, cell)) continue;
      writes.push({ put: { ...key, ...cell } });
    }
    for (const sk of existing.keys()) writes.push({ delete: keys.totalsCell(year, sk) });
    await writeAll(this.doc, this.tableName, writes);
    const stored = await this.years();
    const years = new Set(stored);
    if (cells.length > 0) years.add(year);
    else years.delete(year);
    const now = [...years].sort();
    if (now.join() !== stored.join()) await this.putItem({ ...keys.totalsYears(), years: now });
  }

  async replaceLookups(entries: readonly LookupEntry[]): Promise<void> {
    const existing = new Map(
      (
        await Promise.all(
          keys.allLookupEntries().map((r) => queryAll(this.doc, prefixQuery(this.tableName, r))),
        )
      )
        .flat()
        .map((i) => [String(i.GSI1SK), strip<LookupEntry>(i)]),
    );
    const writes: BatchWrite[] = [];
    for (const e of entries) {
      const old = existing.get(e.key);
      existing.delete(e.key);
      if (old && old.person === e.person && old.household.join() === e.household.join()) continue;
      writes.push({ put: { ...keys.lookupEntry(e.key), ...e } });
    }
    for (const key of existing.keys()) {
      const { PK, SK } = keys.lookupEntry(key);
      writes.push({ delete: { PK, SK } });
    }
    await writeAll(this.doc, this.tableName, writes);
  }

  async payments(q: PlaceFilter & { month: string; program?: string }, page: PageRequest) {
    const out = await this.page<Item>(keys.paymentsOfMonth(q.month, q.program, placePrefix(q)), page);
    return { ...out, items: out.items.map(publicPayment) };
  }

  async paymentsOfPersons(persons: readonly string[]): Promise<DisclosedPayment[]> {
    const lists = await Promise.all(
      persons.map((p) => queryAll(this.doc, prefixQuery(this.tableName, keys.paymentsOfPerson(p)))),
    );
    return lists.flat().map((i) => strip<DisclosedPayment>(i));
  }

  lookup(key: string): Promise<LookupEntry | undefined> {
    const { PK, SK } = keys.lookupEntry(key);
    return this.getItem<LookupEntry>({ PK, SK });
  }

  async years(): Promise<string[]> {
    return (await this.getItem<{ years: string[] }>(keys.totalsYears()))?.years ?? [];
  }

  async totals(year: string, scope: string, program: string, by: TotalsBy): Promise<TotalsCell[]> {
    const prefix = `${scope}#${program}#${by}#`;
    const items = await queryAll(this.doc, prefixQuery(this.tableName, keys.totalsOfYear(year, prefix)));
    return items.map((i) => strip<TotalsCell>(i));
  }

  households(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedHousehold>> {
    return this.page(keys.placeItems('POVERTY', placePrefix(q)), page);
  }

  projects(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedProject>> {
    return this.page(keys.placeItems('PROJECTS', placePrefix(q)), page);
  }

  async financeItems(township: string, village: string, year: string): Promise<DisclosedFinanceItem[]> {
    const items = await queryAll(
      this.doc,
      prefixQuery(this.tableName, keys.financeOfVillageYear(township, village, year)),
    );
    return items.map((i) => strip<DisclosedFinanceItem>(i));
  }

  notices(q: NoticeFilter, page: PageRequest): Promise<Page<DisclosedNotice>> {
    const base = prefixQuery(this.tableName, keys.notices());
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    for (const field of ['township', 'village', 'category'] as const) {
      const value = q[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      conditions.push(`#${field} = :${field}`);
    }
    if (q.from) {
      names['#date'] = 'publishDate';
      values[':from'] = q.from;
      conditions.push('#date >= :from');
    }
    if (q.to) {
      names['#date'] = 'publishDate';
      values[':to'] = q.to;
      conditions.push('#date <= :to');
    }
    if (q.q) {
      names['#title'] = 'title';
      names['#body'] = 'body';
      values[':q'] = q.q;
      conditions.push('(contains(#title, :q) OR contains(#body, :q))');
    }
    const input = withFilter(
      base,
      conditions.length === 0
        ? undefined
        : {
            FilterExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
    );
    return this.page(input, page, false);
  }

  /** One page in sort-key order (newest first when `forward` is false), filled across reads. */
  private async page<T>(
    source: Prefixed | QueryCommandInput,
    page: PageRequest,
    forward = true,
  ): Promise<Page<T>> {
    const input = 'pk' in source ? prefixQuery(this.tableName, source) : source;
    const out = await queryPage(this.doc, input, pageLimit(page.limit), page.cursor, forward);
    return { items: out.items.map((i) => strip<T>(i)), ...(out.cursor ? { cursor: out.cursor } : {}) };
  }
}

function sameCell(a: TotalsCell, b: TotalsCell): boolean {
  return (
    a.amount === b.amount && a.payments === b.payments && a.recipients === b.recipients && a.label === b.label
  );
}
