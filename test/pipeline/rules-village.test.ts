import { beforeAll, describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

const CADRE = testId('1965-01-01', 201); // 红星村 党支部书记
const CADRE_WIFE = testId('1967-02-02', 202);
const OTHER_CADRE = testId('1966-03-03', 203); // 白沙村 (石门乡) 村主任
const OTHER_BROTHER = testId('1970-04-04', 204);
const VILLAGER = testId('1980-05-05', 205);

const csv = (...lines: string[]) => lines.join('\n');

describe('village rules through the workflow', () => {
  const clock = { now: '2024-02-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);
  const leads = p.leadsOf;

  beforeAll(async () => {
    await p.upload(
      'uploads/police/household_registry/registry.csv',
      csv(
        '公民身份号码,姓名,户号,与户主关系,乡镇,村',
        `${CADRE},钱书记,H01,户主,青山镇,红星村`,
        `${CADRE_WIFE},周芳,H01,配偶,青山镇,红星村`,
        `${VILLAGER},吴明,H02,户主,青山镇,红星村`,
        `${OTHER_CADRE},郑主任,H03,户主,石门乡,白沙村`,
        `${OTHER_BROTHER},郑二,H03,弟,石门乡,白沙村`,
      ),
    );
    await p.upload(
      'uploads/township-office/public_officials/cadres.csv',
      csv(
        '身份证号,姓名,工作单位,职务,人员类别,乡镇,村,任职开始日期',
        `${CADRE},钱书记,红星村民委员会,党支部书记,村干部,青山镇,红星村委会,2018-01-01`,
        `${OTHER_CADRE},郑主任,白沙村民委员会,村委会主任,村干部,石门乡,白沙村,2018-01-01`,
      ),
    );
    await p.upload(
      'uploads/market-supervision/market_entities/entities.csv',
      csv(
        '统一社会信用代码,企业名称,法定代表人,法定代表人身份证号,注册资本,登记状态',
        `91431199MA4L00002X,青山县郑氏建筑有限公司,郑二,${OTHER_BROTHER},200,存续`,
      ),
    );
    await p.upload(
      'uploads/rural-revitalization/livelihood_projects/projects.csv',
      csv(
        '项目编号,项目名称,主管部门,乡镇,村,项目预算,承建单位,承建单位代码',
        // Contractor related to a cadre of 白沙村, which is in 石门乡: R12 for the 石门乡 project only.
        'XM-01,白沙村道路硬化,石门乡人民政府,石门乡,白沙村,380000,青山县郑氏建筑有限公司,91431199MA4L00002X',
        'XM-02,红星村水渠,青山镇人民政府,青山镇,红星村,200000,青山县郑氏建筑有限公司,91431199MA4L00002X',
      ),
    );
    await p.upload(
      'uploads/township-qingshan/village_finance/hongxing-2023.csv',
      csv(
        '红星村2023年村级财务支出明细',
        '乡镇,村,凭证号,日期,收支方向,科目,金额,收款人,收款人身份证号,摘要',
        '青山镇,红星村,记-01,2023-01-05,支出,劳务费,2000,周芳,,清理沟渠',
        '青山镇,红星村,记-02,2023-02-10,支出,劳务费,1500,吴明,,清理沟渠',
        '青山镇,红星村,记-03,2023-03-01,支出,工程款,30000,青山县路通工程队,,村道修补一期',
        '青山镇,红星村,记-04,2023-04-20,支出,工程款,25000,青山县路通工程队,,村道修补二期',
        '青山镇,红星村,记-05,2023-09-01,支出,工程款,45000,青山县安达工程队,,围墙',
        '青山镇,红星村,记-06,2023-12-01,支出,工程款,45000,青山县安达工程队,,围墙二期',
        '青山镇,红星村,记-07,2023-05-01,支出,招待费,1000,青山饭店,,接待',
        '青山镇,红星村,记-08,2023-06-01,支出,招待费,1200,青山饭店,,接待',
        '青山镇,红星村,记-09,2023-07-01,支出,招待费,900,青山饭店,,接待',
        '合计,,,,,,156600,,,',
      ),
    );
    await p.upload(
      'uploads/township-shimen/village_finance/baisha-2023.csv',
      csv(
        '乡镇,村,凭证号,日期,收支方向,科目,金额,收款人,收款人身份证号,摘要',
        `石门乡,白沙村,记-01,2023-03-01,支出,劳务费,800,郑二,${OTHER_BROTHER},护林`,
        '石门乡,白沙村,记-02,2023-04-01,支出,招待费,1000,白沙饭店,,接待',
        '石门乡,白沙村,记-03,2023-05-01,支出,招待费,1000,白沙饭店,,接待',
        '石门乡,白沙村,记-04,2023-06-01,支出,招待费,1000,白沙饭店,,接待',
        '石门乡,白沙村,记-05,2023-07-01,支出,招待费,1000,白沙饭店,,接待',
        '石门乡,白沙村,记-06,2023-08-01,支出,招待费,1000,白沙饭店,,接待',
        '石门乡,白沙村,记-07,2023-09-01,收入,招待费,5000,上级拨款,,',
      ),
    );
  });

  it('R09: payments to a cadre’s household member, found by name or by ID', () => {
    expect(leads('R09').map((l) => [l.subjectKey, l.amount, l.match])).toEqual([
      [`石门乡|白沙村|${OTHER_BROTHER}`, 80_000, 'id'],
      [`青山镇|红星村|${CADRE_WIFE}`, 200_000, 'name_village'],
    ]);
  });

  it('R10: split works payments within 60 days, not the ones 91 days apart', () => {
    expect(leads('R10').map((l) => [l.subjectKey, l.amount])).toEqual([
      ['青山镇|红星村|青山县路通工程队', 5_500_000],
    ]);
  });

  it('R11: 红星村 for one voucher over 1,000; 白沙村 at exactly 5,000 a year does not fire', () => {
    const found = leads('R11');
    expect(found.map((l) => [l.subjectKey, l.amount])).toEqual([['青山镇|红星村|2023', 310_000]]);
    expect(found[0]?.reasons).toEqual([
      '凭证 记-08（2023-06-01）招待费 ¥1,200.00，超过单笔上限 ¥1,000.00',
      '2023 年招待费合计 ¥3,100.00',
    ]);
  });

  it('R12: the contractor related to an official of the project’s own township only', () => {
    const found = leads('R12');
    expect(found.map((l) => [l.subjectKey, l.amount, l.township])).toEqual([['XM-01', 38_000_000, '石门乡']]);
    expect(found[0]?.evidence.map((e) => e.kind)).toEqual([
      'livelihood_projects',
      'market_entities',
      'household_registry',
      'household_registry',
      'public_officials',
    ]);
  });
});
