import { personDigest } from '@jiandu/domain/disclosure/lookup';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { describe, expect, it, vi } from 'vitest';
import { DIVISIONS } from '../support/disclosure-files.js';
import { disclosurePlatform } from '../support/disclosure-platform.js';
import { testId } from '../support/ids.js';
import { TEST_KEYS } from '../support/trust.js';

const NOW = '2024-06-15T02:00:00.000Z';
const REGISTRY_KEY = 'uploads/police/household_registry/户籍.csv';
const ZHANG = testId('1960-04-04', 11); // 张三 of 龙泉村
const ZHANG_2 = testId('1975-07-07', 12); // another 张三 of 龙泉村, registered later in one test
const ZHANG_RED = testId('1966-06-06', 13); // a 张三 of another village (红星村)
const LIU = testId('1970-02-02', 14); // 刘芳 of 龙泉村, paid with her ID

const divisions = `${DIVISIONS}\n431199100202,龙泉村,村,431199100000`;
const registryLines = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${ZHANG},张三,男,H101,户主,青山镇,龙泉村`,
  `${ZHANG_RED},张三,男,H102,户主,青山镇,红星村`,
  `${LIU},刘芳,女,H103,户主,青山镇,龙泉村`,
];
const ONE_ZHANG = registryLines.join('\n');
const TWO_ZHANGS = [...registryLines, `${ZHANG_2},张三,男,H104,户主,青山镇,龙泉村`].join('\n');
const ROSTER = [
  '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
  '农村低保,张三,4.31199E+17,青山镇,龙泉村,320,2024-03-05',
  `农村低保,刘芳,${LIU},青山镇,龙泉村,300,2024-03-05`,
].join('\n');

type Row = Record<string, unknown>;

/** A county in memory with the given registry and the roster, synced; its public lookup. */
async function county(registry: string) {
  const { p, store, app, sync } = disclosurePlatform({ now: NOW }, new MemoryDisclosureStore());
  const lookup = async (name: string, idNumber: string) => {
    const res = await app.request('/api/v1/public/lookup', {
      method: 'POST',
      body: JSON.stringify({ name, idNumber }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Row[] }).items;
  };
  await p.deliver('uploads/civil-affairs/divisions/区划.csv', divisions);
  await p.deliver(REGISTRY_KEY, registry);
  await p.deliver('uploads/civil-affairs/subsidy_payments/2024年3月农村低保发放花名册.csv', ROSTER);
  await sync();
  return { p, store, sync, lookup };
}

const lostPayment = {
  relation: 'self',
  name: '张*',
  program: 'DIBAO_RURAL',
  amount: 320,
  payDate: '2024-03-05',
  township: '青山镇',
  village: '龙泉村',
};

describe('a payment whose ID a roster destroyed, in the personal lookup', () => {
  it("is in the lookup of the one registered person of that name in that village, nobody else's", async () => {
    const { lookup } = await county(ONE_ZHANG);
    expect(await lookup('张三', ZHANG)).toEqual([expect.objectContaining(lostPayment)]);
    // The 张三 of another village is not him; 刘芳 sees only her own payment.
    expect(await lookup('张三', ZHANG_RED)).toEqual([]);
    expect((await lookup('刘芳', LIU)).map((i) => i.amount)).toEqual([300]);
    // A wrong name with his ID answers as an unknown person does.
    expect(await lookup('张四', ZHANG)).toEqual([]);
    expect(await lookup('张三', testId('1990-09-09', 7))).toEqual([]);
  });

  it('is in no lookup when two registered persons of that name live in that village', async () => {
    const { lookup } = await county(TWO_ZHANGS);
    expect(await lookup('张三', ZHANG)).toEqual([]);
    expect(await lookup('张三', ZHANG_2)).toEqual([]);
    expect((await lookup('刘芳', LIU)).map((i) => i.amount)).toEqual([300]);
  });

  it('leaves the first person’s lookup when a namesake is registered there, and comes back when he is gone', async () => {
    const { p, sync, lookup } = await county(ONE_ZHANG);
    expect(await lookup('张三', ZHANG)).toEqual([expect.objectContaining(lostPayment)]);

    await p.deliver(REGISTRY_KEY, TWO_ZHANGS);
    await sync();
    expect(await lookup('张三', ZHANG)).toEqual([]);
    expect(await lookup('张三', ZHANG_2)).toEqual([]);
    expect((await lookup('刘芳', LIU)).map((i) => i.amount)).toEqual([300]);

    // The namesake moved away (the same bytes again would be the same version: a new person comes too).
    await p.deliver(
      REGISTRY_KEY,
      `${ONE_ZHANG}\n${testId('1980-08-08', 15)},王五,男,H105,户主,青山镇,龙泉村`,
    );
    await sync();
    expect(await lookup('张三', ZHANG)).toEqual([expect.objectContaining(lostPayment)]);
    expect(await lookup('张三', ZHANG_2)).toEqual([]);
  });
});

describe('a county synced before lost-ID payments were filed under their persons', () => {
  it('files those in force at the next sync, with nothing else changed', async () => {
    const { p, store, sync, lookup } = await county(ONE_ZHANG);
    // As an earlier version left it: the payment in no person's bucket, 张三 not among the paid,
    // no mark that lost IDs were filed.
    const filed = await store.paymentsOfPersons([personDigest(TEST_KEYS.lookup, ZHANG)]);
    expect(filed).toHaveLength(1);
    await store.updatePersonPayments(filed, []);
    const data = p.deps.buckets.data;
    for (let shard = 0; shard < 16; shard++) {
      const key = `disclosure/totals/2024/${String(shard).padStart(2, '0')}.json`;
      const bytes = await p.deps.objects.getBytes(data, key);
      if (!bytes) continue;
      const part = JSON.parse(Buffer.from(bytes).toString('utf8')) as { paid: [string, string[]][] };
      part.paid = part.paid.filter(([id]) => id !== ZHANG);
      await p.deps.objects.put(data, key, JSON.stringify(part));
    }
    const stateBytes = await p.deps.objects.getBytes(data, 'disclosure/state.json');
    const { lostFiled, ...state } = JSON.parse(Buffer.from(stateBytes as Uint8Array).toString('utf8'));
    expect(lostFiled).toBe(true);
    await p.deps.objects.put(data, 'disclosure/state.json', JSON.stringify(state));
    expect(await lookup('张三', ZHANG)).toEqual([]);

    expect(await sync()).toMatchObject({ unitsAdded: 0, unitsRemoved: 0, lookupsRebuilt: true });
    expect(await lookup('张三', ZHANG)).toEqual([expect.objectContaining(lostPayment)]);
    // Marked: the sync after writes nothing.
    expect(await sync()).toMatchObject({ itemsWritten: 0, totalsCounted: 0 });
  });
});

describe('a sync whose paid persons changed', () => {
  it('rebuilds the lookup index once, not again at the next sync', async () => {
    const { p, sync, lookup } = await county(ONE_ZHANG);
    // A month later 张三 of 红星村 is paid for the first time: the set of paid persons changes.
    await p.deliver(
      'uploads/civil-affairs/subsidy_payments/2024年4月农村低保发放花名册.csv',
      [
        '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
        `农村低保,张三,${ZHANG_RED},青山镇,红星村,280,2024-04-05`,
      ].join('\n'),
    );
    expect(await sync()).toMatchObject({ unitsAdded: 1, lookupsRebuilt: true });
    expect((await lookup('张三', ZHANG_RED)).map((i) => i.amount)).toEqual([280]);
    // The pending mark the first sync set while counting is cleared: nothing is left to do.
    expect(await sync()).toMatchObject({ lookupsRebuilt: false, recomputed: false, itemsWritten: 0 });
  });
});

describe('a roster with and without IDs', () => {
  it('updates the person buckets once per sync, its lost-ID rows with the others', async () => {
    const { p, store, sync, lookup } = await county(ONE_ZHANG);
    await p.deliver(
      'uploads/civil-affairs/subsidy_payments/2024年5月农村低保发放花名册.csv',
      [
        '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
        '农村低保,张三,4.31199E+17,青山镇,龙泉村,330,2024-05-05',
        `农村低保,刘芳,${LIU},青山镇,龙泉村,310,2024-05-05`,
      ].join('\n'),
    );
    const updates = vi.spyOn(store, 'updatePersonPayments');
    await sync();
    expect(updates).toHaveBeenCalledTimes(1);
    expect((await lookup('张三', ZHANG)).map((i) => i.amount).sort()).toEqual([320, 330]);
    expect((await lookup('刘芳', LIU)).map((i) => i.amount).sort()).toEqual([300, 310]);
  });
});
