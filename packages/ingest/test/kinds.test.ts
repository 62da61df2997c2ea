import { DATASET_KINDS } from '@jiandu/domain/kinds';
import { DivisionIndex } from '@jiandu/domain/normalize/division';
import { KIND_SPECS } from '@jiandu/ingest';
import { aliasLookup, cleanHeader, mapHeader } from '@jiandu/ingest/header';
import { describe, expect, it } from 'vitest';
import { collect, id, utf8 } from './helpers.js';

const A = id('43052119800101001');
const B = id('43052119751212002');

describe('alias tables', () => {
  it('cover all 14 kinds, and every alias of a column leads to that column', () => {
    expect(Object.keys(KIND_SPECS).sort()).toEqual([...DATASET_KINDS].sort());
    for (const kind of DATASET_KINDS) {
      const lookup = aliasLookup(kind);
      for (const column of KIND_SPECS[kind].columns) {
        for (const alias of [column.name, ...column.aliases]) {
          expect(lookup.get(cleanHeader(alias).key)?.column.name, `${kind}: ${alias}`).toBe(column.name);
        }
      }
      for (const group of [...KIND_SPECS[kind].required, ...KIND_SPECS[kind].rowRequired]) {
        for (const name of group)
          expect(
            KIND_SPECS[kind].columns.some((c) => c.name === name),
            name,
          ).toBe(true);
      }
    }
  });

  it('map the headers of CONTRACT.md §2', () => {
    const cases: [Parameters<typeof mapHeader>[0], string[], string[]][] = [
      [
        'household_registry',
        ['公民身份号码', '姓名', '户号', '与户主关系'],
        ['id_number', 'name', 'household_no', 'relation'],
      ],
      [
        'death_records',
        ['身份证号码', '姓名', '注销日期', '数据来源'],
        ['id_number', 'name', 'death_date', 'source'],
      ],
      [
        'public_officials',
        ['证件号码', '姓名', '工作单位', '职务', '人员类别'],
        ['id_number', 'name', 'employer', 'position', 'category'],
      ],
      [
        'fiscal_payroll',
        ['身份证号', '姓名', '应发工资', '发放月份'],
        ['id_number', 'name', 'monthly_pay', 'period'],
      ],
      [
        'market_entities',
        ['统一社会信用代码', '字号名称', '经营者', '注册资本(万元)', '登记状态'],
        ['credit_code', 'entity_name', 'legal_rep_name', 'registered_capital', 'status'],
      ],
      [
        'property_records',
        ['权利人', '权利人证件号', '用途', '坐落'],
        ['owner_name', 'owner_id', 'usage', 'address'],
      ],
      [
        'vehicle_records',
        ['号牌号码', '车辆类型', '机动车所有人', '身份证号'],
        ['plate', 'vehicle_class', 'owner_name', 'owner_id'],
      ],
      [
        'social_insurance',
        ['身份证号', '姓名', '缴费基数', '缴费年月'],
        ['id_number', 'name', 'contribution_base', 'period'],
      ],
      [
        'divisions',
        ['统计用区划代码', '名称', '级别', '上级区划代码'],
        ['code', 'name', 'level', 'parent_code'],
      ],
      [
        'subsidy_payments',
        ['资金名称', '领取人', '乡镇(街道)', '村(社区)', '金额（元）', '发放日期', '所属期'],
        ['program', 'recipient_name', 'township', 'village', 'amount', 'pay_date', 'period'],
      ],
      [
        'poverty_registry',
        ['户编号', '身份证号', '姓名', '脱贫年度'],
        ['household_no', 'id_number', 'name', 'exit_year'],
      ],
      [
        'livelihood_projects',
        ['项目名称', '项目预算', '承建单位', '招标方式'],
        ['name', 'budget', 'contractor_name', 'tender_method'],
      ],
      [
        'village_finance',
        ['凭证号', '日期', '收支方向', '科目', '金额', '收款人', '摘要', '附件张数'],
        ['voucher_no', 'date', 'direction', 'category', 'amount', 'counterparty', 'summary', 'attachments'],
      ],
      ['notices', ['公开类别', '标题', '内容', '发布日期'], ['category', 'title', 'body', 'publish_date']],
    ];
    for (const [kind, headers, columns] of cases) {
      expect(
        mapHeader(kind, headers).mapped.map((m) => m.column.name),
        kind,
      ).toEqual(columns);
    }
  });

  it('clean headers: blanks, full-width brackets, units and markers', () => {
    expect(cleanHeader(' 金 额（元）')).toEqual({ key: '金额', unit: 'yuan' });
    expect(cleanHeader('注册资本（万元）')).toEqual({ key: '注册资本', unit: 'wan' });
    expect(cleanHeader('*姓\n名')).toEqual({ key: '姓名' });
    expect(cleanHeader('村【社区】')).toEqual({ key: '村' });
    expect(cleanHeader('ID_Number')).toEqual({ key: 'id_number' });
  });
});

describe('divisions and resolution of townships and villages', () => {
  it('reads a divisions file and resolves payments given by name or code', async () => {
    const divisionsCsv = [
      '统计用区划代码,名称,级别,上级区划代码',
      '430521000000,邵东县,县,',
      '430521101000,灰山港镇,乡镇,430521000000',
      '430521101201,红星村委会,村,430521101000',
      '430521102000,两市镇,乡镇,430521000000',
      '430521102201,红星村,村,',
      '4305211022,坏代码,村,',
    ].join('\n');
    const divisions = await collect('divisions', utf8(divisionsCsv));
    expect(divisions.accepted).toHaveLength(5);
    expect(divisions.rejected.map((r) => r.reason)).toEqual(['bad_code']);
    expect(divisions.accepted[2]?.values.name).toBe('红星村');
    expect(divisions.accepted[4]?.values).toEqual({
      code: '430521102201',
      name: '红星村',
      level: 'village',
      parent_code: '430521102000',
    });
    const index = DivisionIndex.fromRows(divisions.accepted);

    const payments = [
      '项目名称,姓名,身份证号,乡镇,村,金额,发放日期',
      `高龄津贴,张三,${A},灰山港,红星村委会,100,2018-07-01`,
      `高龄津贴,李四,${B},,430521102201,100,2018-07-01`,
      `高龄津贴,王五,${B},两市镇,胜利村,100,2018-07-01`,
    ].join('\n');
    const { accepted, result } = await collect('subsidy_payments', utf8(payments), 'p.csv', {
      divisions: index,
    });
    expect(
      accepted.map((r) => [
        r.values.township,
        r.values.township_code,
        r.values.village,
        r.values.village_code,
      ]),
    ).toEqual([
      ['灰山港镇', '430521101000', '红星村', '430521101201'],
      ['两市镇', '430521102000', '红星村', '430521102201'],
      ['两市镇', '430521102000', '胜利村', null],
    ]);
    expect(result.quality.warnings).toEqual(['村（社区）未在行政区划中找到：胜利村（1行）']);
  });
});

describe('other kinds', () => {
  it('village_finance: directions, counterparty IDs and (village, year) coverage', async () => {
    const csv = [
      '乡镇,村,凭证号,日期,收支,科目,金额,收款人,收款人身份证号,摘要,附件张数',
      `灰山港镇,红星村委会,记-001,2019/3/5,支,招待费,"1,200",张三,${A},接待,3张`,
      '灰山港镇,红星村,记-002,2019/4/1,收入,补助收入,5000,县财政局,,拨款,1',
      '灰山港镇,红星村,记-003,2020/1/2,支出,工程款,0.5万,李四,123,修路,',
    ].join('\n');
    const { accepted, result } = await collect('village_finance', utf8(csv));
    expect(accepted.map((r) => [r.values.direction, r.values.amount, r.values.counterparty_id])).toEqual([
      ['支出', 120_000, A],
      ['收入', 500_000, null],
      ['支出', 500_000, null],
    ]);
    expect(accepted[0]?.values).toMatchObject({
      village: '红星村',
      voucher_no: '记-001',
      attachments: 3,
      date: '2019-03-05',
    });
    expect(accepted[0]?.idStatus).toBe('absent');
    expect(result.coverage).toEqual(['灰山港镇|红星村|2019', '灰山港镇|红星村|2020']);
    expect(result.quality.warnings).toEqual(['收款人身份证号无效，已忽略（1行）']);
  });

  it('public_officials and fiscal_payroll: dates, months and pay', async () => {
    const officials = await collect(
      'public_officials',
      utf8(
        `姓名,身份证号,工作单位,职务,人员类别,任职日期,离任日期\n张三,${A},红星村委会,村主任,村干部,2015.1.1,\n`,
      ),
    );
    expect(officials.accepted[0]?.values).toMatchObject({
      category: '村干部',
      start_date: '2015-01-01',
      end_date: null,
    });
    const payroll = await collect(
      'fiscal_payroll',
      utf8(`姓名,身份证号,单位,应发工资,工资月份\n张三,${A},县教育局,"4,500.00",201807\n`),
    );
    expect(payroll.accepted[0]?.values).toMatchObject({ monthly_pay: 450_000, period: '2018-07' });
  });

  it('poverty_registry, property, vehicles, social insurance, projects and notices', async () => {
    const poverty = await collect(
      'poverty_registry',
      utf8(
        `户编号,身份证号,姓名,与户主关系,脱贫状态,识别年度,脱贫年度\nP01,${A},张三,户主,已脱贫,2014,2018年\n`,
      ),
    );
    expect(poverty.accepted[0]?.values).toMatchObject({
      identified_year: 2014,
      exit_year: 2018,
      status: '已脱贫',
    });

    const property = await collect(
      'property_records',
      utf8(
        `权利人,权利人证件号,坐落,用途,房屋性质,建筑面积(㎡),登记日期\n张三,${B},县城1号,住宅,商品房,120.5,2017-05-01\n`,
      ),
    );
    expect(property.accepted[0]).toMatchObject({ idNumber: B, values: { owner_name: '张三', area: 120.5 } });

    const vehicles = await collect(
      'vehicle_records',
      utf8(`机动车所有人,身份证号,号牌号码,车辆类型,初次登记日期\n张三,${B},湘e·12345,小型轿车,2016-01-01\n`),
    );
    expect(vehicles.accepted[0]?.values).toMatchObject({ plate: '湘E·12345', vehicle_class: '小型轿车' });

    const insurance = await collect(
      'social_insurance',
      utf8(`姓名,身份证号,参保单位,缴费基数,费款所属期\n张三,${B},某公司,3000,2018-07\n`),
    );
    expect(insurance.accepted[0]?.values).toMatchObject({ contribution_base: 300_000, period: '2018-07' });

    const projects = await collect(
      'livelihood_projects',
      utf8(
        `项目编号,项目名称,乡镇,项目预算(万元),承建单位,承建单位代码,招标方式\nXM01,红星村道路硬化,灰山港镇,12.5,张三,${A},竞争性谈判\n`,
      ),
    );
    expect(projects.accepted[0]?.values).toMatchObject({
      budget: 12_500_000,
      contractor_code: A,
      name: '红星村道路硬化',
    });

    const notices = await collect(
      'notices',
      utf8('公开类别,标题,内容,发布日期\n财务,2018年第三季度财务公开,收支明细……,2018-10-08\n'),
    );
    expect(notices.accepted[0]?.values).toMatchObject({ category: '财务', publish_date: '2018-10-08' });
    expect(notices.result.coverage).toEqual([]);
  });
});

describe('two headers meaning the same column', () => {
  it('uses the better-ranked alias, not the leftmost, and says so', async () => {
    const id18 = id('43119919800101001');
    const csv = [
      '序号,姓名,身份证号,乡镇,村,补贴类型,补贴类别,所属期,金额（元）,发放日期',
      `1,张三,${id18},青山镇,红星村,两项补贴X,残疾人两项补贴,2023-03,90,2023-03-15`,
    ].join('\n');
    const { accepted, result } = await collect('subsidy_payments', utf8(csv));
    expect(accepted[0]?.values.program).toBe('CANJI');
    expect(result.quality.warnings).toContain(
      '文件中「补贴类别」与「补贴类型」都表示项目名称，已使用「补贴类别」',
    );
    expect(result.quality.warnings.join()).not.toContain('未识别');
  });
});
