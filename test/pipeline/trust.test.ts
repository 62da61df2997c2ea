/**
 * What the collision run does for trust: lead ids keyed with the platform's secret (and old
 * unkeyed ids moved by the next run, history kept), every status change a run makes written
 * into the lead's history, and rejects files neutralised against formula injection.
 */

import { leadIdFor, legacyLeadIdFor } from '@jiandu/domain/leads/lead-id';
import type { Lead } from '@jiandu/domain/model';
import { DEFAULT_REPORT_DEADLINES } from '@jiandu/domain/reports/config';
import { fileReport } from '@jiandu/domain/reports/report';
import { beforeEach, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { TEST_KEYS } from '../support/trust.js';
import { memoryPipeline } from '../support/workflow.js';

const JIA = testId('1950-03-01', 11);
const YI = testId('1948-07-15', 22);

const registry = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王建国,男,H001,户主,青山镇,红星村`,
  `${YI},李秀英,女,H002,户主,青山镇,红星村`,
].join('\n');
const deaths = ['身份证号,姓名,死亡日期,数据来源', `${JIA},王建国,2023/2/10,公安注销`].join('\n');
const payments = [
  '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
  ...['2023-04', '2023-05', '2023-06'].map((m) => `农村低保,王建国,${JIA},青山镇,红星村,"1,200.00",${m}-05`),
].join('\n');

describe('collision runs and trust', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  let p: ReturnType<typeof memoryPipeline>;
  const r01 = () => p.leadsOf('R01')[0] as Lead;

  beforeEach(async () => {
    clock.now = '2023-07-01T00:00:00.000Z';
    p = memoryPipeline(clock);
    await p.upload('uploads/police/household_registry/registry.csv', registry);
    await p.upload('uploads/police/death_records/deaths.csv', deaths);
    await p.upload('uploads/civil-affairs/subsidy_payments/2023Q2.csv', payments);
  });

  it('pins the raw file a version was read from by its storage version', async () => {
    const [version] = await p.deps.versions.listOfDataset('police', 'death_records');
    expect(version?.rawVersionId).toBe('v1');
  });

  it('stores leads under ids keyed with the platform secret, never the guessable plain hash', () => {
    const lead = r01();
    expect(lead.leadId).toBe(leadIdFor('R01', `${JIA}|DIBAO_RURAL`, TEST_KEYS.leadIds));
    expect(lead.leadId).not.toBe(legacyLeadIdFor('R01', `${JIA}|DIBAO_RURAL`));
  });

  it('writes every status change of a run into the history, with the run and the reason', async () => {
    clock.now = '2023-07-02T00:00:00.000Z';
    // The police replace the deaths file with one without 甲: the lead is superseded …
    await p.upload(
      'uploads/police/death_records/deaths-fixed.csv',
      `身份证号,姓名,死亡日期,数据来源\n${YI},李秀英,2023年3月20日,火化`,
    );
    const superseded = r01();
    expect(superseded.status).toBe('superseded');
    const [entry] = superseded.history ?? [];
    expect(entry).toMatchObject({ by: 'system', action: 'supersede', from: 'new', to: 'superseded' });
    expect(entry?.note).toContain('deaths.csv');
    expect(entry?.details?.runId).toEqual(expect.any(String));
    // … and new data brings it back.
    clock.now = '2023-07-03T00:00:00.000Z';
    await p.upload('uploads/police/death_records/deaths-again.csv', `${deaths}\n`);
    const revived = r01();
    expect(revived.status).toBe('new');
    expect(revived.history?.map((e) => [e.action, e.from, e.to, e.by])).toEqual([
      ['supersede', 'new', 'superseded', 'system'],
      ['reopen', 'superseded', 'new', 'system'],
    ]);
    expect(revived.history?.[1]?.details?.runId).not.toBe(entry?.details?.runId);
  });

  it('moves a lead stored under an old unkeyed id to its keyed id on the next run, keeping work, history and report links', async () => {
    const keyed = r01();
    const legacyId = legacyLeadIdFor('R01', keyed.subjectKey);
    const worked: Lead = {
      ...keyed,
      leadId: legacyId,
      status: 'assigned',
      assignee: '青山镇',
      revision: 3,
      history: [
        { at: '2023-07-01T01:00:00.000Z', by: 'u-inspector', action: 'assign', from: 'new', to: 'assigned' },
      ],
    };
    p.deps.leads.items.delete(keyed.leadId);
    p.deps.leads.items.set(legacyId, worked);
    const filed = fileReport(
      { category: 'subsidy', content: '王某去世了还在领低保', reporter: { anonymous: true } },
      {
        now: clock.now,
        deadlines: DEFAULT_REPORT_DEADLINES,
        routing: { office: '青山镇' },
        receiptKey: TEST_KEYS.receipts,
      },
    ).report;
    await p.deps.reports.create({
      ...filed,
      leadIds: [legacyId],
      history: [
        ...filed.history,
        {
          at: clock.now,
          by: 'u-inspector',
          action: 'link_lead',
          to: 'received',
          details: { leadId: legacyId },
        },
      ],
    });

    clock.now = '2023-07-05T00:00:00.000Z';
    await p.scheduled();
    expect(p.deps.leads.items.has(legacyId)).toBe(false);
    const moved = p.deps.leads.items.get(keyed.leadId) as Lead;
    expect(moved).toMatchObject({ status: 'assigned', assignee: '青山镇' });
    expect(moved.history?.map((e) => e.action)).toEqual(['assign', 'rekey']);
    expect(moved.history?.[1]).toMatchObject({ by: 'system', details: { runId: expect.any(String) } });
    const report = await p.deps.reports.get(filed.reportId);
    expect(report?.leadIds).toEqual([keyed.leadId]);
    expect(JSON.stringify([moved, report])).not.toContain(legacyId);
    // Idempotent: the next run moves nothing and changes nothing.
    await p.scheduled();
    expect(p.deps.leads.items.get(keyed.leadId)?.history).toEqual(moved.history);
  });

  it('writes a rejects file whose formula-looking cells from the upload are neutralised', async () => {
    const hostile = `${deaths}\n431199195003010010,"=HYPERLINK(""http://evil.example"",""点我"")",2023-01-01,@SUM(A1)`;
    await p.upload('uploads/police/death_records/deaths-v2.csv', hostile);
    const v2 = (await p.deps.versions.listOfDataset('police', 'death_records')).find(
      (v) => v.fileName === 'deaths-v2.csv',
    );
    const text = new TextDecoder().decode(await p.deps.objects.getBytes('data-bucket', v2?.rejectsKey ?? ''));
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(text).toContain("'@SUM(A1)");
    for (const line of text.split('\r\n'))
      for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+@]/);
  });
});
