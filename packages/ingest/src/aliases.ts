/**
 * Header aliases of every dataset kind: the names departments really write above each
 * canonical column (CONTRACT.md §2). Columns themselves — names, labels, types and what a
 * file and a row must have — are the domain's (`@jiandu/domain/kinds`); this module only adds
 * the reading knowledge. Aliases are compared after {@link cleanHeader}-style cleaning
 * (blanks, brackets and units removed); a column's Chinese label is always accepted.
 */
import { type ColumnOf, type ColumnType, type DatasetKind, KINDS } from '@jiandu/domain/kinds';

export type { ColumnType } from '@jiandu/domain/kinds';

/** One canonical column of a kind, with the headers that name it. */
export interface ColumnSpec {
  readonly name: string;
  /** Chinese label used in messages. */
  readonly label: string;
  readonly type: ColumnType;
  readonly aliases: readonly string[];
}

/** Columns of one kind and which of them a file (header) and each row must have. */
export interface KindSpec {
  readonly columns: readonly ColumnSpec[];
  /** Header requirement: every group must have at least one of its columns in the header. */
  readonly required: readonly (readonly string[])[];
  /** Row requirement: every group must have at least one usable value in the row. */
  readonly rowRequired: readonly (readonly string[])[];
}

/**
 * Aliases per kind and column, checked against the kind's columns. A kind or column left out
 * is recognized by its canonical label only.
 */
type KindAliases = {
  readonly [K in DatasetKind]?: { readonly [C in ColumnOf<K>]?: readonly string[] };
};

const ID_ALIASES = [
  '身份证号',
  '身份证号码',
  '公民身份号码',
  '公民身份证号',
  '公民身份证号码',
  '证件号码',
  '证件号',
  '身份证',
  '身份证件号码',
  '居民身份证号码',
  '居民身份证号',
  '社会保障号码',
  '社会保障号',
  '身份号码',
  'idnumber',
  'id',
];
const NAME_ALIASES = ['姓名', '名字', '人员姓名', '户籍姓名'];
const TOWNSHIP_ALIASES = [
  '乡镇',
  '乡镇街道',
  '乡镇名称',
  '所属乡镇',
  '乡镇(街道)',
  '乡(镇)',
  '街道',
  '乡镇代码',
  '镇',
  '乡',
];
const VILLAGE_ALIASES = [
  '村',
  '村社区',
  '村(社区)',
  '村居',
  '村委会',
  '村名',
  '村名称',
  '所属村',
  '行政村',
  '村组',
  '村民委员会',
  '社区',
  '村代码',
  '村居委会',
];
const ADDRESS_ALIASES = [
  '住址',
  '地址',
  '家庭住址',
  '住所',
  '户籍地址',
  '详细地址',
  '居住地址',
  '坐落',
  '房屋坐落',
  '不动产坐落',
];
const RELATION_ALIASES = ['关系', '家庭关系', '与户主的关系', '户主关系', '成员关系'];
const HOUSEHOLD_NO_ALIASES = ['户编号', '家庭编号', '户口编号', '户籍编号', '户主编号'];
const EMPLOYER_ALIASES = ['工作单位', '单位', '单位名称', '所在单位', '参保单位', '任职单位', '用人单位'];

export const KIND_ALIASES: KindAliases = {
  household_registry: {
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    birth_date: ['出生年月日', '出生年月', '生日'],
    household_no: HOUSEHOLD_NO_ALIASES,
    relation: RELATION_ALIASES,
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    address: ADDRESS_ALIASES,
  },
  death_records: {
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    death_date: ['注销日期', '死亡时间', '火化日期', '注销时间', '死亡日期(注销日期)'],
    source: ['来源', '注销原因', '死亡类型', '信息来源'],
  },
  public_officials: {
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    employer: EMPLOYER_ALIASES,
    position: ['职位', '现任职务', '岗位', '职务职级'],
    category: ['类别', '人员性质', '编制类型', '编制性质', '身份类别'],
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    start_date: ['任职日期', '任职时间', '参加工作时间', '入职日期', '开始日期', '起始日期'],
    end_date: ['离职日期', '免职日期', '离任日期', '结束日期', '截止日期', '退休日期'],
  },
  fiscal_payroll: {
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    employer: EMPLOYER_ALIASES,
    monthly_pay: ['应发工资', '应发合计', '实发工资', '工资', '应发金额', '月工资额'],
    period: ['工资月份', '所属期', '发放年月', '月份', '所属月份', '工资年月'],
  },
  market_entities: {
    credit_code: ['信用代码', '社会信用代码', '注册号', '统一代码', '统一社会信用代码/注册号'],
    entity_name: ['字号名称', '主体名称', '名称', '市场主体名称', '个体户名称', '商户名称'],
    entity_type: ['企业类型', '类型', '市场主体类型', '组成形式'],
    legal_rep_name: [
      '经营者',
      '法人',
      '法人代表',
      '法定代表人姓名',
      '经营者姓名',
      '负责人',
      '法定代表人(负责人)',
      '法定代表人/经营者',
    ],
    legal_rep_id: [
      '经营者身份证号',
      '法人身份证号',
      '法定代表人证件号码',
      '经营者证件号码',
      '证件号码',
      '身份证号',
      '身份证号码',
      '法人证件号码',
    ],
    registered_capital: ['注册资金', '资金数额', '出资额', '注册资本金'],
    status: ['登记状态', '经营状态', '企业状态', '主体状态'],
    established_date: ['注册日期', '登记日期', '开业日期', '成立时间'],
  },
  property_records: {
    owner_id: [
      '权利人身份证号',
      '权利人证件号码',
      '产权人身份证号',
      '所有权人证件号码',
      '证件号码',
      '身份证号',
      '身份证号码',
    ],
    owner_name: ['权利人姓名', '产权人', '所有权人', '业主', '业主姓名', '姓名', '权利人名称'],
    address: ADDRESS_ALIASES,
    usage: ['房屋用途', '规划用途', '土地用途', '使用用途'],
    housing_type: ['房屋类型', '房屋性质类型', '住房类型', '产权性质'],
    area: ['面积', '房屋面积', '套内面积', '宗地面积'],
    registered_date: ['登记时间', '登簿日期', '发证日期', '登记簿日期'],
  },
  vehicle_records: {
    owner_id: [
      '机动车所有人身份证号',
      '所有人身份证号',
      '车主身份证号',
      '证件号码',
      '身份证号',
      '身份证号码',
    ],
    owner_name: ['所有人', '车主', '车主姓名', '所有人姓名', '姓名'],
    plate: ['车牌号', '车牌号码', '号牌', '车牌'],
    vehicle_class: ['车辆类别', '车型', '车辆种类', '机动车类型'],
    registered_date: ['登记日期', '注册日期', '初登日期'],
    status: ['机动车状态', '车辆状态'],
  },
  social_insurance: {
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    employer: EMPLOYER_ALIASES,
    contribution_base: ['缴费工资', '申报工资', '缴费基数(元)', '月缴费基数'],
    period: ['费款所属期', '所属期', '缴费月份', '对应费款所属期', '所属年月'],
  },
  divisions: {
    code: ['统计用区划代码', '行政区划代码', '代码', '编码'],
    name: ['区划名称', '行政区划名称', '单位名称'],
    level: ['层级', '区划级别', '类型'],
    parent_code: ['上级代码', '父级代码', '所属区划代码'],
  },
  subsidy_payments: {
    program: [
      '资金名称',
      '补贴类别',
      '补贴项目',
      '项目',
      '补助项目',
      '救助类别',
      '资金类别',
      '补贴名称',
      '发放项目',
      '补贴类型',
    ],
    recipient_name: [
      '户主姓名',
      '领取人',
      '领取人姓名',
      '收款人',
      '收款人姓名',
      '补贴对象',
      '救助对象姓名',
      '享受人姓名',
      '户主',
      '对象姓名',
    ],
    id_number: [...ID_ALIASES, '户主身份证号', '领取人身份证号', '收款人身份证号', '户主身份证号码'],
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    amount: [
      '金额',
      '补贴金额',
      '补助金额',
      '发放金额合计',
      '实发金额',
      '救助金额',
      '月发放金额',
      '保障金额',
      '发放标准',
    ],
    pay_date: ['发放时间', '拨付日期', '支付日期', '打卡日期', '发放年月日'],
    period: ['发放月份', '所属月份', '发放年月', '月份', '所属年月', '发放期间'],
  },
  poverty_registry: {
    household_no: HOUSEHOLD_NO_ALIASES,
    id_number: ID_ALIASES,
    name: NAME_ALIASES,
    relation: RELATION_ALIASES,
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    status: ['脱贫状态', '贫困户状态', '是否脱贫', '脱贫情况'],
    identified_year: ['识别年份', '纳入年度', '建档立卡年度', '识别时间'],
    exit_year: ['脱贫年份', '退出年度', '脱贫时间', '计划脱贫年度'],
  },
  livelihood_projects: {
    project_code: ['项目代码', '编号', '项目编码'],
    name: ['名称', '工程名称'],
    department: ['项目单位', '实施单位', '责任单位', '业主单位', '建设单位', '部门'],
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    budget: ['预算', '总投资', '预算金额', '投资金额', '项目金额', '合同金额', '中标金额'],
    funding_source: ['资金性质', '资金渠道'],
    contractor_name: ['施工单位', '承建方', '中标单位', '承包人', '承建人', '中标人'],
    contractor_code: [
      '统一社会信用代码',
      '施工单位统一社会信用代码',
      '承建人身份证号',
      '中标单位代码',
      '信用代码',
    ],
    tender_method: ['采购方式', '发包方式', '招投标方式'],
    start_date: ['开工时间', '开始日期'],
    end_date: ['竣工时间', '完工日期', '结束日期'],
    status: ['项目状态', '进度'],
  },
  village_finance: {
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    voucher_no: ['凭证编号', '凭证字号', '记账凭证号'],
    date: ['记账日期', '凭证日期', '支付日期', '发生日期'],
    direction: ['收支', '收支类型', '方向', '收/支'],
    category: ['类别', '会计科目', '支出类别', '费用类别', '科目名称', '用途'],
    amount: ['发生额', '支出金额', '收支金额'],
    counterparty: ['付款人', '对方单位', '收款单位', '收款人/单位', '往来单位', '对方户名'],
    counterparty_id: ['对方证件号码', '收款人证件号码', '身份证号', '身份证号码'],
    summary: ['事由', '内容', '说明'],
    attachments: ['附件', '附件数', '单据张数'],
  },
  notices: {
    level: ['层级', '级别'],
    township: TOWNSHIP_ALIASES,
    village: VILLAGE_ALIASES,
    category: ['类别', '公开类型', '类型', '公开内容类别'],
    title: ['公开标题', '公开事项', '事项名称', '名称'],
    body: ['公开内容', '正文', '详细内容'],
    publish_date: ['发布日期', '公开时间', '发布时间', '日期'],
  },
};

/** The column specs of every dataset kind: the domain's columns with their aliases. */
export const KIND_SPECS: Readonly<Record<DatasetKind, KindSpec>> = Object.fromEntries(
  KINDS.map((kind) => {
    const aliases: Readonly<Record<string, readonly string[] | undefined>> = KIND_ALIASES[kind.kind] ?? {};
    const spec: KindSpec = {
      columns: kind.columns.map(({ name, label, type }) => ({
        name,
        label,
        type,
        aliases: [label, ...(aliases[name] ?? [])],
      })),
      required: kind.required,
      rowRequired: kind.rowRequired,
    };
    return [kind.kind, spec];
  }),
) as Record<DatasetKind, KindSpec>;

/** The column of a kind that holds its person ID (sets `idNumber` / `idStatus`), if any. */
export function personIdColumn(kind: DatasetKind): string | undefined {
  return KIND_SPECS[kind].columns.find((c) => c.type === 'person_id')?.name;
}
