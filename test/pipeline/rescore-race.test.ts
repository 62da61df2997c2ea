/**
 * A rescore races an inspector: the run read a lead, the inspector changed it, then the run's
 * bulk write arrives. The write fails its revision condition, the run reads the lead again
 * and derives its change from what the inspector left: the inspector's status, assignment,
 * verdict and history stay, and the run's new evidence and amount land too.
 */

import { applyLeadCommand, type LeadCommand } from '@jiandu/domain/leads/workflow';
import type { Lead } from '@jiandu/domain/model';
import { beforeEach, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

const JIA = testId('1950-03-01', 11);
const YI = testId('1948-07-15', 22);

const registry = [
  '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
  `${JIA},王建国,男,H001,户主,青山镇,红星村`,
].join('\n');
const deaths = ['身份证号,姓名,死亡日期,数据来源', `${JIA},王建国,2023/2/10,公安注销`].join('\n');
const paymentsOf = (months: string[]) =>
  [
    '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
    ...months.map((m) => `农村低保,王建国,${JIA},青山镇,红星村,"1,200.00",${m}-05`),
  ].join('\n');

describe('a rescore racing an inspector’s edit', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  let p: ReturnType<typeof memoryPipeline>;
  const r01 = () => p.leadsOf('R01')[0] as Lead;

  /** Make the inspector's command land between the run's read of the lead and its bulk write of it. */
  function inspectorActsDuringNextWrite(command: LeadCommand): { writes: number } {
    const leads = p.deps.leads;
    const original = leads.putMany.bind(leads);
    const seen = { writes: 0 };
    leads.putMany = async (writes) => {
      if (!writes.some((w) => w.next.leadId === r01().leadId)) return original(writes);
      if (seen.writes++ === 0) {
        const stored = r01();
        await leads.put(
          applyLeadCommand(
            stored,
            command,
            { subject: 'u-inspector', name: '纪检员' },
            clock.now,
            stored.revision,
          ),
          stored.revision,
        );
      }
      return original(writes);
    };
    return seen;
  }

  beforeEach(async () => {
    clock.now = '2023-07-01T00:00:00.000Z';
    p = memoryPipeline(clock);
    await p.upload('uploads/police/household_registry/registry.csv', registry);
    await p.upload('uploads/police/death_records/deaths.csv', deaths);
    await p.upload('uploads/civil-affairs/subsidy_payments/2023Q2.csv', paymentsOf(['2023-04', '2023-05']));
    expect(r01()).toMatchObject({ status: 'new', amount: 240_000 });
  });

  it('keeps the assignment and its history and still takes the new amount', async () => {
    clock.now = '2023-07-02T00:00:00.000Z';
    const seen = inspectorActsDuringNextWrite({
      action: 'assign',
      kind: 'person',
      assignee: 'u-officer',
      deadline: '2023-07-20',
    });
    await p.upload('uploads/civil-affairs/subsidy_payments/2023Q3.csv', paymentsOf(['2023-06', '2023-07']));
    expect(seen.writes).toBe(2); // the conflicting write was derived again
    const lead = r01();
    expect(lead).toMatchObject({ status: 'assigned', assignee: 'u-officer', amount: 480_000 });
    expect(lead.history?.map((h) => [h.action, h.by])).toEqual([['assign', 'u-inspector']]);
  });

  it('keeps a verdict made while the run supersedes the lead, noting the lost evidence', async () => {
    clock.now = '2023-07-02T00:00:00.000Z';
    const stored = r01();
    await p.deps.leads.put(
      applyLeadCommand(
        stored,
        { action: 'assign', kind: 'person', assignee: 'u-officer', deadline: '2023-07-20' },
        { subject: 'u-inspector' },
        clock.now,
        stored.revision,
      ),
      stored.revision,
    );
    const assigned = r01();
    await p.deps.leads.put(
      applyLeadCommand(
        assigned,
        { action: 'start_verification' },
        { subject: 'u-officer' },
        clock.now,
        assigned.revision,
      ),
      assigned.revision,
    );
    const seen = inspectorActsDuringNextWrite({
      action: 'confirm',
      verifiedAmount: 240_000,
      recoveredAmount: 120_000,
      dispositions: { partyDiscipline: 0, admonition: 1, criticism: 0 },
      note: '已核实并追回部分资金',
    });
    // The police replace the deaths file with one without 甲: the run supersedes the lead.
    await p.upload(
      'uploads/police/death_records/deaths-fixed.csv',
      `身份证号,姓名,死亡日期,数据来源\n${YI},李秀英,2023年3月20日,火化`,
    );
    expect(seen.writes).toBe(2);
    const lead = r01();
    expect(lead.status).toBe('confirmed');
    expect(lead.verdict).toMatchObject({ verifiedAmount: 240_000, recoveredAmount: 120_000 });
    expect(lead.statusReason).toContain('证据已失效');
    expect(lead.history?.map((h) => h.action)).toEqual([
      'assign',
      'start_verification',
      'confirm',
      'evidence_lost',
    ]);
  });
});
