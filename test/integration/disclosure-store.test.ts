/**
 * The packed disclosure projections on DynamoDB Local (issue 10): payment pages chunked past
 * the item budget and paged record by record across items and chunks; person and lookup
 * buckets chunked, read in one or two requests; the sync writing only the items a corrected
 * roster changes; and a platform upgraded in place (per-record items of an earlier version)
 * cleaned up, each payment shown once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import { lookupDigest, personDigest } from '@jiandu/domain/disclosure/lookup';
import type { DisclosureStore, PageRequest } from '@jiandu/domain/disclosure/ports';
import { type DisclosedPayment, paymentOrder } from '@jiandu/domain/disclosure/records';
import {
  createDynamoDbClient,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '@jiandu/local/dynamodb';
import { freePort } from '@jiandu/local/ports';
import { syncDisclosure } from '@jiandu/pipeline';
import { DynamoDisclosureStore, InvalidCursorError } from '@jiandu/store';
import { bucketOf } from '@jiandu/store/disclosure-packing';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIVISIONS, FINANCE, PAYMENTS, POVERTY, REGISTRY, WANG } from '../support/disclosure-files.js';
import { TEST_KEYS } from '../support/trust.js';
import { memoryPipeline } from '../support/workflow.js';

type Item = Record<string, unknown>;

/** Items written (put or deleted) and requests sent, by command, through one document client. */
function counted(doc: DynamoDBDocumentClient) {
  const writes: string[] = [];
  const requests: string[] = [];
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  (doc as { send: unknown }).send = async (command: { constructor: { name: string }; input: unknown }) => {
    requests.push(command.constructor.name);
    if (command.constructor.name === 'BatchWriteCommand') {
      const input = command.input as { RequestItems: Record<string, Item[]> };
      for (const list of Object.values(input.RequestItems))
        for (const w of list) {
          const item =
            (w.PutRequest as { Item: Item } | undefined)?.Item ?? (w.DeleteRequest as { Key: Item }).Key;
          writes.push(String(item.PK));
        }
    }
    if (command.constructor.name === 'PutCommand')
      writes.push(String((command.input as { Item: Item }).Item.PK));
    return send(command);
  };
  return { doc, writes, requests };
}

const payment = (over: Partial<DisclosedPayment> & { ref: string }): DisclosedPayment => ({
  name: '王*',
  township: '青山镇',
  village: '红星村',
  program: 'DIBAO_RURAL',
  programName: '农村最低生活保障',
  amount: 30000,
  payDate: '2024-01-05',
  period: '2024-01',
  ...over,
});
const ref = (n: number, sheet = '低保') => `civil-affairs|${sheet}|${String(n).padStart(8, '0')}`;
/** By `key` (a page's place in the listing), then as a page orders its records. */
const order = (key: (p: DisclosedPayment) => string) => (a: DisclosedPayment, b: DisclosedPayment) =>
  key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : paymentOrder(a, b);

async function readAll(
  store: DisclosureStore,
  q: Parameters<DisclosureStore['payments']>[0],
  limit: number,
): Promise<DisclosedPayment[]> {
  const out: DisclosedPayment[] = [];
  let cursor: string | undefined;
  do {
    const page: PageRequest = cursor ? { limit, cursor } : { limit };
    const got = await store.payments(q, page);
    expect(got.items.length).toBeLessThanOrEqual(limit);
    out.push(...got.items);
    cursor = got.cursor;
  } while (cursor);
  return out;
}

describe('packed disclosure projections on DynamoDB Local', () => {
  let dir: string;
  let local: DynamoDbLocal;
  let client: DynamoDBClient;
  let tables = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jiandu-disclosure-store-'));
    local = await startDynamoDbLocal({ dbPath: dir, port: await freePort() });
    client = createDynamoDbClient(local.endpoint);
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await local?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function fresh() {
    const table = `disclosure-${++tables}`;
    await ensureTable(client, table);
    const c = counted(
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    );
    const scan = async () => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const out = await c.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...((out.Items ?? []) as Item[]));
        start = out.LastEvaluatedKey as Item | undefined;
      } while (start);
      return items;
    };
    return { table, store: new DynamoDisclosureStore(c.doc, table), ...c, scan };
  }

  it('pages a month record by record across packed items and chunks, by place and program', async () => {
    const { store, scan, writes } = await fresh();
    const memory = new MemoryDisclosureStore();
    // One village's 低保 of January passes the item budget (≈ 25 bytes a record): chunks.
    const big = [...Array(20_000).keys()].map((n) => payment({ ref: ref(n + 1), amount: n + 1 }));
    const groups = [
      big,
      [3, 1, 2].map((n) => payment({ ref: ref(n), township: '石门乡', village: '白沙村', name: '张*' })),
      [
        ...[1, 2, 3, 4, 5].map((n) =>
          payment({ ref: ref(n, '高龄'), program: 'GAOLING', programName: '高龄津贴', amount: 10000 }),
        ),
        // A row whose program name and pay date differ from its page's first.
        payment({ ref: ref(9, '高龄'), program: 'GAOLING', programName: '高龄补贴', payDate: null }),
      ],
      [1, 2].map((n) => payment({ ref: ref(n), period: '2024-02', payDate: '2024-02-05' })),
    ];
    const changes = groups.map((after) => ({ before: [], after }));
    const written = await store.writePaymentGroups(changes);
    expect(await memory.writePaymentGroups(changes)).toBe(written);
    const pages = (await scan()).filter((i) => String(i.PK).startsWith('PAYPAGE#'));
    expect(pages.length).toBe(written);
    const bigChunks = pages.filter((i) => String(i.SK).startsWith('青山镇|红星村|DIBAO_RURAL|'));
    expect(bigChunks.length).toBeGreaterThanOrEqual(2);
    for (const item of pages) expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(350_000);
    expect(writes.length).toBe(written);

    const all = groups.flat();
    const jan = all.filter((p) => p.period === '2024-01');
    const cases: [Parameters<DisclosureStore['payments']>[0], DisclosedPayment[]][] = [
      [{ month: '2024-01' }, jan.sort(order((p) => `${p.township}|${p.village}|${p.program}`))],
      [
        { month: '2024-01', program: 'DIBAO_RURAL' },
        jan.filter((p) => p.program === 'DIBAO_RURAL').sort(order((p) => `${p.township}|${p.village}`)),
      ],
      [
        { month: '2024-01', township: '青山镇', village: '红星村', program: 'GAOLING' },
        jan.filter((p) => p.program === 'GAOLING').sort(order(() => '')),
      ],
      [
        { month: '2024-01', township: '石门乡' },
        jan.filter((p) => p.township === '石门乡').sort(order(() => '')),
      ],
      [{ month: '2024-02' }, all.filter((p) => p.period === '2024-02')],
    ];
    for (const [q, expected] of cases) {
      // Pages that end inside a chunk, at its end and past it; the in-memory twin agrees.
      for (const limit of [500, 333, 7]) {
        if (limit === 7 && expected.length > 100) continue;
        expect(await readAll(store, q, limit), `${JSON.stringify(q)} by ${limit}`).toEqual(expected);
      }
      expect(await readAll(memory, q, 500)).toEqual(expected);
    }

    // A cursor of another month, place or list, or an edited one, is refused.
    const first = await store.payments({ month: '2024-01', township: '青山镇' }, { limit: 2 });
    const cursor = first.cursor as string;
    await expect(store.payments({ month: '2024-02', township: '青山镇' }, { cursor })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(store.payments({ month: '2024-01', township: '石门乡' }, { cursor })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(store.payments({ month: '2024-01', program: 'GAOLING' }, { cursor })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(store.payments({ month: '2024-01' }, { cursor: 'bm9wZQ' })).rejects.toThrow(
      InvalidCursorError,
    );

    // One changed record that keeps its place (the last: the largest amount) rewrites its chunk
    // only; a group that empties is deleted.
    const changed = big.map((p) => (p.ref === ref(20_000) ? { ...p, amount: 30_000 } : p));
    expect(
      await store.writePaymentGroups([
        { before: big, after: changed },
        { before: groups[3] as DisclosedPayment[], after: [] },
      ]),
    ).toBe(2);
    expect((await store.payments({ month: '2024-02' }, {})).items).toEqual([]);
    const again = await readAll(store, { month: '2024-01', program: 'DIBAO_RURAL', township: '青山镇' }, 500);
    expect(again.at(-1)?.amount).toBe(30_000);
    expect(again).toHaveLength(20_000);
  }, 240_000);

  it('files payments under persons in buckets, chunked past the budget, read in one or two requests', async () => {
    const { store, scan, requests } = await fresh();
    // 8,000 persons whose digests share a bucket (their first 8 bits): more than one item holds.
    const digest = (n: number) => `AA${String(n).padStart(20, '0')}`;
    const records = [...Array(8000).keys()].map((n) => payment({ ref: ref(n + 1), person: digest(n) }));
    const other = payment({
      ref: ref(1, '高龄'),
      program: 'GAOLING',
      programName: '高龄津贴',
      person: '_wxyz',
    });
    const written = await store.updatePersonPayments([], [...records, other]);
    const buckets = (await scan()).filter((i) => String(i.PK).startsWith('PERSONPAY#'));
    expect(buckets.length).toBe(written);
    expect(buckets.filter((i) => i.PK === `PERSONPAY#${bucketOf(digest(0))}`).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(bucketOf('_wxyz')).not.toBe(bucketOf(digest(0)));

    // A person and their household across buckets and chunks: chunk 0s in one BatchGetItem, then
    // the one further chunk the bounds point to.
    requests.length = 0;
    const found = await store.paymentsOfPersons([digest(7999), digest(0), '_wxyz', 'AAunknown']);
    expect(requests).toEqual(['BatchGetCommand', 'BatchGetCommand']);
    const expected = [records[0], records[7999], other] as DisclosedPayment[];
    expect(found.sort(order((p) => p.ref))).toEqual(expected.sort(order((p) => p.ref)));
    requests.length = 0;
    expect(await store.paymentsOfPersons([digest(1)])).toEqual([records[1]]);
    expect(requests).toEqual(['BatchGetCommand']);

    // A corrected record: its one chunk is written; the same change again writes nothing.
    const fixed = { ...(records[1] as DisclosedPayment), amount: 31000 };
    expect(await store.updatePersonPayments([records[1] as DisclosedPayment], [fixed])).toBe(1);
    expect(await store.updatePersonPayments([records[1] as DisclosedPayment], [fixed])).toBe(0);
    expect(await store.paymentsOfPersons([digest(1)])).toEqual([fixed]);
    expect(await store.updatePersonPayments([other], [])).toBe(1);
    expect(await store.paymentsOfPersons(['_wxyz'])).toEqual([]);
  }, 120_000);

  it('keeps lookup entries in buckets: one read per lookup, only changed buckets written', async () => {
    const { store, scan, requests } = await fresh();
    const entries = [...Array(5000).keys()].map((n) => ({
      key: `BB${String(n).padStart(20, '0')}`,
      person: `p${String(n).padStart(21, '0')}`,
      household: [`h${String(n).padStart(21, '0')}`, `i${String(n).padStart(21, '0')}`],
    }));
    entries.push({ key: '_other', person: 'p_other', household: [] });
    const first = await store.replaceLookups(entries);
    const stored = (await scan()).filter((i) => String(i.PK).startsWith('LOOKUPB#'));
    expect(stored.length).toBe(first.written);
    expect(stored.filter((i) => i.PK === `LOOKUPB#${bucketOf('BB')}`).length).toBeGreaterThanOrEqual(2);
    requests.length = 0;
    expect(await store.lookup('_other')).toEqual(entries.at(-1));
    expect(requests).toHaveLength(1);
    expect(await store.lookup(entries[4999]?.key as string)).toEqual(entries[4999]);
    expect(await store.lookup('BBnobody')).toBeUndefined();

    expect((await store.replaceLookups(entries, first.digests)).written).toBe(0);
    // Against the table (no digests kept): the same.
    expect((await store.replaceLookups(entries)).written).toBe(0);
    const fewer = entries.filter((e) => e.key !== '_other');
    const next = await store.replaceLookups(fewer, first.digests);
    expect(next.written).toBe(1);
    expect(await store.lookup('_other')).toBeUndefined();
  }, 120_000);

  it('syncs a county: a corrected roster writes its page and bucket only; an upgraded platform is cleaned up', async () => {
    const { table, store, scan, writes } = await fresh();
    const clock = { now: '2024-06-15T02:00:00.000Z' };
    const p = memoryPipeline(clock);
    const config = resolveDisclosureConfig({ programs: { LINSHI: { publish: false } } });
    const sync = () =>
      syncDisclosure({ ...p.deps, disclosure: store, disclosureConfig: config, lookupKey: TEST_KEYS.lookup });
    await p.upload('uploads/civil-affairs/divisions/区划.csv', DIVISIONS);
    await p.upload('uploads/police/household_registry/户籍.csv', REGISTRY);
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', PAYMENTS);
    await p.upload('uploads/rural-revitalization/poverty_registry/建档立卡.csv', POVERTY);
    await p.upload('uploads/township-431199100/village_finance/红星村2024.csv', FINANCE);
    await sync();
    const households = (await store.households({}, {})).items;
    const books = await store.financeItems('青山镇', '红星村', '2024');
    expect(households.map((h) => [h.name, h.members])).toEqual([
      ['张*', 1],
      ['王**', 2],
    ]);
    expect(books).toHaveLength(4);
    const months = async () => [
      ...(await readAll(store, { month: '2024-01' }, 50)),
      ...(await readAll(store, { month: '2024-02' }, 50)),
    ];
    const shown = await months();
    expect(shown.map((x) => [x.name, x.period, x.amount])).toEqual([
      ['张*', '2024-01', 30000],
      ['王**', '2024-01', 30000],
      ['李**', '2024-01', 10000],
      ['张*', '2024-02', 120050],
      ['王**', '2024-02', 30000],
    ]);
    const wang = async () => {
      const entry = await store.lookup(lookupDigest(TEST_KEYS.lookup, WANG, '王建国'));
      const own = personDigest(TEST_KEYS.lookup, WANG);
      return (await store.paymentsOfPersons([own, ...(entry?.household ?? [])])).length;
    };
    expect(await wang()).toBe(3);

    // A corrected roster: one amount changed → one page, one person bucket (plus the totals
    // groups of that month and village, and the units).
    clock.now = '2024-06-16T02:00:00.000Z';
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2024年1-2月.csv',
      PAYMENTS.replace(
        `王建国,${WANG},青山镇,红星村,300,2024-02-05`,
        `王建国,${WANG},青山镇,红星村,310,2024-02-05`,
      ),
    );
    writes.length = 0;
    // (The old record out, the new one in: refs are made of what a payment discloses.)
    expect(await sync()).toMatchObject({ paymentsWritten: 2, itemsWritten: 2 });
    const byKind = (prefix: string) => writes.filter((pk) => pk.startsWith(prefix)).length;
    expect([byKind('PAYPAGE#'), byKind('PERSONPAY#'), byKind('LOOKUPB#'), byKind('PAY#')]).toEqual([
      1, 1, 0, 0,
    ]);
    expect(writes.every((pk) => /^(PAYPAGE#|PERSONPAY#|TOTALS#|DISCLOSURE)/.test(pk))).toBe(true);
    writes.length = 0;
    expect(await sync()).toMatchObject({ itemsWritten: 0 });
    expect(writes).toEqual([]);
    const corrected = await months();

    // As an earlier version left the table: one item per payment (GSI2 per person), per lookup
    // entry and per totals cell, units without `layout`, the sync's state of format 1.
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const put = (Item: Item) => doc.send(new PutCommand({ TableName: table, Item }));
    const person = personDigest(TEST_KEYS.lookup, WANG);
    for (const x of corrected)
      await put({
        PK: `PAY#${x.period}`,
        SK: `${x.township}|${x.village}|${x.program}|${x.ref}`,
        GSI1PK: `PAYP#${x.program}#${x.period}`,
        GSI1SK: `${x.township}|${x.village}|${x.ref}`,
        GSI2PK: `PERSON#${person}`,
        GSI2SK: `${x.period}|${x.ref}`,
        ...x,
      });
    await put({
      PK: `LOOKUP#${person}`,
      SK: 'LOOKUP',
      GSI1PK: `LOOKUPS#a`,
      GSI1SK: person,
      person,
      household: [],
    });
    await put({ PK: 'TOTALS#2024', SK: 'county#*#month#2024-01', amount: 1, payments: 1, recipients: 1 });
    for (const h of households) await put({ PK: 'POVERTY', SK: `${h.township}|${h.village}|${h.ref}`, ...h });
    for (const f of books)
      await put({ PK: `FINANCE#${f.township}|${f.village}#2024`, SK: `${f.date}|${f.ref}`, ...f });
    for (const i of await scan())
      if (/^(PAYPAGE#|PERSONPAY#|LOOKUPB#|POVERTYPAGE|FINANCEPAGE#)/.test(String(i.PK)))
        await doc.send(new DeleteCommand({ TableName: table, Key: { PK: i.PK, SK: i.SK } }));
    const units = await store.units();
    await store.markUnits(
      units.map(({ layout: _layout, ...u }) => u),
      [],
    );
    await p.deps.objects.put(
      p.deps.buckets.data,
      'disclosure/state.json',
      JSON.stringify({ format: 1, years: ['2024'] }),
    );

    const upgraded = await sync();
    expect(upgraded).toMatchObject({ lookupsRebuilt: true });
    const left = await scan();
    expect(left.filter((i) => /^(PAY#|LOOKUP#|POVERTY$|FINANCE#)/.test(String(i.PK)))).toEqual([]);
    expect((await store.households({}, {})).items).toEqual(households);
    expect(await store.financeItems('青山镇', '红星村', '2024')).toEqual(books);
    expect(left.filter((i) => String(i.PK).startsWith('TOTALS#') && i.cells === undefined)).toEqual([]);
    expect(await months()).toEqual(corrected);
    expect(await wang()).toBe(3);
    expect((await sync()).itemsWritten).toBe(0);
  }, 120_000);
});
