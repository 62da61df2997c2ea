/**
 * A poverty household whose head's ID a spreadsheet destroyed, and whom name + village can't
 * place (two people of that name live in the village), is still the household the lead is
 * about: the head's poverty row stays in the household's evidence and names the lead, as it
 * does when all the data is matched in one place.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

// Two registered 刘大 in 红星村: a destroyed ID under that name can't be placed.
const LIU_DA = testId('1955-01-01', 201);
const OTHER_LIU_DA = testId('1966-01-01', 202);
// The son, with a valid ID, owns a 商品房.
const LIU_ER = testId('1985-02-02', 203);

const csv = (...lines: string[]) => lines.join('\n');

describe('a poverty household whose head’s ID is lost and can’t be placed', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);

  beforeAll(async () => {
    await p.upload(
      'uploads/police/household_registry/registry.csv',
      csv(
        '公民身份号码,姓名,户号,与户主关系,乡镇,村',
        `${LIU_DA},刘大,H01,户主,青山镇,红星村`,
        `${LIU_ER},刘二,H01,子,青山镇,红星村`,
        `${OTHER_LIU_DA},刘大,H02,户主,青山镇,红星村`,
      ),
    );
    await p.upload(
      'uploads/rural-revitalization/poverty_registry/poverty.csv',
      csv(
        '户号,身份证号,姓名,与户主关系,乡镇,村,脱贫状态,脱贫年度',
        'P01,4.31199E+17,刘大,户主,青山镇,红星村,未脱贫,',
        `P01,${LIU_ER},刘二,子,青山镇,红星村,未脱贫,`,
      ),
    );
    await p.upload(
      'uploads/natural-resources/property_records/property.csv',
      csv(
        '权利人证件号,权利人,坐落,用途,房屋性质,登记日期',
        `${LIU_ER},刘二,青山县城关镇幸福小区3栋,住宅,商品房,2021-06-01`,
      ),
    );
  });

  it('R02: the lead names the household head and keeps every member’s poverty row', () => {
    const leads = p.leadsOf('R02');
    expect(leads.map((l) => l.subjectKey)).toEqual(['P01']);
    const [lead] = leads;
    expect(lead?.subject).toContain('刘大');
    const members = lead?.evidence.filter((e) => e.kind === 'poverty_registry') ?? [];
    expect(members.map((e) => e.values.name).sort()).toEqual(['刘二', '刘大'].sort());
  });
});
