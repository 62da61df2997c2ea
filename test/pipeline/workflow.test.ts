import { createHash } from 'node:crypto';
import type { Lead } from '@jiandu/domain/model';
import { normalizeUpload } from '@jiandu/pipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

// Three villagers: 甲 dies 2023-02-10 and is paid through June (R01 fires for April–June);
// 乙 dies 2023-03-20 and is paid in March and April only (the grace month: no lead);
// 丙 is alive and paid all along.
const JIA = testId('1950-03-01', 11);
const YI = testId('1948-07-15', 22);
const BING = testId('1960-12-31', 33);

const registry = [
  '青山县户籍人口信息表',
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王 建国,男,H001,户主,青山镇,红星村委会`,
  `${YI},李秀英,女,H002,户主,青山镇,红星村`,
  `${BING},张伟,男,H003,户主,石门乡,白沙村`,
].join('\n');

const deaths = [
  '身份证号,姓名,死亡日期,数据来源',
  `${JIA},王建国,2023/2/10,公安注销`,
  `${YI},李秀英,2023年3月20日,火化`,
].join('\n');

/** Payment rows month by month; each person is paid up to their last month. */
function payments(months: readonly string[], people: readonly [string, string, string, string?][]) {
  const rows = months.flatMap((m) =>
    people
      .filter(([, , , last]) => !last || m <= last)
      .map(([id, name, village]) => `农村低保,${name},${id},青山镇,${village},"1,200.00",${m}-05`),
  );
  return ['项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期', ...rows, '合计,,,,,,'].join(
    '\n',
  );
}

const MONTHS = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'];

describe('collision workflow (real ASL, in-memory storage)', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  let p: ReturnType<typeof memoryPipeline>;

  beforeEach(async () => {
    clock.now = '2023-07-01T00:00:00.000Z';
    p = memoryPipeline(clock);
    await p.upload('uploads/police/household_registry/registry.csv', registry);
    await p.upload('uploads/police/death_records/deaths.csv', deaths);
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2023H1.csv',
      payments(MONTHS, [
        [JIA, '王建国', '红星村'],
        [YI, '李秀英', '红星村', '2023-04'],
        [BING, '张伟', '白沙村'],
      ]),
    );
  });

  const leads = (): Lead[] =>
    [...p.deps.leads.items.values()].sort((a, b) => a.subjectKey.localeCompare(b.subjectKey));

  it('finds exactly the deceased recipient paid after the grace month', () => {
    const r01 = leads().filter((l) => l.rule === 'R01');
    expect(r01).toHaveLength(1);
    const lead = r01[0] as Lead;
    expect(lead.subjectKey).toBe(`${JIA}|DIBAO_RURAL`);
    expect(lead.amount).toBe(3 * 120_000); // April, May, June at 1,200.00 元
    expect(lead.match).toBe('id');
    expect(lead.status).toBe('new');
    expect(lead.village).toBe('红星村');
    // One death record and the three firing payments, each pointing at its source row.
    // Rows: Jan–Apr three payees each (rows 2–13), then May and June without 乙.
    expect(lead.evidence.map((e) => `${e.kind}:${e.row}`)).toEqual([
      'death_records:2',
      'subsidy_payments:11',
      'subsidy_payments:14',
      'subsidy_payments:16',
    ]);
    expect(lead.score).toBeGreaterThan(0);
    expect(lead.scoreBreakdown.reduce((s, f) => s + f.points, 0)).toBe(lead.score);
  });

  it('treats a byte-identical re-upload and a replayed event as no-ops', async () => {
    const before = leads();
    const versions = p.deps.versions.items.size;
    const again = await p.upload('uploads/police/death_records/deaths-copy.csv', deaths);
    expect(again.version).toMatchObject({ outcome: 'duplicate' });
    expect(again.plan).toBeUndefined(); // ended at AlreadyIngested: no collision ran
    const replayed = await p.replay('uploads/police/death_records/deaths.csv', deaths.length);
    expect(replayed.version).toMatchObject({ outcome: 'duplicate' });
    expect(p.deps.versions.items.size).toBe(versions);
    expect(leads()).toEqual(before);
  });

  it('keeps inspectors’ work when the collision re-runs, and counts the run', async () => {
    const lead = leads().find((l) => l.rule === 'R01') as Lead;
    await p.deps.leads.put(
      { ...lead, status: 'assigned', assignee: '青山镇纪委', revision: lead.revision + 1 },
      lead.revision,
    );
    clock.now = '2023-07-02T00:00:00.000Z';
    const summary = await p.scheduled();
    expect(summary).toMatchObject({ leadsNew: 0, leadsSuperseded: 0 });
    const after = p.deps.leads.items.get(lead.leadId) as Lead;
    expect(after).toMatchObject({ status: 'assigned', assignee: '青山镇纪委', amount: lead.amount });
    const runs = await p.deps.runs.list(10);
    expect(runs[0]).toMatchObject({ trigger: 'Scheduled Event', status: 'succeeded' });
  });

  it('writes no lead when a re-run finds exactly what is stored', async () => {
    const leadsPut = p.deps.leads;
    const original = leadsPut.putMany.bind(leadsPut);
    const written: string[] = [];
    leadsPut.putMany = async (writes) => {
      written.push(...writes.map((w) => w.next.leadId));
      return original(writes);
    };
    const before = leads();
    clock.now = '2023-07-02T00:00:00.000Z';
    const summary = await p.scheduled();
    expect(written).toEqual([]);
    expect(summary).toMatchObject({ leadsNew: 0, leadsUpdated: 0, leadsSuperseded: 0 });
    expect(summary.leadsUnchanged).toBe(before.filter((l) => l.status !== 'superseded').length);
    expect(leads()).toEqual(before);
  });

  it('supersedes a lead when a corrected snapshot removes its evidence', async () => {
    clock.now = '2023-07-03T00:00:00.000Z';
    const corrected = ['身份证号,姓名,死亡日期,数据来源', `${YI},李秀英,2023年3月20日,火化`].join('\n');
    await p.upload('uploads/police/death_records/deaths-corrected.csv', corrected);
    const lead = leads().find((l) => l.rule === 'R01') as Lead;
    expect(lead.status).toBe('superseded');
    expect(lead.statusReason).toContain('deaths.csv');
    const versions = await p.deps.versions.listOfDataset('police', 'death_records');
    expect(versions.map((v) => v.status)).toEqual(['replaced', 'active']);
  });

  it('lets a newer payments file replace the rows of the same program and month', async () => {
    clock.now = '2023-07-04T00:00:00.000Z';
    // The department re-sends May and June without 甲: the lead shrinks to April only.
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2023-05-06-fixed.csv',
      payments(['2023-05', '2023-06'], [[BING, '张伟', '白沙村']]),
    );
    const lead = leads().find((l) => l.rule === 'R01') as Lead;
    expect(lead.amount).toBe(120_000);
    expect(lead.status).toBe('new');
  });

  it('rejects a file without a required column, keeping the raw file and saying what is missing', async () => {
    const broken = ['姓名,死亡日期', '王建国,2023-02-10'].join('\n');
    await expect(p.upload('uploads/police/death_records/broken.csv', broken)).rejects.toThrow();
    const versions = await p.deps.versions.listOfDataset('police', 'death_records');
    const rejected = versions.find((v) => v.status === 'rejected');
    expect(rejected?.error?.code).toBe('missing_columns');
    expect(rejected?.error?.message).toMatch(/id_number|身份证/);
    expect(
      await p.deps.objects.getBytes('uploads-bucket', 'uploads/police/death_records/broken.csv'),
    ).toBeDefined();
  });

  it('records rejected rows with their reasons in a downloadable file', async () => {
    const withBadRow = `${deaths}\n431199195003010010,赵六,2023-01-01,公安注销`;
    await p.upload('uploads/police/death_records/deaths-v2.csv', withBadRow);
    const versions = await p.deps.versions.listOfDataset('police', 'death_records');
    const v2 = versions.find((v) => v.fileName === 'deaths-v2.csv');
    expect(v2?.quality).toMatchObject({ accepted: 2, rejected: 1 });
    const rejects = await p.deps.objects.getBytes('data-bucket', v2?.rejectsKey ?? '');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(rejects);
    expect(text.startsWith('\uFEFF行号,工作表,原因代码,原因')).toBe(true);
    expect(text).toContain('赵六');
  });

  it('fails the execution for a key outside the upload layout', async () => {
    await expect(p.upload('uploads/police/not_a_kind/x.csv', deaths)).rejects.toThrow(/数据类型|not_a_kind/);
  });
});

describe('upload keys', () => {
  it('takes the key exactly as EventBridge delivers it: spaces, plus signs and Chinese as stored', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    const key = 'uploads/police/death_records/2023年 死亡名单+补充.csv';
    // A header without rows is refused (no_rows): one row makes it a version.
    await p.deps.objects.put(
      'uploads-bucket',
      key,
      `身份证号,姓名,死亡日期\n${testId('1950-01-01', 1)},张三,2023-01-01\n`,
    );
    const result = await p.replay(key, 10);
    expect(result).toHaveProperty('runId'); // registered, so a collision ran
    const [version] = await p.deps.versions.listOfDataset('police', 'death_records');
    expect(version?.rawKey).toBe(key);
  });

  it('does not guess at URL-encoded keys (EventBridge never sends them)', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    const key = 'uploads/police/death_records/2023年 死亡名单.csv';
    await p.deps.objects.put('uploads-bucket', key, `身份证号,姓名,死亡日期\n${JIA},王建国,2023-02-10\n`);
    const encoded = key
      .split('/')
      .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
      .join('/');
    await expect(p.replay(encoded, 10)).rejects.toThrow(/Uploaded object not found/);
    expect(p.deps.versions.items.size).toBe(0);
  });
});

describe('an upload overwritten while it is read', () => {
  it('fails rather than register rows of one file under the hash of another', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    const key = 'uploads/police/death_records/deaths.csv';
    await p.deps.objects.put('uploads-bucket', key, '身份证号,姓名,死亡日期\n');
    // The department saves the file again after the task took its ETag, before the read.
    const stream = p.deps.objects.stream.bind(p.deps.objects);
    p.deps.objects.stream = (bucket, k, ifMatch) => {
      p.deps.objects.items.set(`${bucket}/${k}`, new TextEncoder().encode('姓名\n张三\n'));
      return stream(bucket, k, ifMatch);
    };
    await expect(
      normalizeUpload(p.deps, { bucket: 'uploads-bucket', key, eventTime: '2023-07-01T00:00:00Z' }),
    ).rejects.toThrow(/changed while it was being read/);
    expect(p.deps.versions.items.size).toBe(0);
  });
});

describe('reading an upload', () => {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  it('hashes a file sent again under its key before reading it: unchanged, it is not read into rows', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    let reads = 0;
    let chunks = 0;
    const stream = p.deps.objects.stream.bind(p.deps.objects);
    p.deps.objects.stream = async function* (bucket, k, ifMatch) {
      reads++;
      for await (const chunk of stream(bucket, k, ifMatch)) {
        chunks++;
        yield chunk;
      }
    };
    const key = 'uploads/police/death_records/deaths.csv';
    const roster = (n: number) =>
      new TextEncoder().encode(
        ['身份证号,姓名,死亡日期', ...Array.from({ length: n }, () => `${JIA},王建国,2023-02-10`)].join('\n'),
      );
    const normalize = async (bytes: Uint8Array) => {
      reads = 0;
      chunks = 0;
      await p.deps.objects.put('uploads-bucket', key, bytes);
      return normalizeUpload(p.deps, { bucket: 'uploads-bucket', key, eventTime: clock.now });
    };
    const first = await normalize(roster(300));
    expect([first.outcome, reads]).toEqual(['registered', 1]);
    const chunksOfFile = chunks;

    // The folder sent again: the same bytes under the same key are hashed, nothing more.
    const again = await normalize(roster(300));
    expect([again.outcome, again.versionId, reads, chunks]).toEqual([
      'duplicate',
      first.versionId,
      1,
      chunksOfFile,
    ]);

    // The department corrected the file under the same name: hashed, then read as a new version.
    const corrected = roster(299);
    const out = await normalize(corrected);
    expect([out.outcome, out.accepted, reads]).toEqual(['registered', 299, 2]);
    expect(await p.deps.versions.get(out.versionId)).toMatchObject({ fileHash: sha256(corrected) });
  });

  it('reads the file once, and its hash is of every byte also when the reader stops early', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    let reads = 0;
    const stream = p.deps.objects.stream.bind(p.deps.objects);
    p.deps.objects.stream = (bucket, k, ifMatch) => {
      reads++;
      return stream(bucket, k, ifMatch);
    };
    // Rows beyond the memory store's 4 KiB chunks, so the hash spans many chunks.
    const good = new TextEncoder().encode(
      ['身份证号,姓名,死亡日期', ...Array.from({ length: 300 }, () => `${JIA},王建国,2023-02-10`)].join('\n'),
    );
    // No required column: the reader gives up after the top rows; the rest is never parsed.
    const refused = new TextEncoder().encode(
      ['说明,备注', ...Array.from({ length: 3000 }, (_, i) => `第${i}行,无关内容`)].join('\n'),
    );
    for (const [key, bytes, outcome] of [
      ['uploads/police/death_records/good.csv', good, 'registered'],
      ['uploads/police/death_records/refused.csv', refused, 'rejected'],
    ] as const) {
      reads = 0;
      await p.deps.objects.put('uploads-bucket', key, bytes);
      const out = await normalizeUpload(p.deps, { bucket: 'uploads-bucket', key, eventTime: clock.now });
      expect(out.outcome).toBe(outcome);
      expect(reads).toBe(1);
      const version = await p.deps.versions.get(out.versionId);
      expect(version).toMatchObject({ fileHash: sha256(bytes), size: bytes.length });
    }
  });
});
