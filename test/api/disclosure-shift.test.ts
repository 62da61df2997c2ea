import { personDigest } from '@jiandu/domain/disclosure/lookup';
import type { DisclosedPayment } from '@jiandu/domain/disclosure/records';
import { decodeRows, hashToShard, SHARD_COUNT, shardKey } from '@jiandu/pipeline/shards';
import {
  bucketOf,
  fromPersonRecord,
  groupId,
  type PaymentGroup,
  unpackPersons,
} from '@jiandu/store/disclosure-packing';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { describe, expect, it } from 'vitest';
import { DIVISIONS, LI, PAYMENTS, REGISTRY } from '../support/disclosure-files.js';
import { disclosurePlatform } from '../support/disclosure-platform.js';
import { testId } from '../support/ids.js';
import { rowRefs } from '../support/old-refs.js';
import { TEST_KEYS } from '../support/trust.js';

const NOW = '2024-06-15T02:00:00.000Z';
const ROSTER_KEY = 'uploads/civil-affairs/subsidy_payments/2024年3月农村低保发放花名册.csv';
const HEADER = '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期';
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张';

/** 24 persons of the two villages, one paid twice (a duplicate), one row whose ID Excel destroyed. */
const persons = Array.from({ length: 24 }, (_, i) => ({
  name: `${SURNAMES[i]}小${'一二三四五六七八九十'[i % 10]}`,
  id: testId(`1950-01-${String(i + 1).padStart(2, '0')}`, i + 10),
  place: i % 3 === 0 ? '石门乡,白沙村' : '青山镇,红星村',
}));
const lines = [
  HEADER,
  ...persons.map((p, i) => `农村低保,${p.name},${p.id},${p.place},${300 + i},2024-03-05`),
];
// 李秀英's row as Excel left it: tied to her by name + village (the registry's one 李秀英 of 红星村).
lines.splice(12, 0, '农村低保,李秀英,4.31199E+17,青山镇,红星村,300,2024-03-05');
// The second payment of a duplicate (line 21, 1-based): removed by the correction.
const duplicated = persons[17] as (typeof persons)[number];
lines.splice(20, 0, `农村低保,${duplicated.name},${duplicated.id},${duplicated.place},317,2024-03-05`);
const ROSTER = lines.join('\n');
/**
 * Line 4 (1-based) entered twice, line 21 (the same payment as line 20) removed: lines 5–20 of
 * the new file hold another row than before (line 21 holds what it held).
 */
const copied = persons[2] as (typeof persons)[number];
const SHIFTED = [...lines.slice(0, 4), lines[3], ...lines.slice(4, 20), ...lines.slice(21)].join('\n');

type Row = Record<string, unknown>;

/** The projections in memory; `stopAtTotals` makes the next totals write fail (a sync that stops halfway). */
class StoppingStore extends MemoryDisclosureStore {
  stopAtTotals = false;
  override async replaceTotals(...args: Parameters<MemoryDisclosureStore['replaceTotals']>) {
    if (this.stopAtTotals) {
      this.stopAtTotals = false;
      throw new Error('timeout');
    }
    return super.replaceTotals(...args);
  }
}

/** A platform in memory: the workflow's pipeline, the projections and the public API. */
function platform() {
  const clock = { now: NOW };
  const { p, store, app, sync } = disclosurePlatform(clock, new StoppingStore());
  // Files are normalized as uploads are (`deliver`: no collision run, so no sync but the test's).
  const load = async (roster: string) => {
    await p.deliver('uploads/civil-affairs/divisions/区划.csv', DIVISIONS);
    await p.deliver('uploads/police/household_registry/户籍.csv', REGISTRY);
    await p.deliver('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', PAYMENTS);
    await p.deliver(ROSTER_KEY, roster);
    return sync();
  };
  /** Every public answer about payments: programs, totals of every scope and grouping, listings, lookups. */
  const answers = async () => {
    const get = async (path: string) => {
      const res = await app.request(path);
      return { path, status: res.status, body: (await res.json()) as unknown };
    };
    const out: unknown[] = [await get('/api/v1/public/programs?year=2024')];
    for (const scope of [
      '',
      '&township=青山镇',
      '&township=石门乡',
      '&village=431199100201',
      '&village=431199200201',
    ])
      for (const by of ['month', 'township', 'village', 'program'])
        for (const program of ['', '&program=DIBAO_RURAL'])
          out.push(await get(`/api/v1/public/totals?year=2024&by=${by}${scope}${program}`));
    for (const month of ['2024-01', '2024-02', '2024-03'])
      for (const filter of ['', '&village=431199100201', '&program=DIBAO_RURAL&township=石门乡']) {
        // Page by page, as a reader does: the pages and cursors must be the same too.
        let cursor = '';
        do {
          const page = await get(`/api/v1/public/payments?month=${month}${filter}&limit=5${cursor}`);
          out.push(page);
          const next = (page.body as { nextCursor?: string | null }).nextCursor;
          cursor = next ? `&cursor=${encodeURIComponent(next)}` : '';
        } while (cursor);
      }
    for (const person of [...persons, { name: '李秀英', id: LI }]) {
      const res = await app.request('/api/v1/public/lookup', {
        method: 'POST',
        body: JSON.stringify({ name: person.name, idNumber: person.id }),
        headers: { 'content-type': 'application/json' },
      });
      out.push({ lookup: person.name, status: res.status, body: await res.json() });
    }
    return out;
  };
  return { clock, p, store, app, load, sync, answers };
}

describe('a roster uploaded again with its rows shifted', () => {
  it('answers exactly what a sync from scratch answers, counting again only what two payments touch', async () => {
    expect(SHIFTED.split('\n')).toHaveLength(lines.length);
    const county = platform();
    await county.load(ROSTER);
    const before = await county.answers();

    const pagesBefore = structuredClone(county.store.pages);
    const bucketsBefore = structuredClone(county.store.personBuckets);

    county.clock.now = '2024-06-16T02:00:00.000Z';
    await county.p.deliver(ROSTER_KEY, SHIFTED);
    const summary = await county.sync();
    const after = await county.answers();

    const fresh = platform();
    await fresh.load(SHIFTED);
    expect(after).toEqual(await fresh.answers());
    // The change is visible: March lists one payment of the copied person more, one of the duplicated less.
    expect(after).not.toEqual(before);
    const march = (answers: unknown[]) =>
      answers
        .filter((a) => String((a as { path?: string }).path).includes('payments?month=2024-03&limit'))
        .flatMap((a) => (a as { body: { items: Row[] } }).body.items.map((i) => i.name));
    const count = (names: unknown[], full: string) =>
      names.filter((n) => n === `${full[0]}*${'*'.repeat(full.length - 2)}`).length;
    expect(count(march(after), copied.name) - count(march(before), copied.name)).toBe(1);
    expect(count(march(after), duplicated.name) - count(march(before), duplicated.name)).toBe(-1);

    // Lines 5–20 hold other rows than before, but a ref is made of what a payment discloses:
    // only the copy that came and the duplicate that left are written — their pages (March
    // 低保 of their villages) and their persons' buckets, nothing else.
    expect(summary.paymentsWritten).toBe(2);
    const changed = <V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>) =>
      [...new Set([...a.keys(), ...b.keys()])]
        .filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)))
        .sort();
    const pageOf = (p: (typeof persons)[number]) => {
      const [township, village] = p.place.split(',');
      return groupId({ period: '2024-03', township, village, program: 'DIBAO_RURAL' } as PaymentGroup);
    };
    expect(changed(pagesBefore, county.store.pages)).toEqual(
      [...new Set([copied, duplicated].map(pageOf))].sort(),
    );
    const bucketOfPerson = (p: (typeof persons)[number]) => bucketOf(personDigest(TEST_KEYS.lookup, p.id));
    expect(changed(bucketsBefore, county.store.personBuckets)).toEqual(
      [...new Set([copied, duplicated].map(bucketOfPerson))].sort(),
    );
    // One chunk each (a page and a bucket this small are one item).
    expect(summary.itemsWritten).toBe(
      changed(pagesBefore, county.store.pages).length +
        changed(bucketsBefore, county.store.personBuckets).length,
    );
    // Everyone else's payments read as before.
    const lookups = (answers: unknown[]) =>
      answers.filter((a) => {
        const name = (a as { lookup?: string }).lookup;
        return name !== undefined && name !== copied.name && name !== duplicated.name;
      });
    expect(lookups(after)).toEqual(lookups(before));
    expect(lookups(after)).toHaveLength(persons.length - 1);
    // … and the totals count again only the shards of the two persons whose payments changed,
    // and the lookup index (the same persons are paid) is not rebuilt.
    expect(summary.totalsCounted).toBe(new Set([hashToShard(copied.id), hashToShard(duplicated.id)]).size);
    expect(summary.lookupsRebuilt).toBe(false);

    const idle = await county.sync();
    expect(idle).toMatchObject({ paymentsWritten: 0, itemsWritten: 0, totalsCounted: 0, recomputed: false });
  });

  it('completes with the next sync a shifted re-upload whose sync stopped after its records and parts', async () => {
    const county = platform();
    await county.load(ROSTER);
    county.clock.now = '2024-06-16T02:00:00.000Z';
    await county.p.deliver(ROSTER_KEY, SHIFTED);
    // Pages, person buckets and the two changed totals parts are written, the year's totals not.
    county.store.stopAtTotals = true;
    await expect(county.sync()).rejects.toThrow('timeout');
    await county.sync();
    const fresh = platform();
    await fresh.load(SHIFTED);
    expect(await county.answers()).toEqual(await fresh.answers());
  });

  it('projects again, once, payments an earlier version keyed by department and row', async () => {
    const county = platform();
    await county.load(ROSTER);
    const answers = await county.answers();
    const pages = structuredClone(county.store.pages);
    const buckets = structuredClone(county.store.personBuckets);

    // As the version before left them: the same pages and person buckets, refs by row.
    const store = county.store;
    const versions = await county.p.deps.versions.listOfKind('subsidy_payments');
    const byRow = await rowRefs(county.p.deps.objects, county.p.deps.buckets.data, versions, 'department');
    const rekey = (p: DisclosedPayment) => ({ ...p, ref: byRow(p) });
    const records = store.allPayments().map(rekey);
    const filed = [...store.personBuckets.values()].flatMap((chunks) =>
      [...unpackPersons(chunks)].flatMap(([digest, list]) =>
        list.map((r) => rekey(fromPersonRecord(digest, r))),
      ),
    );
    store.pages.clear();
    store.personBuckets.clear();
    const groups = new Map<string, DisclosedPayment[]>();
    for (const r of records) groups.set(groupId(r), [...(groups.get(groupId(r)) ?? []), r]);
    await store.writePaymentGroups([...groups.values()].map((after) => ({ before: [], after })));
    await store.updatePersonPayments([], filed);
    for (const [id, u] of [...store.unitItems])
      if (u.kind === 'subsidy_payments') store.unitItems.set(id, { ...u, refs: 'department' });
    expect(store.allPayments().every((p) => /^civil-affairs\|\|\d{8}$/.test(p.ref))).toBe(true);
    // The lost-ID row (李秀英's) is filed too.
    expect(filed.some((p) => p.person === personDigest(TEST_KEYS.lookup, LI) && p.period === '2024-03')).toBe(
      true,
    );

    const summary = await county.sync();
    // Every record out and in again (the totals and the lookup index don't depend on refs) …
    expect(summary).toMatchObject({
      paymentsWritten: 2 * records.length,
      totalsCounted: 0,
      lookupsRebuilt: false,
    });
    // … leaving exactly what a sync keyed by content writes: no record twice, none left behind.
    expect(store.pages).toEqual(pages);
    expect(store.personBuckets).toEqual(buckets);
    expect(await county.answers()).toEqual(answers);
    expect(await county.sync()).toMatchObject({ paymentsWritten: 0, itemsWritten: 0 });
  });

  it('keeps payments that read the same to the public apart, wherever their rows are read', async () => {
    // Four persons without an ID whose payments disclose the same (张*, 红星村, 300, the same
    // day): their rows sit in the shards of their names, numbered apart only within one.
    const same = ['张一', '张二', '张三', '张四'].map(
      (name) => `农村低保,${name},,青山镇,红星村,300,2024-03-05`,
    );
    const county = platform();
    await county.load([HEADER, ...same, ...lines.slice(1)].join('\n'));
    const [version] = (await county.p.deps.versions.listOfKind('subsidy_payments')).filter((v) =>
      v.fileName.includes('3月'),
    );
    const shards = new Set<number>();
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const bytes = await county.p.deps.objects.getBytes(
        county.p.deps.buckets.data,
        shardKey(version?.versionId ?? '', shard),
      );
      const text = bytes ? Buffer.from(bytes).toString('utf8') : '';
      if (decodeRows(text).some((r) => String(r.values.recipient_name).startsWith('张') && !r.idNumber))
        shards.add(shard);
    }
    expect(shards.size).toBeGreaterThan(1);
    const listed = async () =>
      (
        (await (
          await county.app.request('/api/v1/public/payments?month=2024-03&village=431199100201&limit=100')
        ).json()) as {
          items: Row[];
        }
      ).items.filter((i) => i.name === '张*' && i.amount === 300);
    expect(await listed()).toHaveLength(4);
    // Uploaded again with one of them removed: three left, and only that one record written.
    county.clock.now = '2024-06-16T02:00:00.000Z';
    await county.p.deliver(ROSTER_KEY, [HEADER, ...same.slice(1), ...lines.slice(1)].join('\n'));
    expect(await county.sync()).toMatchObject({ paymentsWritten: 1 });
    expect(await listed()).toHaveLength(3);
  });
});
