/**
 * The public disclosure API (issue 11) end to end in memory: files go through the real
 * Normalize task, the workflow's projection sync (`syncDisclosure`) maintains the projections,
 * and every public route is called with `app.request()`.
 */
import { createApp } from '@jiandu/api';
import { withdrawVersion } from '@jiandu/domain/datasets/corrections';
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import type { DisclosedPayment } from '@jiandu/domain/disclosure/records';
import { syncDisclosure } from '@jiandu/pipeline';
import { bucketOf, fromPersonRecord, paymentId, unpackPersons } from '@jiandu/store/disclosure-packing';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import {
  DIVISIONS,
  FINANCE,
  FULL_NAMES,
  IDS,
  LI,
  NOTICES,
  PAYMENTS,
  POVERTY,
  PROJECTS,
  REGISTRY,
  WANG,
  ZHANG,
} from '../support/disclosure-files.js';
import { testId } from '../support/ids.js';
import { memoryDisclosureDeps } from '../support/memory-ports.js';
import { rowRefs } from '../support/old-refs.js';
import { piiIn } from '../support/pii-scan.js';
import { MemoryRateLimits, TEST_KEYS } from '../support/trust.js';
import { memoryPipeline } from '../support/workflow.js';

const NOW = '2024-06-15T02:00:00.000Z';

type Row = Record<string, unknown>;
/** The parts of public answers the tests read. */
interface Body {
  readonly items: Row[];
  readonly nextCursor?: string | null;
  readonly years?: string[];
  readonly village?: Row;
  readonly income?: Row;
  readonly expenditure?: Row;
  readonly error: { readonly message: string };
}

describe('public disclosure API', () => {
  const clock = { now: NOW };
  let p: ReturnType<typeof memoryPipeline>;
  let store: MemoryDisclosureStore;
  let limits: MemoryRateLimits;
  let app: ReturnType<typeof createApp>;
  const config = resolveDisclosureConfig({ programs: { LINSHI: { publish: false } } });

  const sync = () =>
    syncDisclosure({ ...p.deps, disclosure: store, disclosureConfig: config, lookupKey: TEST_KEYS.lookup });

  function build(options: { lookupMax?: number; edgeToken?: string } = {}) {
    app = createApp(
      memoryApiDeps({
        ...(options.edgeToken ? { edge: { token: options.edgeToken } } : {}),
        authenticator: principalsAuthenticator({}),
        versions: p.deps.versions,
        now: () => clock.now,
        disclosure: memoryDisclosureDeps({
          store,
          config,
          limits,
          divisions: async () => {
            const { divisionIndexFor } = await import('@jiandu/pipeline/divisions');
            return divisionIndexFor(p.deps);
          },
          ...(options.lookupMax ? { lookupLimit: { max: options.lookupMax, windowSeconds: 600 } } : {}),
        }),
      }),
    );
  }

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await app.request(path, { headers });
    return { res, status: res.status, body: (res.status === 304 ? {} : await res.json()) as Body };
  };
  const lookup = async (body: unknown, ip = '203.0.113.7', headers: Record<string, string> = {}) => {
    const res = await app.request(
      '/api/v1/public/lookup',
      {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      },
      { incoming: { socket: { remoteAddress: ip } } },
    );
    return { res, status: res.status, body: (await res.json()) as Body };
  };

  beforeEach(async () => {
    clock.now = NOW;
    p = memoryPipeline(clock);
    store = new MemoryDisclosureStore();
    limits = new MemoryRateLimits();
    await p.upload('uploads/civil-affairs/divisions/区划.csv', DIVISIONS);
    await p.upload('uploads/police/household_registry/户籍.csv', REGISTRY);
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', PAYMENTS);
    await p.upload('uploads/township-431199100/village_finance/红星村2024.csv', FINANCE);
    await p.upload('uploads/rural-revitalization/poverty_registry/建档立卡.csv', POVERTY);
    await p.upload('uploads/rural-revitalization/livelihood_projects/项目库.csv', PROJECTS);
    await p.upload('uploads/township-431199100/notices/公开.csv', NOTICES);
    await sync();
    build();
  });

  it('lists the divisions, programs (published or not) and totals that add up', async () => {
    const divisions = await get('/api/v1/public/divisions');
    expect(divisions.body.items.map((d: Row) => `${d.level}:${d.name}`)).toEqual([
      'township:青山镇',
      'village:红星村',
      'township:石门乡',
      'village:白沙村',
    ]);

    const programs = await get('/api/v1/public/programs?year=2024');
    const byCode = new Map(programs.body.items.map((i: Row) => [i.code, i]));
    expect(byCode.get('DIBAO_RURAL')).toEqual({
      code: 'DIBAO_RURAL',
      name: '农村最低生活保障',
      published: true,
      amount: 2100.5,
      recipients: 2,
      payments: 4,
    });
    expect(byCode.get('LINSHI')).toMatchObject({ published: false, amount: 0, payments: 0 });
    expect(programs.body.years).toEqual(['2024']);

    const byMonth = await get('/api/v1/public/totals?year=2024&by=month');
    expect(byMonth.body.items).toEqual([
      { key: '2024-01', label: '2024-01', amount: 700, recipients: 3, payments: 3 },
      { key: '2024-02', label: '2024-02', amount: 1500.5, recipients: 2, payments: 2 },
    ]);
    // Recipients are distinct persons over the year, not payments.
    const byVillage = await get('/api/v1/public/totals?year=2024&by=village&program=农村低保');
    expect(byVillage.body.items).toEqual([
      {
        key: '石门乡|白沙村',
        label: '白沙村',
        township: '石门乡',
        amount: 1500.5,
        recipients: 1,
        payments: 2,
      },
      { key: '青山镇|红星村', label: '红星村', township: '青山镇', amount: 600, recipients: 1, payments: 2 },
    ]);
    const village = await get('/api/v1/public/totals?year=2024&village=431199100201&by=program');
    expect(village.body.items.map((i: Row) => [i.key, i.amount])).toEqual([
      ['DIBAO_RURAL', 600],
      ['GAOLING', 100],
    ]);
  });

  it('discloses a month of payments with masked names, filtered by program and place, paged', async () => {
    const all = await get('/api/v1/public/payments?month=2024-01');
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      {
        name: '张*',
        township: '石门乡',
        village: '白沙村',
        program: 'DIBAO_RURAL',
        programName: '农村最低生活保障',
        amount: 300,
        payDate: '2024-01-05',
        period: '2024-01',
      },
      expect.objectContaining({ name: '王**', village: '红星村', program: 'DIBAO_RURAL', amount: 300 }),
      expect.objectContaining({ name: '李**', village: '红星村', program: 'GAOLING', amount: 100 }),
    ]);
    expect(all.body.nextCursor).toBeNull();
    // An unpublished program (LINSHI) is nowhere.
    expect(JSON.stringify(all.body)).not.toContain('LINSHI');

    const village = await get(
      '/api/v1/public/payments?month=2024-01&village=红星村&township=青山镇&program=DIBAO_RURAL',
    );
    expect(village.body.items.map((i: Row) => i.name)).toEqual(['王**']);
    const byCode = await get('/api/v1/public/payments?month=2024-01&village=431199100201');
    expect(byCode.body.items).toHaveLength(2);

    const first = await get('/api/v1/public/payments?month=2024-01&limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await get(`/api/v1/public/payments?month=2024-01&limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items]).toEqual(all.body.items);
  });

  it('caches public answers: ETag, max-age and 304 for a matching If-None-Match', async () => {
    const first = await get('/api/v1/public/payments?month=2024-01');
    const etag = first.res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(first.res.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await get('/api/v1/public/payments?month=2024-01', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const other = await get('/api/v1/public/payments?month=2024-02', { 'if-none-match': etag });
    expect(other.status).toBe(200);
  });

  it('shows poverty households, projects, a village year of finance and notices, persons masked', async () => {
    const poverty = await get('/api/v1/public/poverty?township=青山镇');
    expect(poverty.body.items).toEqual([
      {
        name: '王**',
        township: '青山镇',
        village: '红星村',
        members: 2,
        status: '已脱贫',
        identifiedYear: 2014,
        exitYear: 2017,
      },
    ]);
    const projects = await get('/api/v1/public/projects');
    expect(projects.body.items.map((i: Row) => [i.code, i.contractor, i.budget])).toEqual([
      ['XM2024002', '赵**', 30000],
      ['XM2024001', '湖南青山建设工程有限公司', 585000],
    ]);

    const finance = await get('/api/v1/public/village-finance?village=431199100201&year=2024');
    expect(finance.body.village).toEqual({ code: '431199100201', name: '红星村', township: '青山镇' });
    expect(finance.body.income).toEqual({
      total: 100000,
      bySource: [{ category: '上级补助', amount: 100000 }],
    });
    expect(finance.body.expenditure).toEqual({
      total: 60860,
      byCategory: [
        { category: '工程款', amount: 60000 },
        { category: '招待费', amount: 860 },
      ],
    });
    expect(finance.body.items.map((i: Row) => [i.date, i.voucherNo, i.counterparty, i.amount])).toEqual([
      ['2024-01-03', '记-0001', '青山县财政局', 100000],
      ['2024-03-03', '记-0012', '赵**', 48000],
      ['2024-03-18', '记-0015', '青山饭店', 860],
      ['2024-04-01', '记-0016', '湖南青山建设工程有限公司', 12000],
    ]);

    const notices = await get('/api/v1/public/notices');
    expect(notices.body.items.map((n: Row) => n.publishDate)).toEqual([
      '2024-04-10',
      '2024-03-01',
      '2024-02-01',
    ]);
    const words = await get('/api/v1/public/notices?q=低保');
    expect(words.body.items.map((n: Row) => n.title)).toEqual(['低保评议结果公示']);
    const ranged = await get(
      '/api/v1/public/notices?township=青山镇&from=2024-03-01&to=2024-12-31&category=财务',
    );
    expect(ranged.body.items.map((n: Row) => n.title)).toEqual(['2024年第一季度财务公开']);
  });

  it("answers a personal lookup with the person's own and household's payments only", async () => {
    const wang = await lookup({ name: '王建国', idNumber: WANG });
    expect(wang.status).toBe(200);
    expect(wang.res.headers.get('cache-control')).toBe('no-store');
    expect(wang.body.items.map((i: Row) => [i.relation, i.name, i.program, i.period])).toEqual([
      ['self', '王**', 'DIBAO_RURAL', '2024-02'],
      ['self', '王**', 'DIBAO_RURAL', '2024-01'],
      ['household', '李**', 'GAOLING', '2024-01'],
    ]);
    const li = await lookup({ name: ' 李 秀英', idNumber: LI.toLowerCase() });
    expect(li.body.items.map((i: Row) => i.relation)).toEqual(['household', 'household', 'self']);
    // 张伟 is another household: none of his payments show for 王建国, and vice versa.
    const zhang = await lookup({ name: '张伟', idNumber: ZHANG });
    expect(zhang.body.items.map((i: Row) => i.village)).toEqual(['白沙村', '白沙村']);
  });

  it('answers an unknown ID and a name that does not match the same way', async () => {
    const wrongName = await lookup({ name: '王建军', idNumber: WANG });
    const unknown = await lookup({ name: '王建国', idNumber: testId('1990-09-09', 7) });
    expect(wrongName.status).toBe(200);
    expect(wrongName.body).toEqual({ items: [] });
    expect(unknown.body).toEqual(wrongName.body);
    expect([...unknown.res.headers.entries()]).toEqual([...wrongName.res.headers.entries()]);
  });

  it('rate-limits lookups per address across instances', async () => {
    build({ lookupMax: 3 });
    for (let i = 0; i < 3; i++) expect((await lookup({ name: '王建国', idNumber: WANG })).status).toBe(200);
    // A second app on the same counters (another Lambda instance) refuses the same address.
    build({ lookupMax: 3 });
    const refused = await lookup({ name: '王建国', idNumber: WANG });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe('查询过于频繁，请十分钟后再试');
    expect((await lookup({ name: '王建国', idNumber: WANG }, '198.51.100.9')).status).toBe(200);
  });

  it('behind CloudFront, counts each villager, not the edge server they share', async () => {
    build({ lookupMax: 2, edgeToken: 'edge-token-from-secrets-manager' });
    const edgeServer = '130.176.0.1';
    const via = (viewer: string, token = 'edge-token-from-secrets-manager') =>
      lookup({ name: '王建国', idNumber: WANG }, edgeServer, {
        'x-jiandu-edge': token,
        'x-jiandu-viewer': viewer,
      });
    expect((await via('203.0.113.10')).status).toBe(200);
    expect((await via('203.0.113.10')).status).toBe(200);
    expect((await via('203.0.113.10')).status).toBe(429);
    // Another villager through the same edge server is not refused.
    expect((await via('203.0.113.11')).status).toBe(200);
    // A forged viewer header without the token counts against the address that sent it.
    expect((await via('198.51.100.1', 'guessed')).status).toBe(200);
    expect((await via('198.51.100.2', 'guessed')).status).toBe(200);
    expect((await via('198.51.100.3', 'guessed')).status).toBe(429);
  });

  it('without an edge configured, ignores a viewer header anyone can send', async () => {
    build({ lookupMax: 1 });
    const forged = (viewer: string) =>
      lookup({ name: '王建国', idNumber: WANG }, '203.0.113.50', {
        'x-jiandu-edge': 'anything',
        'x-jiandu-viewer': viewer,
        'x-forwarded-for': viewer,
      });
    expect((await forged('192.0.2.1')).status).toBe(200);
    expect((await forged('192.0.2.2')).status).toBe(429);
  });

  it('stores no ID number, full name or household number in the projections', async () => {
    const stored = JSON.stringify({
      records: [...store.records.entries()].map(([k, m]) => [k, [...m.values()]]),
      pages: [...store.pages.values()],
      persons: [...store.personBuckets.values()],
      lookups: [...store.lookupBuckets.values()],
      totals: [...store.totalsCells.values()],
    });
    expect(store.pages.size).toBeGreaterThan(0);
    expect(store.personBuckets.size).toBeGreaterThan(0);
    expect(store.lookupBuckets.size).toBeGreaterThan(0);
    const limitKeys = JSON.stringify([...limits.counters.keys()]);
    for (const text of [stored, limitKeys]) {
      expect(piiIn(text, { names: FULL_NAMES, receiptCodes: [] })).toEqual([]);
      for (const id of IDS) expect(text).not.toContain(id);
      expect(text).not.toMatch(/H00\d/);
    }
  });

  it('says in Chinese what to do about a wrong request', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/public/payments', 400, '查询参数有误：月份（month）：必填，应为月份，如 2024-03'],
      ['/api/v1/public/payments?month=2024-13', 400, '月份（month）：应为月份，如 2024-03'],
      [
        '/api/v1/public/payments?month=2024-01&limit=1000',
        400,
        '每页条数（limit）：应为 1 到 200 之间的整数',
      ],
      ['/api/v1/public/payments?month=2024-01&cursor=%%%', 400, '请使用上一页返回的 nextCursor'],
      ['/api/v1/public/totals?by=day', 400, '分组方式（by）：应为 month（按月）'],
      ['/api/v1/public/village-finance', 400, '村（社区）（village）：必填，请填写村（社区）的12位区划代码'],
      [
        '/api/v1/public/village-finance?village=431199999999',
        404,
        '没有区划代码为 431199999999 的村（社区）',
      ],
      ['/api/v1/public/poverty?village=新村', 400, '需要同时填写乡镇（township）'],
      ['/api/v1/public/notices?from=2024-05-01&to=2024-01-01', 400, '不能晚于截止日期（to）'],
      ['/api/v1/public/no-such-thing', 404, '没有这个接口'],
    ];
    for (const [path, status, message] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(res.body.error.message, path).toContain(message);
    }
    const bad = await lookup({ name: '王建国', idNumber: '12345' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('身份证号（idNumber）应为18位');
    // 18 characters with a wrong last one: the check digit is named, not the length.
    const wrongCheck = `${WANG.slice(0, 17)}${WANG[17] === '1' ? '2' : '1'}`;
    const check = await lookup({ name: '王建国', idNumber: wrongCheck });
    expect(check.status).toBe(400);
    expect(check.body.error.message).toContain('身份证号（idNumber）校验位不对，请核对身份证号最后一位');
    expect(check.body.error.message).not.toContain('应为18位');
    const short = await lookup({ name: '王建国', idNumber: WANG.slice(0, 17) });
    expect(short.body.error.message).toContain('身份证号（idNumber）应为18位');
    const missing = await lookup({ idNumber: WANG });
    expect(missing.body.error.message).toContain('姓名（name）：请填写姓名');
  });

  it('answers a place or program that is not in the county with a 404 naming the parameter and where to look', async () => {
    const cases: [string, string, string][] = [
      [
        '/api/v1/public/payments?month=2024-01&township=不存在镇',
        '乡镇（township）“不存在镇”不在本县的行政区划中',
        '/api/v1/public/divisions',
      ],
      [
        '/api/v1/public/payments?month=2024-01&village=红星村&township=石门乡',
        '村（社区）“红星村”属于青山镇，不在石门乡',
        '/api/v1/public/divisions',
      ],
      [
        '/api/v1/public/payments?month=2024-01&village=431199100201&township=石门乡',
        '“红星村”属于青山镇',
        '12位区划代码',
      ],
      [
        '/api/v1/public/poverty?village=幸福村&township=青山镇',
        '青山镇没有名为“幸福村”的村（社区）',
        '/api/v1/public/divisions',
      ],
      ['/api/v1/public/projects?township=不存在镇', '乡镇（township）“不存在镇”', '/api/v1/public/divisions'],
      ['/api/v1/public/notices?township=不存在镇', '乡镇（township）“不存在镇”', '/api/v1/public/divisions'],
      ['/api/v1/public/totals?township=不存在镇', '乡镇（township）“不存在镇”', '/api/v1/public/divisions'],
      [
        '/api/v1/public/village-finance?village=白沙村&township=青山镇',
        '“白沙村”属于石门乡',
        '/api/v1/public/divisions',
      ],
      [
        '/api/v1/public/payments?month=2024-01&program=NOPE',
        '项目（program）“NOPE”不在项目目录中',
        '/api/v1/public/programs?year=2024',
      ],
      [
        '/api/v1/public/totals?year=2024&program=NOPE',
        '项目（program）“NOPE”',
        '/api/v1/public/programs?year=2024',
      ],
    ];
    for (const [path, message, where] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error, path).toMatchObject({ code: 'not_found' });
      expect(res.body.error.message, path).toContain(message);
      expect(res.body.error.message, path).toContain(where);
    }
    // The names people write still find their rows: a township without 镇, a village's name, a program's name.
    const ok = await get(
      '/api/v1/public/payments?month=2024-01&township=青山&village=红星村&program=农村低保',
    );
    expect(ok.status).toBe(200);
    expect(ok.body.items.map((i: Row) => [i.name, i.village, i.program])).toEqual([
      ['王**', '红星村', 'DIBAO_RURAL'],
    ]);
  });

  it("opens a village's books of the latest year it has when no year is asked", async () => {
    clock.now = '2026-03-01T02:00:00.000Z';
    const finance = await get('/api/v1/public/village-finance?village=431199100201');
    expect(finance.status).toBe(200);
    expect(finance.body).toMatchObject({ year: '2024', income: { total: 100000 } });
    expect(finance.body.items).toHaveLength(4);
    // A village without books: the county's latest year with payments, empty.
    const none = await get('/api/v1/public/village-finance?village=白沙村&township=石门乡');
    expect(none.body).toMatchObject({
      year: '2024',
      items: [],
      village: { name: '白沙村', township: '石门乡' },
    });
    // A year asked for is kept, even when empty.
    expect((await get('/api/v1/public/village-finance?village=431199100201&year=2026')).body).toMatchObject({
      year: '2026',
      items: [],
    });
  });

  it('counts a person once whose ID one roster destroyed, tied by name + village; an untied row is its own recipient', async () => {
    // February's 高龄津贴 roster went through Excel: the IDs are 4.31199E+17. 李秀英 is the one
    // registered 李秀英 of 红星村 (paid in January with her ID); 赵大山 is in no registry.
    const february = [
      '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
      '高龄津贴,李秀英,4.31199E+17,青山镇,红星村,100,2024-02-06',
      '高龄津贴,赵大山,4.31199E+17,青山镇,红星村,100,2024-02-06',
    ].join('\n');
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年2月高龄津贴.csv', february);
    await sync();
    const byVillage = await get('/api/v1/public/totals?year=2024&by=village&program=GAOLING');
    expect(byVillage.body.items).toEqual([
      { key: '青山镇|红星村', label: '红星村', township: '青山镇', amount: 300, recipients: 2, payments: 3 },
    ]);
    const byMonth = await get('/api/v1/public/totals?year=2024&by=month&village=431199100201');
    expect(byMonth.body.items.map((i: Row) => [i.key, i.recipients, i.payments])).toEqual([
      ['2024-01', 2, 2],
      ['2024-02', 3, 3],
    ]);
    const programs = await get('/api/v1/public/programs?year=2024');
    expect(programs.body.items.find((i: Row) => i.code === 'GAOLING')).toMatchObject({
      recipients: 2,
      payments: 3,
    });
    // Over all programs, the year counts each of 王建国, 李秀英, 张伟, 赵大山 once (欧阳明华's 临时救助 isn't published).
    const byProgram = await get('/api/v1/public/totals?year=2024&by=township');
    expect(byProgram.body.items.map((i: Row) => [i.key, i.recipients])).toEqual([
      ['石门乡', 1],
      ['青山镇', 3],
    ]);
  });

  it('writes only what a corrected roster changed', async () => {
    const corrected = PAYMENTS.replace(
      `农村低保,王建国,${WANG},青山镇,红星村,300,2024-02-05`,
      `农村低保,王建国,${WANG},青山镇,红星村,310,2024-02-05`,
    );
    expect(corrected).not.toBe(PAYMENTS);
    clock.now = '2024-06-16T02:00:00.000Z';
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', corrected);
    const summary = await sync();
    // Its three published parts replace the old version's; their rows are the same but one:
    // one record replaced by another (its ref is made of what it discloses: taken out, the new
    // one put in), so one page (its village's February 低保) and one person bucket.
    expect(summary).toMatchObject({
      unitsAdded: 3,
      unitsRemoved: 3,
      paymentsWritten: 2,
      itemsWritten: 2,
      lookupsRebuilt: false,
    });
    // Only the shard of 王建国 was counted again.
    expect(summary.totalsCounted).toBe(1);
    const feb = await get('/api/v1/public/payments?month=2024-02&village=431199100201');
    expect(feb.body.items.map((i: Row) => i.amount)).toEqual([310]);
    const totals = await get('/api/v1/public/totals?year=2024&by=month&program=DIBAO_RURAL');
    expect(totals.body.items.map((i: Row) => [i.key, i.amount, i.recipients])).toEqual([
      ['2024-01', 600, 2],
      ['2024-02', 1510.5, 2],
    ]);
    expect((await sync()).paymentsWritten).toBe(0);
  });

  it('counts a year again from its parts when its stored sum does not match them (a sync that stopped halfway)', async () => {
    const sumKey = 'disclosure/totals/2024/sum.json';
    const stored = JSON.parse(
      new TextDecoder().decode(await p.deps.objects.getBytes(p.deps.buckets.data, sumKey)),
    );
    expect(stored.parts).toHaveLength(16);
    // A sum that isn't its parts' (as if the parts were written and the sum not).
    await p.deps.objects.put(
      p.deps.buckets.data,
      sumKey,
      JSON.stringify({ cells: [], parts: stored.parts.map(() => 'x') }),
    );
    const corrected = PAYMENTS.replace(
      `农村低保,张伟,${ZHANG},石门乡,白沙村,300,2024-01-05`,
      `农村低保,张伟,${ZHANG},石门乡,白沙村,301,2024-01-05`,
    );
    expect(corrected).not.toBe(PAYMENTS);
    clock.now = '2024-06-16T02:00:00.000Z';
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年1-2月.csv', corrected);
    // 张伟's January payment replaced (one out, one in).
    expect((await sync()).paymentsWritten).toBe(2);
    const byMonth = await get('/api/v1/public/totals?year=2024&by=month');
    expect(byMonth.body.items).toEqual([
      { key: '2024-01', label: '2024-01', amount: 701, recipients: 3, payments: 3 },
      { key: '2024-02', label: '2024-02', amount: 1500.5, recipients: 2, payments: 2 },
    ]);
  });

  it('projects again, without leftovers or doubles, what an earlier version stored one item per record', async () => {
    const listed = async () => (await get('/api/v1/public/payments?month=2024-01')).body.items;
    const shown = await listed();
    const refs = store
      .allPayments()
      .map((p) => p.ref)
      .sort();
    expect(refs.every((ref) => ref.startsWith('civil-affairs|'))).toBe(true);
    const wang = (await lookup({ name: '王建国', idNumber: WANG })).body.items;
    expect(wang).toHaveLength(3);
    // As an older version left them: one item per payment (refs by version id), one per lookup
    // entry, units without `refs` and `layout`, the sync's state of format 1.
    const versions = await p.deps.versions.listOfKind('subsidy_payments');
    const byVersion = await rowRefs(p.deps.objects, p.deps.buckets.data, versions, 'version');
    const legacy = (old: DisclosedPayment) => {
      const item = { ...old, ref: byVersion(old) };
      store.legacyPayments.set(paymentId(item), item);
    };
    for (const old of store.allPayments()) legacy(old);
    // The same records with their persons (what an item held).
    for (const [person, chunks] of store.personBuckets)
      for (const [digest, records] of unpackPersons(chunks))
        for (const r of records) {
          legacy(fromPersonRecord(digest, r));
          expect(person).toBe(bucketOf(digest));
        }
    expect(store.legacyPayments.size).toBe(5);
    for (const [key, entry] of store.lookups) store.legacyLookups.set(key, entry);
    store.pages.clear();
    store.personBuckets.clear();
    store.lookupBuckets.clear();
    for (const [id, u] of [...store.unitItems])
      if (u.kind === 'subsidy_payments')
        store.unitItems.set(id, { ...u, refs: undefined, layout: undefined });
    await p.deps.objects.put(
      p.deps.buckets.data,
      'disclosure/state.json',
      JSON.stringify({ format: 1, years: ['2024'] }),
    );

    const summary = await sync();
    expect(summary).toMatchObject({
      unitsAdded: 3,
      unitsRemoved: 3,
      paymentsWritten: 10,
      lookupsRebuilt: true,
    });
    expect(store.legacyPayments.size).toBe(0);
    expect(store.legacyLookups.size).toBe(0);
    expect(
      store
        .allPayments()
        .map((p) => p.ref)
        .sort(),
    ).toEqual(refs);
    expect(await listed()).toEqual(shown);
    expect((await lookup({ name: '王建国', idNumber: WANG })).body.items).toEqual(wang);
    expect((await sync()).itemsWritten).toBe(0);
  });

  it('follows withdrawals and replacements: withdrawn rows disappear, a replacement shows instead', async () => {
    const correction = [
      '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
      `农村低保,王建国,${WANG},青山镇,红星村,320,2024-01-05`,
      `农村低保,张伟,${ZHANG},石门乡,白沙村,320,2024-01-05`,
    ].join('\n');
    clock.now = '2024-06-16T02:00:00.000Z';
    await p.upload('uploads/civil-affairs/subsidy_payments/2024年1月低保-更正.csv', correction);
    await sync();
    const jan = await get('/api/v1/public/payments?month=2024-01&program=DIBAO_RURAL');
    expect(jan.body.items.map((i: Row) => i.amount)).toEqual([320, 320]);
    // The other parts of the first file (February, other programs) stay.
    expect((await get('/api/v1/public/payments?month=2024-02')).body.items).toHaveLength(2);
    const totals = await get('/api/v1/public/totals?year=2024&by=month&program=DIBAO_RURAL');
    expect(totals.body.items.map((i: Row) => [i.key, i.amount])).toEqual([
      ['2024-01', 640],
      ['2024-02', 1500.5],
    ]);

    const versions = await p.deps.versions.listOfKind('subsidy_payments');
    for (const v of versions)
      await p.deps.versions.save(withdrawVersion(v, { subject: 'admin' }, '名单有误', clock.now));
    const finance = (await p.deps.versions.listOfKind('village_finance'))[0];
    if (finance)
      await p.deps.versions.save(withdrawVersion(finance, { subject: 'admin' }, '账目有误', clock.now));
    await sync();
    expect((await get('/api/v1/public/payments?month=2024-01')).body.items).toEqual([]);
    expect((await get('/api/v1/public/totals?year=2024')).body.items).toEqual([]);
    expect((await lookup({ name: '王建国', idNumber: WANG })).body.items).toEqual([]);
    expect((await get('/api/v1/public/village-finance?village=431199100201&year=2024')).body.items).toEqual(
      [],
    );
    expect(store.unitItems.size).toBeGreaterThan(0);
    expect([...store.unitItems.values()].map((u) => u.kind).sort()).toEqual([
      'household_registry',
      'livelihood_projects',
      'notices',
      'poverty_registry',
    ]);
  });
});
