import { hashToShard } from '@jiandu/pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

/** The first ID from `sequence` on whose shard differs from every shard in `avoid`. */
function idInNewShard(birth: string, sequence: number, avoid: readonly string[]): string {
  const taken = new Set(avoid.map(hashToShard));
  for (let s = sequence; ; s++) {
    const id = testId(birth, s);
    if (!taken.has(hashToShard(id))) return id;
  }
}

// Poverty household P01: 刘大 (head) and 刘二 (son, owns a 商品房 and a car) — in different shards.
const LIU_DA = testId('1955-01-01', 101);
const LIU_ER = idInNewShard('1985-02-02', 102, [LIU_DA]);
// Poverty household P02: 何三 owns only a 自建房 and a tractor (decoys).
const HE_SAN = testId('1960-03-03', 103);
// 孙四 receives 低保 while his son 孙五 is a civil servant; 孙五 left office end of March.
const SUN_SI = testId('1950-04-04', 104);
const SUN_WU = testId('1978-05-05', 105);
// 周六 receives 低保 and is paid by an employer (social insurance) and runs a company.
const ZHOU_LIU = testId('1970-06-06', 106);
// 吴七 died in January; the roster still pays him under a destroyed ID.
const WU_QI = testId('1938-07-07', 107);

const csv = (...lines: string[]) => lines.join('\n');

describe('household and person rules through the workflow', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);
  const leads = p.leadsOf;

  beforeAll(async () => {
    await p.upload(
      'uploads/police/household_registry/registry.csv',
      csv(
        '公民身份号码,姓名,户号,与户主关系,乡镇,村',
        `${LIU_DA},刘大,H01,户主,青山镇,红星村`,
        `${LIU_ER},刘二,H01,子,青山镇,红星村`,
        `${HE_SAN},何三,H02,户主,青山镇,红星村`,
        `${SUN_SI},孙四,H03,户主,青山镇,红星村`,
        `${SUN_WU},孙五,H03,子,青山镇,红星村`,
        `${ZHOU_LIU},周六,H04,户主,青山镇,红星村`,
        `${WU_QI},吴七,H05,户主,青山镇,红星村`,
      ),
    );
    await p.upload(
      'uploads/police/death_records/deaths.csv',
      csv('身份证号,姓名,死亡日期', `${WU_QI},吴七,2023-01-15`),
    );
    await p.upload(
      'uploads/rural-revitalization/poverty_registry/poverty.csv',
      csv(
        '户号,身份证号,姓名,与户主关系,乡镇,村,脱贫状态,脱贫年度',
        `P01,${LIU_DA},刘大,户主,青山镇,红星村,未脱贫,`,
        `P01,${LIU_ER},刘二,子,青山镇,红星村,未脱贫,`,
        `P02,${HE_SAN},何三,户主,青山镇,红星村,未脱贫,`,
      ),
    );
    await p.upload(
      'uploads/natural-resources/property_records/property.csv',
      csv(
        '权利人证件号,权利人,坐落,用途,房屋性质,登记日期',
        `${LIU_ER},刘二,青山县城关镇幸福小区3栋,住宅,商品房,2021-06-01`,
        `${HE_SAN},何三,红星村5组,住宅,自建房,2010-01-01`,
      ),
    );
    await p.upload(
      'uploads/police/vehicle_records/vehicles.csv',
      csv(
        '所有人证件号码,机动车所有人,号牌号码,车辆类型,初次登记日期',
        `${LIU_ER},刘二,湘A12345,小型轿车,2022-01-01`,
        `${HE_SAN},何三,湘A67890,拖拉机,2015-01-01`,
      ),
    );
    await p.upload(
      'uploads/hrss/public_officials/officials.csv',
      csv(
        '身份证号,姓名,工作单位,职务,人员类别,乡镇,村,任职开始日期,任职结束日期',
        `${SUN_WU},孙五,青山镇人民政府,科员,公务员,青山镇,,2015-01-01,2023-03-31`,
      ),
    );
    await p.upload(
      'uploads/hrss/social_insurance/si.csv',
      csv('身份证号,姓名,工作单位,缴费基数,缴费年月', `${ZHOU_LIU},周六,青山县宏达机械厂,3500,2023-02`),
    );
    await p.upload(
      'uploads/market-supervision/market_entities/entities.csv',
      csv(
        '统一社会信用代码,企业名称,法定代表人,法定代表人身份证号,注册资本,登记状态',
        `91431199MA4L00001X,青山县周氏贸易有限公司,周六,${ZHOU_LIU},10,存续`,
      ),
    );
    const rows = ['2023-01', '2023-02', '2023-03', '2023-04'].flatMap((m) => [
      `农村低保,刘大,${LIU_DA},青山镇,红星村,300,${m}-10`,
      `农村低保,刘二,${LIU_ER},青山镇,红星村,200,${m}-10`,
      `农村低保,孙四,${SUN_SI},青山镇,红星村,400,${m}-10`,
      `农村低保,周六,${ZHOU_LIU},青山镇,红星村,500,${m}-10`,
      `农村低保,吴七,4.31199E+17,青山镇,红星村委会,250,${m}-10`,
    ]);
    await p.upload(
      'uploads/civil-affairs/subsidy_payments/2023-dibao.csv',
      csv('项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期', ...rows),
    );
  });

  it('puts the two members of the poverty household into different shards (so partials are combined)', () => {
    expect(hashToShard(LIU_DA)).not.toBe(hashToShard(LIU_ER));
  });

  it('R02/R03: one lead per poverty household, with the whole household’s means-tested payments', () => {
    for (const rule of ['R02', 'R03']) {
      const found = leads(rule);
      expect(
        found.map((l) => [l.subjectKey, l.amount, l.match]),
        rule,
      ).toEqual([['P01', 4 * 50_000, 'id']]);
      const kinds = found[0]?.evidence.map((e) => e.kind) ?? [];
      expect(kinds.filter((k) => k === 'subsidy_payments')).toHaveLength(8);
      expect(kinds.filter((k) => k === 'poverty_registry')).toHaveLength(2);
    }
  });

  it('R04: only the months the son was in office', () => {
    expect(leads('R04').map((l) => [l.subjectKey, l.amount])).toEqual([
      [`${SUN_SI}|DIBAO_RURAL`, 3 * 40_000],
    ]);
  });

  it('R05 and R07: the recipient who runs a company and pays social insurance', () => {
    expect(leads('R05').map((l) => [l.subjectKey, l.amount])).toEqual([
      [`${ZHOU_LIU}|DIBAO_RURAL`, 4 * 50_000],
    ]);
    expect(leads('R07').map((l) => [l.subjectKey, l.amount])).toEqual([[`${ZHOU_LIU}|DIBAO_RURAL`, 50_000]]);
  });

  it('R01: the deceased paid under a destroyed ID is found by name + village', () => {
    const [lead] = leads('R01');
    expect(leads('R01')).toHaveLength(1);
    expect(lead).toMatchObject({
      subjectKey: `${WU_QI}|DIBAO_RURAL`,
      amount: 2 * 25_000,
      match: 'name_village',
    });
    expect(lead?.scoreBreakdown.find((f) => f.factor === 'match')?.points).toBe(5);
    // A destroyed ID never fires R08, even once its person is known.
    expect(leads('R08')).toEqual([]);
  });

  it('re-running the same data changes nothing', async () => {
    const before = [...p.deps.leads.items.values()];
    clock.now = '2023-07-02T00:00:00.000Z';
    const summary = await p.scheduled();
    expect(summary).toMatchObject({ leadsNew: 0, leadsUpdated: 0, leadsSuperseded: 0 });
    expect([...p.deps.leads.items.values()]).toEqual(before);
  });
});
