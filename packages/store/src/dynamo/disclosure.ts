import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
  DisclosedHousehold,
  DisclosedNotice,
  DisclosedPayment,
  DisclosedProject,
} from '@jiandu/domain/disclosure/records';
import type { TotalsBy, TotalsCell } from '@jiandu/domain/disclosure/totals';
import type { Page } from '@jiandu/domain/ports';
import {
  applyPersonChanges,
  type BucketChunk,
  bucketOf,
  chunkOf,
  fromLookupValue,
  fromPersonRecord,
  groupBy,
  lookupValue,
  type PageChunk,
  type PaymentGroup,
  packBucket,
  packPage,
  packPersons,
  packRecords,
  packTotals,
  personFiles,
  recordGroup,
  recordOrder,
  sameChunk,
  samePageChunk,
  totalsGroupId,
  unpackBucket,
  unpackPage,
  unpackPersons,
  unpackRecords,
  unpackTotals,
} from '../disclosure-packing.js';
import { keys, placePrefix } from '../keys.js';
import { InvalidCursorError, pageLimit } from '../paging.js';
import { type BatchWrite, batchGet, batchWrite } from './batch.js';
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

/** Person buckets read, changed and written together by `updatePersonPayments`. */
const PERSON_BUCKETS_AT_ONCE = 32;

/** `batchWrite` with a few requests in flight (each write stands alone, so their order doesn't matter). */
async function writeAll(doc: DynamoDBDocumentClient, tableName: string, writes: readonly BatchWrite[]) {
  const slice = Math.ceil(writes.length / WRITES_IN_FLIGHT / 25) * 25;
  if (slice === 0) return;
  const slices: BatchWrite[][] = [];
  for (let i = 0; i < writes.length; i += slice) slices.push(writes.slice(i, i + slice));
  await Promise.all(slices.map((part) => batchWrite(doc, tableName, part)));
}

/** The kinds whose records are packed per village (or village and year) into pages. */
type PagedKind = Exclude<RecordKind, 'notices' | 'household_registry'>;

/** How the records of a kind are packed (`packRecords`): the group of a record, its chunks' keys. */
const RECORD_PAGES: {
  readonly [K in PagedKind]: {
    readonly group: (r: DisclosureRecords[K]) => string;
    readonly key: (r: DisclosureRecords[K], chunk: number) => { PK: string; SK: string };
    /** Where a group's chunks are (to read them before a change). */
    readonly chunks: (r: DisclosureRecords[K]) => Prefixed;
    /** The item an earlier version stored the record in, one each. */
    readonly legacy: (r: DisclosureRecords[K]) => { PK: string; SK: string };
  };
} = {
  poverty_registry: {
    group: recordGroup,
    key: (r, chunk) => keys.placePage('POVERTY', r, chunk),
    chunks: (r) => keys.placePages('POVERTY', `${r.township}|${r.village}|`),
    legacy: (r) => keys.legacyPlaceItem('POVERTY', r),
  },
  livelihood_projects: {
    group: recordGroup,
    key: (r, chunk) => keys.placePage('PROJECTS', r, chunk),
    chunks: (r) => keys.placePages('PROJECTS', `${r.township}|${r.village}|`),
    legacy: (r) => keys.legacyPlaceItem('PROJECTS', r),
  },
  village_finance: {
    group: recordGroup,
    key: (r, chunk) => keys.financePage({ ...r, year: r.date.slice(0, 4) }, chunk),
    chunks: (r) => keys.financePagesOfVillageYear(r.township, r.village, r.date.slice(0, 4)),
    legacy: (r) => keys.legacyFinanceItem(r),
  },
};

const isPaged = (kind: RecordKind): kind is PagedKind => kind in RECORD_PAGES;

/** A bucket's chunk keys: a person bucket or a lookup bucket. */
type BucketKey = (bucket: string, chunk: number) => { PK: string; SK: string };

/** The 256 buckets (2 hex digits). */
const ALL_BUCKETS = [...Array(256).keys()].map((n) => n.toString(16).padStart(2, '0'));

/** The place of a page in its listing and where a page of records resumes: opaque to callers. */
interface RecordCursor {
  /** The listing's partition, so a cursor of another month or program is refused. */
  readonly p: string;
  /** The sort key of the page chunk to resume in. */
  readonly k: string;
  /** Records of that chunk already read. */
  readonly o: number;
}

function decodeRecordCursor(
  cursor: string | undefined,
  pk: string,
  prefix: string,
): RecordCursor | undefined {
  if (!cursor) return undefined;
  let c: Partial<RecordCursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<RecordCursor>;
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !c ||
    typeof c !== 'object' ||
    c.p !== pk ||
    typeof c.k !== 'string' ||
    !c.k.startsWith(prefix) ||
    !Number.isSafeInteger(c.o) ||
    (c.o as number) < 0
  )
    throw new InvalidCursorError();
  return c as RecordCursor;
}

const encodeRecordCursor = (c: RecordCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** The stored digest of a bucket's chunks: `{chunks}|{sha256}` (what `replaceLookups` diffs). */
function bucketDigest(chunks: readonly BucketChunk[]): string {
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(JSON.stringify(c.bounds ?? null)).update(c.data);
  return `${chunks.length}|${hash.digest('base64url')}`;
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

  async writeRecords<K extends RecordKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ): Promise<number> {
    if (!isPaged(kind)) {
      const key = (r: DisclosureRecords[K]) => keys.notice(r as DisclosedNotice);
      const writes: BatchWrite[] = [
        ...deletes.map((r) => ({ delete: key(r) })),
        ...puts.map((r) => ({ put: { ...key(r), ...(r as DisclosedNotice) } })),
      ];
      await writeAll(this.doc, this.tableName, writes);
      return writes.length;
    }
    // Each changed group is read (one query: a village's households, a village year's books),
    // changed and packed again; only chunks that differ are written.
    type R = DisclosureRecords[PagedKind];
    const pages = RECORD_PAGES[kind] as unknown as (typeof RECORD_PAGES)['poverty_registry'];
    const removes = groupBy(deletes as readonly R[], pages.group as (r: R) => string);
    const adds = groupBy(puts as readonly R[], pages.group as (r: R) => string);
    const writes: BatchWrite[] = [];
    for (const id of new Set([...removes.keys(), ...adds.keys()])) {
      const sample = (adds.get(id)?.[0] ?? removes.get(id)?.[0]) as DisclosedHousehold;
      const stored = await queryAll(this.doc, prefixQuery(this.tableName, pages.chunks(sample)));
      const old = stored.map((i) => String(i.records));
      const records = new Map<string, R>(
        old.flatMap((text) => (JSON.parse(text) as R[]).map((r) => [recordOrder(r), r])),
      );
      for (const r of removes.get(id) ?? []) records.delete(recordOrder(r));
      for (const r of adds.get(id) ?? []) records.set(recordOrder(r), r);
      const next = packRecords(
        [...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r),
      );
      next.forEach((text, i) => {
        if (old[i] !== text) writes.push({ put: { ...pages.key(sample, i), records: text } });
      });
      for (let i = next.length; i < old.length; i++) writes.push({ delete: pages.key(sample, i) });
    }
    await writeAll(this.doc, this.tableName, writes);
    return writes.length;
  }

  async removeLegacyRecords<K extends RecordKind>(kind: K, records: readonly DisclosureRecords[K][]) {
    if (!isPaged(kind)) return 0;
    const legacy = RECORD_PAGES[kind].legacy as (r: DisclosureRecords[K]) => Item;
    await writeAll(
      this.doc,
      this.tableName,
      records.map((r) => ({ delete: legacy(r) })),
    );
    return records.length;
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
    // Items without `cells` are cells stored one item each by an earlier version: never kept.
    const existing = previous
      ? packTotals(previous)
      : new Map(
          (await queryAll(this.doc, prefixQuery(this.tableName, keys.totalsOfYear(year)))).map((i) => [
            String(i.SK),
            typeof i.cells === 'string' ? i.cells : undefined,
          ]),
        );
    const writes: BatchWrite[] = [];
    for (const [id, text] of packTotals(cells)) {
      const old = existing.get(id);
      existing.delete(id);
      if (old === text) continue;
      const [scope, program, by] = id.split('#');
      writes.push({ put: { ...keys.totalsGroup(year, id), scope, program, by, cells: text } });
    }
    for (const id of existing.keys()) writes.push({ delete: keys.totalsGroup(year, id) });
    await writeAll(this.doc, this.tableName, writes);
    const stored = await this.years();
    const years = new Set(stored);
    if (cells.length > 0) years.add(year);
    else years.delete(year);
    const now = [...years].sort();
    if (now.join() !== stored.join()) await this.putItem({ ...keys.totalsYears(), years: now });
  }

  async writePaymentGroups(changes: readonly PaymentGroupChange[]): Promise<number> {
    const writes: BatchWrite[] = [];
    for (const { before, after } of changes) {
      const group = (after[0] ?? before[0]) as DisclosedPayment | undefined;
      if (!group) continue;
      const g: PaymentGroup = {
        period: group.period,
        township: group.township,
        village: group.village,
        program: group.program,
      };
      const old = packPage(before);
      const next = packPage(after);
      next.forEach((chunk, i) => {
        const was = old[i];
        if (samePageChunk(was, chunk)) return;
        writes.push({ put: { ...keys.paymentPage(g, i), ...g, ...chunk } });
      });
      for (let i = next.length; i < old.length; i++) {
        const { PK, SK } = keys.paymentPage(g, i);
        writes.push({ delete: { PK, SK } });
      }
    }
    await writeAll(this.doc, this.tableName, writes);
    return writes.length;
  }

  async updatePersonPayments(
    remove: readonly DisclosedPayment[],
    put: readonly DisclosedPayment[],
  ): Promise<number> {
    const bucket = (p: DisclosedPayment) => bucketOf(p.person ?? '');
    const removes = groupBy(
      remove.filter((p) => p.person),
      bucket,
    );
    const puts = groupBy(
      put.filter((p) => p.person),
      bucket,
    );
    const buckets = [...new Set([...removes.keys(), ...puts.keys()])].sort();
    let written = 0;
    // An eighth of the buckets at a time (one BatchGetItem of their first chunks): read, change,
    // write. A slice's persons are unpacked, changed and packed in memory at once: a hundred
    // buckets held 40% of a county's filed payments twice over.
    for (let i = 0; i < buckets.length; i += PERSON_BUCKETS_AT_ONCE) {
      const slice = buckets.slice(i, i + PERSON_BUCKETS_AT_ONCE);
      const stored = await this.readBuckets(keys.personBucket, slice);
      const writes: BatchWrite[] = [];
      for (const b of slice) {
        const old = stored.get(b) ?? [];
        const files = personFiles(unpackPersons(old));
        applyPersonChanges(files, removes.get(b) ?? [], puts.get(b) ?? []);
        writes.push(...bucketWrites(keys.personBucket, b, old, packPersons(files)));
      }
      await writeAll(this.doc, this.tableName, writes);
      written += writes.length;
    }
    return written;
  }

  async removeLegacyPayments(records: readonly DisclosedPayment[]): Promise<number> {
    await writeAll(
      this.doc,
      this.tableName,
      records.map((r) => ({ delete: keys.legacyPayment(r) })),
    );
    return records.length;
  }

  async removeLegacyLookups(): Promise<number> {
    const items = (
      await Promise.all(
        keys.legacyLookupEntries().map((r) => queryAll(this.doc, prefixQuery(this.tableName, r))),
      )
    ).flat();
    await writeAll(
      this.doc,
      this.tableName,
      items.map((i) => ({ delete: { PK: i.PK, SK: i.SK } })),
    );
    return items.length;
  }

  async replaceLookups(
    entries: readonly LookupEntry[],
    previous?: LookupDigests,
  ): Promise<{ digests: LookupDigests; written: number }> {
    let before = previous;
    if (!before) {
      const stored = await this.readBuckets(keys.lookupBucket, ALL_BUCKETS);
      before = Object.fromEntries([...stored].map(([b, chunks]) => [b, bucketDigest(chunks)]));
    }
    const digests: Record<string, string> = {};
    const writes: BatchWrite[] = [];
    const byBucket = groupBy(entries, (e) => bucketOf(e.key));
    for (const [b, list] of byBucket) {
      const chunks = packBucket(new Map(list.map((e) => [e.key, lookupValue(e)])));
      const digest = bucketDigest(chunks);
      digests[b] = digest;
      if (before[b] === digest) continue;
      writes.push(...bucketWrites(keys.lookupBucket, b, storedCount(before[b]), chunks));
    }
    for (const b of Object.keys(before))
      if (!byBucket.has(b)) writes.push(...bucketWrites(keys.lookupBucket, b, storedCount(before[b]), []));
    await writeAll(this.doc, this.tableName, writes);
    return { digests, written: writes.length };
  }

  async payments(
    q: PlaceFilter & { month: string; program?: string },
    page: PageRequest,
  ): Promise<Page<DisclosedPayment>> {
    return this.recordPage(keys.paymentPagesOfMonth(q.month, q.program, placePrefix(q)), page, (chunk) =>
      unpackPage(chunk as unknown as PaymentGroup, chunk as unknown as PageChunk),
    );
  }

  /**
   * One page of records packed in chunk items of a listing (a partition and a place prefix), in
   * key order, resuming inside a chunk: the cursor names the listing, the chunk and how many of
   * its records were read.
   */
  private async recordPage<T>(
    r: Prefixed,
    page: PageRequest,
    unpack: (chunk: Item) => T[],
  ): Promise<Page<T>> {
    const prefix = r.skPrefix;
    const skName = r.index ? 'GSI1SK' : 'SK';
    const start = decodeRecordCursor(page.cursor, r.pk, prefix);
    const limit = pageLimit(page.limit);
    const values: Record<string, unknown> = { ':pk': r.pk };
    let condition = '#pk = :pk';
    if (start) {
      values[':from'] = start.k;
      if (prefix) {
        // Every sort key with the prefix sorts (as UTF-8) at or below the prefix + U+10FFFF.
        values[':to'] = `${prefix}\u{10FFFF}`;
        condition += ' AND #sk BETWEEN :from AND :to';
      } else condition += ' AND #sk >= :from';
    } else if (prefix) {
      values[':from'] = prefix;
      condition += ' AND begins_with(#sk, :from)';
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ...(r.index ? { IndexName: r.index } : {}),
      KeyConditionExpression: condition,
      ExpressionAttributeNames: {
        '#pk': r.index ? 'GSI1PK' : 'PK',
        ...(start || prefix ? { '#sk': skName } : {}),
      },
      ExpressionAttributeValues: values,
    };
    const items: T[] = [];
    let exclusive: Item | undefined;
    let first = true;
    for (;;) {
      // Every chunk holds at least one record: never more chunks than records still wanted.
      const out = await this.doc.send(
        new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: exclusive }),
      );
      const chunks = (out.Items ?? []) as Item[];
      exclusive = out.LastEvaluatedKey as Item | undefined;
      for (let j = 0; j < chunks.length; j++) {
        const chunk = chunks[j] as Item;
        const key = String(chunk[skName]);
        const records = unpack(chunk);
        let at = first && start && key === start.k ? start.o : 0;
        first = false;
        while (at < records.length && items.length < limit) items.push(records[at++] as T);
        if (items.length < limit) continue;
        // The page is full: resume in this chunk, at the next one, or nowhere.
        const next =
          at < records.length
            ? { k: key, o: at }
            : j + 1 < chunks.length
              ? { k: String((chunks[j + 1] as Item)[skName]), o: 0 }
              : exclusive
                ? { k: key, o: at }
                : undefined;
        return next ? { items, cursor: encodeRecordCursor({ p: r.pk, ...next }) } : { items };
      }
      first = false;
      if (!exclusive) return { items };
    }
  }

  async paymentsOfPersons(persons: readonly string[]): Promise<DisclosedPayment[]> {
    const wanted = [...new Set(persons)];
    const stored = await this.readBuckets(keys.personBucket, [...new Set(wanted.map(bucketOf))], wanted);
    const out: DisclosedPayment[] = [];
    for (const person of wanted) {
      const files = unpackPersons(stored.get(bucketOf(person)) ?? []);
      for (const r of files.get(person) ?? []) out.push(fromPersonRecord(person, r));
    }
    return out;
  }

  async lookup(key: string): Promise<LookupEntry | undefined> {
    const b = bucketOf(key);
    const first = await this.getItem<BucketChunk>(keys.lookupBucket(b, 0));
    if (!first) return undefined;
    const at = chunkOf(first.bounds, key);
    const chunk = at === 0 ? first : await this.getItem<BucketChunk>(keys.lookupBucket(b, at));
    const value = chunk ? unpackBucket<string[]>([chunk]).get(key) : undefined;
    return value ? fromLookupValue(key, value) : undefined;
  }

  /**
   * The chunks of buckets, in order: their first chunks in one BatchGetItem (per 100), then the
   * further chunks they list — all of them, or (`digests`) only those holding these digests.
   */
  private async readBuckets(
    key: BucketKey,
    buckets: readonly string[],
    digests?: readonly string[],
  ): Promise<Map<string, BucketChunk[]>> {
    const bucketOfItem = (i: Item) => String(i.PK).slice(String(i.PK).indexOf('#') + 1);
    const firsts = await batchGet(
      this.doc,
      this.tableName,
      buckets.map((b) => key(b, 0)),
      undefined,
      { consistent: !digests },
    );
    const out = new Map<string, BucketChunk[]>();
    const more: Item[] = [];
    for (const item of firsts) {
      const b = bucketOfItem(item);
      const chunk = strip<BucketChunk>(item);
      const chunks: BucketChunk[] = [chunk];
      out.set(b, chunks);
      const count = (chunk.bounds?.length ?? 0) + 1;
      const needed = digests
        ? new Set(digests.filter((d) => bucketOf(d) === b).map((d) => chunkOf(chunk.bounds, d)))
        : new Set([...Array(count).keys()]);
      for (const n of needed) if (n > 0) more.push(key(b, n));
    }
    const rest =
      more.length > 0
        ? await batchGet(this.doc, this.tableName, more, undefined, { consistent: !digests })
        : [];
    for (const item of rest.sort((a, b) => Number(a.SK) - Number(b.SK))) {
      const chunks = out.get(bucketOfItem(item));
      if (chunks) chunks[Number(item.SK)] = strip<BucketChunk>(item);
    }
    // Holes (chunks not read) are left out: `unpackBucket` reads what is there.
    for (const [b, chunks] of out) out.set(b, chunks.filter(Boolean));
    return out;
  }

  async years(): Promise<string[]> {
    return (await this.getItem<{ years: string[] }>(keys.totalsYears()))?.years ?? [];
  }

  async totals(year: string, scope: string, program: string, by: TotalsBy): Promise<TotalsCell[]> {
    const item = await this.getItem<{ cells: string }>(
      keys.totalsGroup(year, totalsGroupId({ scope, program, by })),
    );
    return item ? unpackTotals(year, { scope, program, by }, item.cells) : [];
  }

  households(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedHousehold>> {
    return this.recordPage(
      keys.placePages('POVERTY', placePrefix(q)),
      page,
      unpackRecords<DisclosedHousehold>,
    );
  }

  projects(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedProject>> {
    return this.recordPage(
      keys.placePages('PROJECTS', placePrefix(q)),
      page,
      unpackRecords<DisclosedProject>,
    );
  }

  async financeItems(township: string, village: string, year: string): Promise<DisclosedFinanceItem[]> {
    const items = await queryAll(
      this.doc,
      prefixQuery(this.tableName, keys.financePagesOfVillageYear(township, village, year)),
    );
    return items.flatMap(unpackRecords<DisclosedFinanceItem>);
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

/** How many chunks a digest says a bucket had (`{chunks}|…`; none for no digest). */
function storedCount(digest: string | undefined): number {
  return digest ? Number(digest.slice(0, digest.indexOf('|'))) : 0;
}

/**
 * The writes that turn a bucket's stored chunks (`old`, or only their count) into `next`:
 * changed chunks put, chunks past the new end deleted.
 */
function bucketWrites(
  key: BucketKey,
  bucket: string,
  old: readonly BucketChunk[] | number,
  next: readonly BucketChunk[],
): BatchWrite[] {
  const writes: BatchWrite[] = [];
  const count = typeof old === 'number' ? old : old.length;
  next.forEach((chunk, i) => {
    const was = typeof old === 'number' ? undefined : old[i];
    if (sameChunk(was, chunk)) return;
    writes.push({ put: { ...key(bucket, i), ...chunk } });
  });
  for (let i = next.length; i < count; i++) writes.push({ delete: key(bucket, i) });
  return writes;
}
