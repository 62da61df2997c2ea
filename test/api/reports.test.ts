/**
 * Reports (一键举报) through the HTTP API (`app.request()`): a citizen files and looks up, a
 * supervisor files for a villager, township offices and inspectors handle reports within
 * their jurisdiction, leads are linked, statistics count it all. A fake authenticator maps
 * bearer tokens to principals; the ports are in memory, the divisions index is real.
 */
import { createHash } from 'node:crypto';
import { createApp, type Principal } from '@jiandu/api';
import { derivePlatformKeys } from '@jiandu/domain/keys';
import type { Lead } from '@jiandu/domain/model';
import { DivisionIndex } from '@jiandu/domain/normalize/division';
import { leadingZeroBits, newPowChallenge, solvePowChallenge } from '@jiandu/domain/reports/proof-of-work';
import { type Report, receiptHash } from '@jiandu/domain/reports/report';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import {
  type MemoryAuditLog,
  MemoryLeads,
  type MemoryReports,
  MemoryRuns,
  MemoryVersions,
  memoryReportDeps,
  memoryWorkflowDeps,
} from '../support/memory-ports.js';
import { type MemoryRateLimits, solvedProof, TEST_KEYS, TEST_POW_BITS } from '../support/trust.js';

const PRINCIPALS: Record<string, Principal> = {
  inspector: { subject: 'u-inspector', roles: ['inspector'], name: '李检查' },
  admin: { subject: 'u-admin', roles: ['admin'] },
  qingshan: { subject: 'u-qingshan', roles: ['township_officer'], township: '青山镇', name: '王镇' },
  shimen: { subject: 'u-shimen', roles: ['township_officer'], township: '石门乡' },
  supervisor: { subject: 'u-supervisor', roles: ['supervisor'], name: '龙泉村监委会' },
  supervisor2: { subject: 'u-supervisor2', roles: ['supervisor'] },
  civil: { subject: 'u-civil', roles: ['department_uploader'], department: 'civil-affairs' },
};
const authenticator = principalsAuthenticator(PRINCIPALS);
const json = (body: unknown, who?: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: {
    'content-type': 'application/json',
    ...(who ? { authorization: `Bearer ${who}` } : {}),
    ...headers,
  },
});
const get = (who: string): RequestInit => ({ headers: { authorization: `Bearer ${who}` } });

const DIVISIONS = new DivisionIndex([
  { code: '431199100000', name: '青山镇', level: 'township' },
  { code: '431199200000', name: '石门乡', level: 'township' },
  { code: '431199100001', name: '龙泉村', level: 'village' },
  { code: '431199200001', name: '白沙村', level: 'village' },
]);

function lead(leadId: string, township: string): Lead {
  return {
    leadId,
    rule: 'R01',
    subjectKey: `431199198001011233|DIBAO_RURAL|${leadId}`,
    subject: '张三丰 · 农村最低生活保障',
    idNumber: '431199198001011233',
    name: '张三丰',
    township,
    village: township === '青山镇' ? '龙泉村' : '白沙村',
    amount: 123_456,
    match: 'id',
    evidence: [],
    reasons: ['死亡后仍领取补贴'],
    score: 72,
    scoreBreakdown: [],
    status: 'new',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastRunId: 'run-1',
    revision: 1,
  };
}
const QINGSHAN_LEAD = 'R01-qingshan00000000000001';
const SHIMEN_LEAD = 'R01-shimen0000000000000002';

const CITIZEN_REPORT = {
  category: 'subsidy',
  village: '龙泉村',
  content: '龙泉村张某去世两年了，家里还在领低保。',
  anonymous: false,
  reporter: { name: '欧阳娜娜', phone: '139-0731-5678' },
};

// 2024-03-01 10:00 China Standard Time.
let clock = '2024-03-01T02:00:00.000Z';
/** All a report keeps of its receipt time: the start of its CST day (1 March). */
const FILED_DAY = '2024-02-29T16:00:00.000Z';
let app: ReturnType<typeof createApp>;
let audit: MemoryAuditLog;
let reports: MemoryReports;
let limits: MemoryRateLimits;
let secondInstance: () => ReturnType<typeof createApp>;

beforeEach(() => {
  clock = '2024-03-01T02:00:00.000Z';
  const leads = new MemoryLeads();
  for (const l of [lead(QINGSHAN_LEAD, '青山镇'), lead(SHIMEN_LEAD, '石门乡')]) leads.items.set(l.leadId, l);
  const workflow = memoryWorkflowDeps();
  audit = workflow.audit;
  const reportDeps = memoryReportDeps({
    divisions: async () => DIVISIONS,
    lookupLimit: { max: 5, windowSeconds: 600 },
  });
  reports = reportDeps.repository;
  limits = reportDeps.limits as MemoryRateLimits;
  const versions = new MemoryVersions();
  const runs = new MemoryRuns();
  // Two app instances over the same storage: rate limits must hold across them.
  const build = () =>
    createApp(
      memoryApiDeps({
        leads,
        versions,
        runs,
        workflow,
        reports: reportDeps,
        authenticator,
        now: () => clock,
      }),
    );
  app = build();
  secondInstance = build;
});

/** File a report as a citizen (solving the proof of work); returns the receipt answer and the stored report's id. */
async function fileAsCitizen(body: object = CITIZEN_REPORT, env?: object) {
  const before = new Set(reports.items.keys());
  const proof = await solvedProof((path) => Promise.resolve(app.request(path)));
  const res = await app.request('/api/v1/public/reports', json({ ...body, proof }), env);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const receipt = JSON.parse(text);
  const [reportId] = [...reports.items.keys()].filter((id) => !before.has(id));
  return { receipt, reportId: reportId as string };
}

/** The `error` of an error response. */
async function errorOf(res: Response) {
  const body = (await res.json()) as {
    error: { code: string; message: string; details: { field?: string; issues?: { field: string }[] } };
  };
  return body.error;
}

async function ok(res: Response | Promise<Response>, status = 200) {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return JSON.parse(text);
}

describe('filing and looking up (public)', () => {
  it('files a real-name report without an account: receipt code once, deadlines, routed by village', async () => {
    const { receipt, reportId } = await fileAsCitizen();
    expect(receipt).toEqual({
      receiptCode: expect.stringMatching(
        /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/,
      ),
      notice: expect.stringContaining('只显示这一次'),
      status: 'received',
      statusLabel: '已收到',
      officeLabel: '青山镇纪委',
      township: '青山镇',
      village: '龙泉村',
      placeNote: null,
      receivedAt: FILED_DAY,
      acknowledgeBy: '2024-03-04T15:59:59.999Z',
      acknowledgeByDate: '2024-03-04',
      concludeBy: '2024-03-31T15:59:59.999Z',
      concludeByDate: '2024-03-31',
    });
    const stored = reports.items.get(reportId);
    expect(stored).toMatchObject({
      office: '青山镇',
      township: '青山镇',
      village: '龙泉村',
      channel: 'online',
    });
    expect(stored?.reporter).toEqual({ anonymous: false, name: '欧阳娜娜', phone: '13907315678' });
    // The code itself is nowhere in storage.
    expect(JSON.stringify(stored)).not.toContain(receipt.receiptCode.replace(/-/g, ''));
  });

  it('says which field is wrong', async () => {
    // A well-formed proof: the body is checked before the proof is.
    const proof = { challenge: 'x.y', solution: '0' };
    const problems = async (body: object) => {
      const res = await app.request('/api/v1/public/reports', json({ proof, ...body }));
      expect(res.status).toBe(400);
      return ((await errorOf(res)).details.issues ?? []).map((i) => i.field);
    };
    expect(await problems({ ...CITIZEN_REPORT, reporter: undefined })).toEqual(['reporter']);
    expect(await problems({ ...CITIZEN_REPORT, anonymous: true })).toEqual(['reporter']);
    expect(await problems({ ...CITIZEN_REPORT, content: '   ' })).toEqual(['content']);
    expect(await problems({ ...CITIZEN_REPORT, proof: undefined })).toEqual(['proof']);
    expect(await problems({ ...CITIZEN_REPORT, category: 'gossip' })).toEqual(['category']);
    const phone = await app.request(
      '/api/v1/public/reports',
      json({
        ...CITIZEN_REPORT,
        reporter: { name: '李四', phone: '1234567' },
        proof: await solvedProof((path) => Promise.resolve(app.request(path))),
      }),
    );
    expect(phone.status).toBe(400);
    expect((await errorOf(phone)).details.field).toBe('reporter.phone');
    expect(reports.items.size).toBe(0);
  });

  it('sends a report about no known place to the county commission', async () => {
    const { receipt, reportId } = await fileAsCitizen({
      category: 'conduct',
      content: '县里某单位领导经常公车私用，周末开去钓鱼。',
      anonymous: true,
    });
    expect(receipt.officeLabel).toBe('县纪委监委');
    expect(reports.items.get(reportId)?.office).toBeNull();
  });

  it('looks up handling and answer by receipt code, in any typing; nothing else of the report', async () => {
    const { receipt } = await fileAsCitizen();
    const typed = receipt.receiptCode.toLowerCase().replace(/-/g, ' ');
    const view = await ok(app.request('/api/v1/public/reports/lookup', json({ receiptCode: typed })));
    expect(view).toEqual({
      category: 'subsidy',
      categoryLabel: '补贴发放',
      officeLabel: '青山镇纪委',
      status: 'received',
      statusLabel: '已收到',
      receivedAt: FILED_DAY,
      acknowledgeBy: '2024-03-04T15:59:59.999Z',
      acknowledgedAt: null,
      concludeBy: '2024-03-31T15:59:59.999Z',
      concludedAt: null,
      overdue: null,
      answer: null,
    });
  });

  it('answers every unknown code alike, in Chinese, and a malformed one with what a code looks like', async () => {
    await fileAsCitizen();
    const unknown = await app.request(
      '/api/v1/public/reports/lookup',
      json({ receiptCode: '2222-3333-4444-5555' }),
    );
    expect(unknown.status).toBe(404);
    const answer = {
      code: 'not_found',
      message: '没有找到这个查询码的举报：请核对查询码（提交举报时显示的16位）后重新输入',
    };
    expect(await unknown.json()).toEqual({ error: answer });
    const another = await app.request(
      '/api/v1/public/reports/lookup',
      json({ receiptCode: '6666777788889999' }),
    );
    expect(await another.json()).toEqual({ error: answer });
    const malformed = await app.request('/api/v1/public/reports/lookup', json({ receiptCode: 'O0O0-1111' }));
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toContain('16位');
  });

  it('slows down guessing across every API instance: too many lookups from one address get 429', async () => {
    const env = { requestContext: { http: { sourceIp: '203.0.113.7' } } };
    const other = { requestContext: { http: { sourceIp: '203.0.113.8' } } };
    // A second instance of the API over the same shared counters (DynamoDB in AWS).
    const second = secondInstance();
    const lookup = (a: typeof app, e: object) =>
      a.request('/api/v1/public/reports/lookup', json({ receiptCode: '2222-3333-4444-5555' }), e);
    for (let i = 0; i < 5; i++) expect((await lookup(i % 2 ? app : second, env)).status).toBe(404);
    const limited = await lookup(second, env);
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    expect((await lookup(app, other)).status).toBe(404);
  });
});

describe('whistle-blower protections', () => {
  const from = (ip: string) => ({ requestContext: { http: { sourceIp: ip } } });

  it('finds a report filed with an old 12-symbol code once by its plain digest, then keeps only the keyed one', async () => {
    const { reportId } = await fileAsCitizen();
    const stored = reports.items.get(reportId) as Report;
    // As stored before receipts were keyed: the plain SHA-256 of a 12-symbol code.
    const code = '7KQ2-MX9D-4HTV';
    const plain = createHash('sha256').update('jiandu-receipt|7KQ2MX9D4HTV').digest('hex');
    await reports.moveReceipt(stored, plain);
    const lookup = () => app.request('/api/v1/public/reports/lookup', json({ receiptCode: code }));
    expect((await ok(lookup())).status).toBe('received');
    expect(reports.receiptHashes()).not.toContain(plain);
    expect(reports.items.get(reportId)?.receiptHash).toBe(receiptHash(code, TEST_KEYS.receipts));
    expect((await ok(lookup())).status).toBe('received');
  });

  it('says on the receipt where a report went and why when its place was read differently', async () => {
    const short = { category: 'project', content: '修路工程偷工减料', anonymous: true };
    const other = await fileAsCitizen({ ...short, township: '石门乡', village: '龙泉村' });
    expect(other.receipt).toMatchObject({
      officeLabel: '青山镇纪委',
      township: '青山镇',
      village: '龙泉村',
      placeNote: '您填写的“龙泉村”属于青山镇，不在“石门乡”，举报已转青山镇纪委办理',
    });
    const unknownVillage = await fileAsCitizen({ ...short, township: '石门乡', village: '无名村' });
    expect(unknownVillage.receipt.placeNote).toBe('本县行政区划中没有“无名村”，举报按乡镇转石门乡纪委办理');
    const unknown = await fileAsCitizen({ ...short, township: '火星镇' });
    expect(unknown.receipt).toMatchObject({
      officeLabel: '县纪委监委',
      placeNote: '本县行政区划中没有“火星镇”，举报已转县纪委监委，由其确定承办单位',
    });
  });

  it('accepts a short real complaint', async () => {
    const { reportId } = await fileAsCitizen({
      category: 'project',
      content: '修路工程偷工减料',
      anonymous: true,
    });
    expect(reports.items.get(reportId)?.content).toBe('修路工程偷工减料');
  });

  it('needs a solved, unexpired, unused challenge of ours to file', async () => {
    const file = (proof: unknown) =>
      app.request(
        '/api/v1/public/reports',
        json({ ...CITIZEN_REPORT, anonymous: true, reporter: undefined, proof }),
      );
    const fieldOf = async (res: Response) => {
      expect(res.status).toBe(400);
      return (await errorOf(res)).details.field;
    };
    const challenge = await ok(app.request('/api/v1/public/reports/challenge'));
    expect(challenge).toMatchObject({ difficulty: TEST_POW_BITS, expiresAt: '2024-03-01T02:10:00.000Z' });
    // A solution that isn't one (at this low test difficulty, check it really falls short).
    const bits = (solution: string) =>
      leadingZeroBits(createHash('sha256').update(`${challenge.challenge}:${solution}`).digest());
    let wrong = 'x';
    while (bits(wrong) >= TEST_POW_BITS) wrong += 'x';
    expect(await fieldOf(await file({ challenge: challenge.challenge, solution: wrong }))).toBe('proof');
    const forged = newPowChallenge(
      derivePlatformKeys('someone-elses-master-secret-0123456789').challenges,
      Date.parse(clock),
      { difficulty: TEST_POW_BITS },
    );
    expect(
      await fieldOf(await file({ challenge: forged.challenge, solution: solvePowChallenge(forged) })),
    ).toBe('proof');
    const solution = solvePowChallenge(challenge);
    expect((await file({ challenge: challenge.challenge, solution })).status).toBe(201);
    // The same solved challenge files nothing more.
    expect(await fieldOf(await file({ challenge: challenge.challenge, solution }))).toBe('proof');
    clock = '2024-03-01T02:20:00.000Z';
    const late = await ok(app.request('/api/v1/public/reports/challenge'));
    clock = '2024-03-01T02:31:00.000Z';
    expect(await fieldOf(await file({ challenge: late.challenge, solution: solvePowChallenge(late) }))).toBe(
      'proof',
    );
    expect(reports.items.size).toBe(1);
  });

  it('stops flooding from one address across every API instance, and lets others file', async () => {
    const second = secondInstance();
    const one = from('203.0.113.50');
    for (let i = 0; i < 5; i++) await fileAsCitizen({ ...CITIZEN_REPORT, content: `第${i}次反映` }, one);
    const proof = await solvedProof((path) => Promise.resolve(second.request(path)));
    const refused = await second.request('/api/v1/public/reports', json({ ...CITIZEN_REPORT, proof }), one);
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).message).toBe('提交过于频繁，请稍后再试');
    await fileAsCitizen(CITIZEN_REPORT, from('198.51.100.4'));
    expect(reports.items.size).toBe(6);
    // Nothing stored holds the address.
    expect(JSON.stringify([...limits.counters.keys(), ...reports.items.values()])).not.toContain('203.0.113');
  });

  it('sends a complaint about a township straight to the county commission when the reporter asks', async () => {
    const { receipt, reportId } = await fileAsCitizen({ ...CITIZEN_REPORT, toCounty: true });
    expect(receipt.officeLabel).toBe('县纪委监委');
    expect(reports.items.get(reportId)).toMatchObject({
      office: null,
      township: '青山镇',
      village: '龙泉村',
    });
    // The township's office doesn't see it at all.
    expect((await ok(app.request('/api/v1/reports', get('qingshan')))).total).toBe(0);
    expect((await app.request(`/api/v1/reports/${reportId}`, get('qingshan'))).status).toBe(404);
  });

  it('shows staff the receipt day, never the time the report came in', async () => {
    clock = '2024-03-01T07:43:12.345Z';
    const { reportId } = await fileAsCitizen();
    const shown = JSON.stringify([
      await ok(app.request('/api/v1/reports', get('qingshan'))),
      await ok(app.request(`/api/v1/reports/${reportId}`, get('qingshan'))),
    ]);
    expect(shown).toContain(FILED_DAY);
    expect(shown).not.toMatch(/07:43|15:43|12\.345/);
  });
});

describe('handling by the responsible office', () => {
  it('the township office lists its reports masked, reads one in full (audited), handles it to the answer', async () => {
    const { receipt, reportId } = await fileAsCitizen();

    const list = await ok(app.request('/api/v1/reports', get('qingshan')));
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      reportId,
      officeLabel: '青山镇纪委',
      reporter: { anonymous: false, name: '欧阳**', phone: '139****5678' },
      status: 'received',
      overdue: null,
    });
    expect(JSON.stringify(list)).not.toContain('欧阳娜娜');
    expect(JSON.stringify(list)).not.toContain('去世两年');

    const detail = await app.request(`/api/v1/reports/${reportId}`, get('qingshan'));
    expect(detail.headers.get('etag')).toBe('"1"');
    const body = await ok(detail);
    expect(body.reporter).toEqual({ anonymous: false, name: '欧阳娜娜', phone: '13907315678' });
    expect(body.content).toBe(CITIZEN_REPORT.content);
    expect(body.allowedActions).toEqual(['acknowledge', 'link_lead', 'unlink_lead']);
    expect(audit.entries().map((e) => [e.action, e.actor, e.target.reportId])).toEqual([
      ['report.read', 'u-qingshan', reportId],
    ]);

    clock = '2024-03-02T01:00:00.000Z';
    const ack = await ok(
      app.request(
        `/api/v1/reports/${reportId}/acknowledge`,
        json({ note: '已受理' }, 'qingshan', { 'if-match': '"1"' }),
      ),
    );
    expect(ack).toMatchObject({ status: 'acknowledged', revision: 2, acknowledgedAt: clock });
    expect(ack.reporter.name).toBe('欧阳**');

    await ok(
      app.request(`/api/v1/reports/${reportId}/investigate`, json({ expectedRevision: 2 }, 'qingshan')),
    );
    const noAnswer = await app.request(
      `/api/v1/reports/${reportId}/conclude`,
      json({ expectedRevision: 3 }, 'qingshan'),
    );
    expect(noAnswer.status).toBe(400);
    clock = '2024-03-15T01:00:00.000Z';
    const answer = '经核查，反映情况属实，已停发低保并追回资金。';
    await ok(
      app.request(`/api/v1/reports/${reportId}/conclude`, json({ answer, expectedRevision: 3 }, 'qingshan')),
    );

    const seen = await ok(
      app.request('/api/v1/public/reports/lookup', json({ receiptCode: receipt.receiptCode })),
    );
    expect(seen).toMatchObject({
      status: 'concluded',
      statusLabel: '已办结',
      acknowledgedAt: '2024-03-02T01:00:00.000Z',
      concludedAt: clock,
      answer,
    });
    expect(
      audit
        .entries()
        .filter((e) => e.action === 'report.update')
        .map((e) => e.target.command),
    ).toEqual(['acknowledge', 'investigate', 'conclude']);
  });

  it('detects a stale update: the second of two officers gets 409 and nothing is lost', async () => {
    const { reportId } = await fileAsCitizen();
    await ok(
      app.request(`/api/v1/reports/${reportId}/acknowledge`, json({ expectedRevision: 1 }, 'qingshan')),
    );
    const stale = await app.request(
      `/api/v1/reports/${reportId}/acknowledge`,
      json({ expectedRevision: 1 }, 'inspector'),
    );
    expect(stale.status).toBe(409);
    const missing = await app.request(`/api/v1/reports/${reportId}/investigate`, json({}, 'inspector'));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).details.field).toBe('expectedRevision');
    expect(reports.items.get(reportId)?.history.map((h) => h.by)).toEqual(['reporter', 'u-qingshan']);
  });

  it('keeps other offices out: another township gets 404, its lists are scoped, county reports are the county’s', async () => {
    const { reportId } = await fileAsCitizen();
    const { reportId: countyId } = await fileAsCitizen({ ...CITIZEN_REPORT, village: undefined });
    for (const path of [`/api/v1/reports/${reportId}`, `/api/v1/reports/${countyId}`]) {
      expect((await app.request(path, get('shimen'))).status).toBe(404);
    }
    expect((await app.request(`/api/v1/reports/${countyId}`, get('qingshan'))).status).toBe(404);
    const ackOther = await app.request(
      `/api/v1/reports/${reportId}/acknowledge`,
      json({ expectedRevision: 1 }, 'shimen'),
    );
    expect(ackOther.status).toBe(404);
    expect((await ok(app.request('/api/v1/reports', get('shimen')))).total).toBe(0);
    expect((await app.request('/api/v1/reports?township=青山镇', get('shimen'))).status).toBe(403);
    expect((await app.request('/api/v1/reports', get('civil'))).status).toBe(403);
    expect((await app.request('/api/v1/reports', get('supervisor'))).status).toBe(403);
    const all = await ok(app.request('/api/v1/reports', get('inspector')));
    expect(all.items.map((r: { officeLabel: string }) => r.officeLabel).sort()).toEqual([
      '县纪委监委',
      '青山镇纪委',
    ]);
  });

  it('filters by status, category, channel and overdue', async () => {
    const { reportId: late } = await fileAsCitizen();
    clock = '2024-03-03T02:00:00.000Z';
    const { reportId: fresh } = await fileAsCitizen({ ...CITIZEN_REPORT, category: 'project' });
    clock = '2024-03-05T02:00:00.000Z';
    const ids = async (query: string) =>
      (await ok(app.request(`/api/v1/reports?${query}`, get('inspector')))).items.map(
        (r: { reportId: string }) => r.reportId,
      );
    expect(await ids('overdue=true')).toEqual([late]);
    expect(await ids('overdue=false')).toEqual([fresh]);
    expect(await ids('category=project')).toEqual([fresh]);
    expect(await ids('status=received')).toEqual([fresh, late]);
    expect(await ids('status=concluded')).toEqual([]);
    expect(await ids('channel=assisted')).toEqual([]);
    expect((await app.request('/api/v1/reports?status=done', get('inspector'))).status).toBe(400);
  });
});

describe('leads and reports', () => {
  it('links a lead the office may see; the lead detail lists the report for whoever may see both', async () => {
    const { reportId } = await fileAsCitizen();
    const otherTownship = await app.request(
      `/api/v1/reports/${reportId}/link-lead`,
      json({ leadId: SHIMEN_LEAD, expectedRevision: 1 }, 'qingshan'),
    );
    expect(otherTownship.status).toBe(404);
    expect((await errorOf(otherTownship)).message).toBe('Lead not found');
    const linked = await ok(
      app.request(
        `/api/v1/reports/${reportId}/link-lead`,
        json({ leadId: QINGSHAN_LEAD, expectedRevision: 1 }, 'qingshan'),
      ),
    );
    expect(linked.leadIds).toEqual([QINGSHAN_LEAD]);

    const leadDetail = await ok(app.request(`/api/v1/leads/${QINGSHAN_LEAD}`, get('qingshan')));
    expect(leadDetail.reports).toEqual([
      expect.objectContaining({
        reportId,
        reporter: { anonymous: false, name: '欧阳**', phone: '139****5678' },
      }),
    ]);
    const detail = await ok(app.request(`/api/v1/reports/${reportId}`, get('inspector')));
    expect(detail.leads).toEqual([
      expect.objectContaining({ leadId: QINGSHAN_LEAD, idNumber: '431199********1233' }),
    ]);
  });

  it('never shows a township officer another township’s lead linked by an inspector', async () => {
    const { reportId } = await fileAsCitizen();
    await ok(
      app.request(
        `/api/v1/reports/${reportId}/link-lead`,
        json({ leadId: SHIMEN_LEAD, expectedRevision: 1 }, 'inspector'),
      ),
    );
    await ok(
      app.request(
        `/api/v1/reports/${reportId}/link-lead`,
        json({ leadId: QINGSHAN_LEAD, expectedRevision: 2 }, 'inspector'),
      ),
    );
    const seen = await ok(app.request(`/api/v1/reports/${reportId}`, get('qingshan')));
    expect(seen.leadIds).toEqual([QINGSHAN_LEAD]);
    expect(seen.leads.map((l: { leadId: string }) => l.leadId)).toEqual([QINGSHAN_LEAD]);
    const ack = await ok(
      app.request(`/api/v1/reports/${reportId}/acknowledge`, json({ expectedRevision: 3 }, 'qingshan')),
    );
    for (const body of [seen, ack]) expect(JSON.stringify(body)).not.toContain(SHIMEN_LEAD);
    // The 石门乡 officer sees neither the report nor, on their lead, a report of another office.
    expect((await ok(app.request(`/api/v1/leads/${SHIMEN_LEAD}`, get('shimen')))).reports).toEqual([]);
    expect((await ok(app.request(`/api/v1/leads/${SHIMEN_LEAD}`, get('inspector')))).reports).toHaveLength(1);

    const unlinked = await ok(
      app.request(
        `/api/v1/reports/${reportId}/unlink-lead`,
        json({ leadId: SHIMEN_LEAD, expectedRevision: 4 }, 'inspector'),
      ),
    );
    expect(unlinked.leadIds).toEqual([QINGSHAN_LEAD]);
    expect((await ok(app.request(`/api/v1/leads/${SHIMEN_LEAD}`, get('inspector')))).reports).toEqual([]);
  });

  it('a township officer can neither unlink another township’s lead nor learn whether it is linked', async () => {
    const { reportId } = await fileAsCitizen();
    await ok(
      app.request(
        `/api/v1/reports/${reportId}/link-lead`,
        json({ leadId: SHIMEN_LEAD, expectedRevision: 1 }, 'inspector'),
      ),
    );
    const unlink = (leadId: string) =>
      app.request(
        `/api/v1/reports/${reportId}/unlink-lead`,
        json({ leadId, expectedRevision: 2 }, 'qingshan'),
      );
    // Linked, not linked, not existing: one answer, the one of a missing lead.
    const linked = await unlink(SHIMEN_LEAD);
    await ok(
      app.request(
        `/api/v1/reports/${reportId}/unlink-lead`,
        json({ leadId: SHIMEN_LEAD, expectedRevision: 2 }, 'inspector'),
      ),
    );
    const unlinked = await unlink(SHIMEN_LEAD);
    const missing = await unlink('R01-nosuchlead000000000000');
    for (const res of [linked, unlinked, missing]) {
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: 'not_found', message: 'Lead not found' });
    }
    // The inspector's unlink went through; the officer's attempts changed nothing.
    const stored = reports.items.get(reportId);
    expect(stored?.revision).toBe(3);
    expect(stored?.leadIds).toEqual([]);
    expect(audit.entries().filter((e) => e.action === 'report.update' && e.actor === 'u-qingshan')).toEqual(
      [],
    );
  });
});

describe('assisted reports (village supervisors)', () => {
  it('a supervisor files for a villager, gets the receipt to hand over, and follows their filings', async () => {
    const filed = await ok(
      app.request(
        '/api/v1/reports/assisted',
        json(
          {
            category: 'village_finance',
            village: '白沙村',
            content: '白沙村修路工程款账目不公开，村民有疑问。',
            anonymous: false,
            reporter: { name: '王老汉', phone: '13900001111' },
          },
          'supervisor',
        ),
      ),
      201,
    );
    expect(filed).toMatchObject({ officeLabel: '石门乡纪委', receiptCode: expect.any(String) });
    expect(reports.items.get(filed.reportId)).toMatchObject({
      channel: 'assisted',
      assistedBy: { subject: 'u-supervisor', name: '龙泉村监委会' },
    });
    const mine = await ok(app.request('/api/v1/reports/assisted', get('supervisor')));
    expect(mine.items).toEqual([
      expect.objectContaining({
        reportId: filed.reportId,
        reporter: { anonymous: false, name: '王**', phone: '139****1111' },
        status: 'received',
        answer: null,
      }),
    ]);
    expect(JSON.stringify(mine)).not.toContain('王老汉');
    expect((await ok(app.request('/api/v1/reports/assisted', get('supervisor2')))).items).toEqual([]);
    expect((await app.request('/api/v1/reports/assisted', get('inspector'))).status).toBe(403);
    // The village is required when filing for a villager.
    const noVillage = await app.request(
      '/api/v1/reports/assisted',
      json({ category: 'other', content: '有问题需要反映一下。', anonymous: true }, 'supervisor'),
    );
    expect(noVillage.status).toBe(400);
    // The 石门乡 office handles it; the channel filter finds it.
    const listed = await ok(app.request('/api/v1/reports?channel=assisted', get('shimen')));
    expect(listed.items[0]).toMatchObject({
      reportId: filed.reportId,
      assistedBy: { subject: 'u-supervisor' },
    });
  });
});

describe('statistics', () => {
  it('counts reports received, on time and late, overdue, and average hours, per office', async () => {
    const { reportId: onTime } = await fileAsCitizen();
    await fileAsCitizen({ ...CITIZEN_REPORT, village: '白沙村' });
    clock = '2024-03-01T14:00:00.000Z';
    await ok(app.request(`/api/v1/reports/${onTime}/acknowledge`, json({ expectedRevision: 1 }, 'qingshan')));
    clock = '2024-03-06T02:00:00.000Z';
    await ok(
      app.request(
        `/api/v1/reports/${onTime}/conclude`,
        json({ answer: '已办结', expectedRevision: 2 }, 'qingshan'),
      ),
    );

    const county = (await ok(app.request('/api/v1/stats', get('inspector')))).reports;
    expect(county).toMatchObject({
      received: 2,
      open: 1,
      acknowledged: { total: 1, onTime: 1, late: 0 },
      concluded: { total: 1, onTime: 1, late: 0 },
      overdue: 1,
      // From the start of the CST day of receipt (10 h before filing): the time of day isn't kept.
      avgHoursToAcknowledge: 22,
      avgHoursToConclude: 130,
    });
    expect(county.byTownship.map((t: { township: string }) => t.township)).toEqual(['青山镇', '石门乡']);
    const own = (await ok(app.request('/api/v1/stats', get('qingshan')))).reports;
    expect(own).toMatchObject({
      received: 1,
      overdue: 0,
      byTownship: [expect.objectContaining({ township: '青山镇' })],
    });
  });
});
