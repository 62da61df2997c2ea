/**
 * Header aliases and column types of every dataset kind (CONTRACT.md §2).
 * Canonical column names are exactly the contract's; aliases are compared after
 * {@link cleanHeader}-style cleaning (blanks, brackets and units removed).
 */
import type { DatasetKind } from '@jiandu/domain/kinds';

/** How a column's cells are normalized. */
export type ColumnType =
  /** The row's person ID (id_number / owner_id / legal_rep_id): sets `idNumber` / `idStatus`. */
  | 'person_id'
  /** Another ID that may be empty or invalid without rejecting the row (payee ID). */
  | 'secondary_id'
  | 'name'
  | 'text'
  /** A category-like short label: blanks removed. */
  | 'label'
  /** A code-like value: blanks removed, upper case. */
  | 'code'
  | 'date'
  | 'month'
  | 'year'
  | 'amount'
  /** Amount whose bare numbers are in 万元. */
  | 'amount_wan'
  | 'number'
  | 'gender'
  | 'program'
  | 'township'
  | 'village'
  | 'division_code'
  | 'division_level'
  | 'direction'
  /** Credit code or person ID (livelihood project contractors). */
  | 'party_code';

/** One canonical column of a kind. */
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
const EMPLOYER_ALIASES = ['工作单位', '单位', '单位名称', '所在单位', '参保单位', '任职单位', '用人单位'];
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

function col(name: string, label: string, type: ColumnType, aliases: readonly string[] = []): ColumnSpec {
  return { name, label, type, aliases: [label, ...aliases] };
}

const idNumber = col('id_number', '身份证号', 'person_id', ID_ALIASES);
const personName = col('name', '姓名', 'name', NAME_ALIASES);
const township = col('township', '乡镇', 'township', TOWNSHIP_ALIASES);
const village = col('village', '村(社区)', 'village', VILLAGE_ALIASES);
const employer = col('employer', '工作单位', 'text', EMPLOYER_ALIASES);
const relation = col('relation', '与户主关系', 'label', [
  '关系',
  '家庭关系',
  '与户主的关系',
  '户主关系',
  '成员关系',
]);
const householdNo = col('household_no', '户号', 'code', [
  '户编号',
  '家庭编号',
  '户口编号',
  '户籍编号',
  '户主编号',
]);
const address = col('address', '住址', 'text', ADDRESS_ALIASES);
const status = (aliases: readonly string[]) => col('status', '状态', 'label', aliases);

/** The column specs of every dataset kind. */
export const KIND_SPECS: Readonly<Record<DatasetKind, KindSpec>> = {
  household_registry: {
    columns: [
      idNumber,
      personName,
      col('gender', '性别', 'gender'),
      col('birth_date', '出生日期', 'date', ['出生年月日', '出生年月', '生日']),
      householdNo,
      relation,
      township,
      village,
      address,
    ],
    required: [['id_number'], ['name']],
    rowRequired: [['name'], ['id_number', 'village', 'household_no']],
  },
  death_records: {
    columns: [
      idNumber,
      personName,
      col('death_date', '死亡日期', 'date', [
        '注销日期',
        '死亡时间',
        '火化日期',
        '注销时间',
        '死亡日期(注销日期)',
      ]),
      col('source', '数据来源', 'label', ['来源', '注销原因', '死亡类型', '信息来源']),
    ],
    required: [['id_number'], ['name'], ['death_date']],
    rowRequired: [['death_date'], ['id_number', 'name']],
  },
  public_officials: {
    columns: [
      idNumber,
      personName,
      employer,
      col('position', '职务', 'label', ['职位', '现任职务', '岗位', '职务职级']),
      col('category', '人员类别', 'label', ['类别', '人员性质', '编制类型', '编制性质', '身份类别']),
      township,
      village,
      col('start_date', '任职开始日期', 'date', [
        '任职日期',
        '任职时间',
        '参加工作时间',
        '入职日期',
        '开始日期',
        '起始日期',
      ]),
      col('end_date', '任职结束日期', 'date', [
        '离职日期',
        '免职日期',
        '离任日期',
        '结束日期',
        '截止日期',
        '退休日期',
      ]),
    ],
    required: [['id_number'], ['name']],
    rowRequired: [['id_number', 'name']],
  },
  fiscal_payroll: {
    columns: [
      idNumber,
      personName,
      employer,
      col('monthly_pay', '月工资', 'amount', [
        '应发工资',
        '应发合计',
        '实发工资',
        '工资',
        '应发金额',
        '月工资额',
      ]),
      col('period', '发放月份', 'month', ['工资月份', '所属期', '发放年月', '月份', '所属月份', '工资年月']),
    ],
    required: [['id_number'], ['name'], ['period']],
    rowRequired: [['id_number', 'name'], ['period']],
  },
  market_entities: {
    columns: [
      col('credit_code', '统一社会信用代码', 'code', [
        '信用代码',
        '社会信用代码',
        '注册号',
        '统一代码',
        '统一社会信用代码/注册号',
      ]),
      col('entity_name', '企业名称', 'text', [
        '字号名称',
        '主体名称',
        '名称',
        '市场主体名称',
        '个体户名称',
        '商户名称',
      ]),
      col('entity_type', '主体类型', 'label', ['企业类型', '类型', '市场主体类型', '组成形式']),
      col('legal_rep_name', '法定代表人', 'name', [
        '经营者',
        '法人',
        '法人代表',
        '法定代表人姓名',
        '经营者姓名',
        '负责人',
        '法定代表人(负责人)',
        '法定代表人/经营者',
      ]),
      col('legal_rep_id', '法定代表人身份证号', 'person_id', [
        '经营者身份证号',
        '法人身份证号',
        '法定代表人证件号码',
        '经营者证件号码',
        '证件号码',
        '身份证号',
        '身份证号码',
        '法人证件号码',
      ]),
      col('registered_capital', '注册资本', 'amount_wan', ['注册资金', '资金数额', '出资额', '注册资本金']),
      status(['登记状态', '经营状态', '企业状态', '主体状态']),
      col('established_date', '成立日期', 'date', ['注册日期', '登记日期', '开业日期', '成立时间']),
    ],
    required: [
      ['entity_name', 'credit_code'],
      ['legal_rep_name', 'legal_rep_id'],
    ],
    rowRequired: [['entity_name', 'credit_code']],
  },
  property_records: {
    columns: [
      col('owner_id', '权利人证件号', 'person_id', [
        '权利人身份证号',
        '权利人证件号码',
        '产权人身份证号',
        '所有权人证件号码',
        '证件号码',
        '身份证号',
        '身份证号码',
      ]),
      col('owner_name', '权利人', 'name', [
        '权利人姓名',
        '产权人',
        '所有权人',
        '业主',
        '业主姓名',
        '姓名',
        '权利人名称',
      ]),
      col('address', '坐落', 'text', ADDRESS_ALIASES),
      col('usage', '用途', 'label', ['房屋用途', '规划用途', '土地用途', '使用用途']),
      col('housing_type', '房屋性质', 'label', ['房屋类型', '房屋性质类型', '住房类型', '产权性质']),
      col('area', '建筑面积', 'number', ['面积', '房屋面积', '套内面积', '宗地面积']),
      col('registered_date', '登记日期', 'date', ['登记时间', '登簿日期', '发证日期', '登记簿日期']),
    ],
    required: [['owner_id'], ['owner_name']],
    rowRequired: [['owner_id', 'owner_name']],
  },
  vehicle_records: {
    columns: [
      col('owner_id', '所有人证件号码', 'person_id', [
        '机动车所有人身份证号',
        '所有人身份证号',
        '车主身份证号',
        '证件号码',
        '身份证号',
        '身份证号码',
      ]),
      col('owner_name', '机动车所有人', 'name', ['所有人', '车主', '车主姓名', '所有人姓名', '姓名']),
      col('plate', '号牌号码', 'code', ['车牌号', '车牌号码', '号牌', '车牌']),
      col('vehicle_class', '车辆类型', 'label', ['车辆类别', '车型', '车辆种类', '机动车类型']),
      col('registered_date', '初次登记日期', 'date', ['登记日期', '注册日期', '初登日期']),
      status(['机动车状态', '车辆状态']),
    ],
    required: [['owner_id'], ['owner_name'], ['vehicle_class', 'plate']],
    rowRequired: [['owner_id', 'owner_name']],
  },
  social_insurance: {
    columns: [
      idNumber,
      personName,
      employer,
      col('contribution_base', '缴费基数', 'amount', ['缴费工资', '申报工资', '缴费基数(元)', '月缴费基数']),
      col('period', '缴费年月', 'month', ['费款所属期', '所属期', '缴费月份', '对应费款所属期', '所属年月']),
    ],
    required: [['id_number'], ['contribution_base'], ['period']],
    rowRequired: [['id_number', 'name'], ['period']],
  },
  divisions: {
    columns: [
      col('code', '区划代码', 'division_code', ['统计用区划代码', '行政区划代码', '代码', '编码']),
      col('name', '名称', 'text', ['区划名称', '行政区划名称', '单位名称']),
      col('level', '级别', 'division_level', ['层级', '区划级别', '类型']),
      col('parent_code', '上级区划代码', 'division_code', ['上级代码', '父级代码', '所属区划代码']),
    ],
    required: [['code'], ['name']],
    rowRequired: [['code'], ['name']],
  },
  subsidy_payments: {
    columns: [
      col('program', '项目名称', 'program', [
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
      ]),
      col('recipient_name', '姓名', 'name', [
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
      ]),
      col('id_number', '身份证号', 'person_id', [
        ...ID_ALIASES,
        '户主身份证号',
        '领取人身份证号',
        '收款人身份证号',
        '户主身份证号码',
      ]),
      township,
      village,
      col('amount', '发放金额', 'amount', [
        '金额',
        '补贴金额',
        '补助金额',
        '发放金额合计',
        '实发金额',
        '救助金额',
        '月发放金额',
        '保障金额',
        '发放标准',
      ]),
      col('pay_date', '发放日期', 'date', ['发放时间', '拨付日期', '支付日期', '打卡日期', '发放年月日']),
      col('period', '所属期', 'month', ['发放月份', '所属月份', '发放年月', '月份', '所属年月', '发放期间']),
    ],
    required: [['program'], ['recipient_name'], ['amount'], ['pay_date', 'period'], ['id_number', 'village']],
    rowRequired: [
      ['program'],
      ['recipient_name'],
      ['amount'],
      ['pay_date', 'period'],
      ['id_number', 'village'],
    ],
  },
  poverty_registry: {
    columns: [
      householdNo,
      idNumber,
      personName,
      relation,
      township,
      village,
      status(['脱贫状态', '贫困户状态', '是否脱贫', '脱贫情况']),
      col('identified_year', '识别年度', 'year', ['识别年份', '纳入年度', '建档立卡年度', '识别时间']),
      col('exit_year', '脱贫年度', 'year', ['脱贫年份', '退出年度', '脱贫时间', '计划脱贫年度']),
    ],
    required: [['id_number'], ['name']],
    rowRequired: [['id_number', 'name']],
  },
  livelihood_projects: {
    columns: [
      col('project_code', '项目编号', 'code', ['项目代码', '编号', '项目编码']),
      col('name', '项目名称', 'text', ['名称', '工程名称']),
      col('department', '主管部门', 'text', [
        '项目单位',
        '实施单位',
        '责任单位',
        '业主单位',
        '建设单位',
        '部门',
      ]),
      township,
      village,
      col('budget', '项目预算', 'amount', [
        '预算',
        '总投资',
        '预算金额',
        '投资金额',
        '项目金额',
        '合同金额',
        '中标金额',
      ]),
      col('funding_source', '资金来源', 'label', ['资金性质', '资金渠道']),
      col('contractor_name', '承建单位', 'text', [
        '施工单位',
        '承建方',
        '中标单位',
        '承包人',
        '承建人',
        '中标人',
      ]),
      col('contractor_code', '承建单位代码', 'party_code', [
        '统一社会信用代码',
        '施工单位统一社会信用代码',
        '承建人身份证号',
        '中标单位代码',
        '信用代码',
      ]),
      col('tender_method', '招标方式', 'label', ['采购方式', '发包方式', '招投标方式']),
      col('start_date', '开工日期', 'date', ['开工时间', '开始日期']),
      col('end_date', '竣工日期', 'date', ['竣工时间', '完工日期', '结束日期']),
      status(['项目状态', '进度']),
    ],
    required: [
      ['name', 'project_code'],
      ['contractor_name', 'contractor_code'],
    ],
    rowRequired: [['name', 'project_code']],
  },
  village_finance: {
    columns: [
      township,
      village,
      col('voucher_no', '凭证号', 'code', ['凭证编号', '凭证字号', '记账凭证号']),
      col('date', '日期', 'date', ['记账日期', '凭证日期', '支付日期', '发生日期']),
      col('direction', '收支方向', 'direction', ['收支', '收支类型', '方向', '收/支']),
      col('category', '科目', 'label', ['类别', '会计科目', '支出类别', '费用类别', '科目名称', '用途']),
      col('amount', '金额', 'amount', ['发生额', '支出金额', '收支金额']),
      col('counterparty', '收款人', 'name', [
        '付款人',
        '对方单位',
        '收款单位',
        '收款人/单位',
        '往来单位',
        '对方户名',
      ]),
      col('counterparty_id', '收款人身份证号', 'secondary_id', [
        '对方证件号码',
        '收款人证件号码',
        '身份证号',
        '身份证号码',
      ]),
      col('summary', '摘要', 'text', ['事由', '内容', '说明']),
      col('attachments', '附件张数', 'number', ['附件', '附件数', '单据张数']),
    ],
    required: [['village'], ['date'], ['amount']],
    rowRequired: [['village'], ['date'], ['amount']],
  },
  notices: {
    columns: [
      col('level', '公开层级', 'label', ['层级', '级别']),
      township,
      village,
      col('category', '公开类别', 'label', ['类别', '公开类型', '类型', '公开内容类别']),
      col('title', '标题', 'text', ['公开标题', '公开事项', '事项名称', '名称']),
      col('body', '内容', 'text', ['公开内容', '正文', '详细内容']),
      col('publish_date', '公开日期', 'date', ['发布日期', '公开时间', '发布时间', '日期']),
    ],
    required: [['title'], ['publish_date']],
    rowRequired: [['title'], ['publish_date']],
  },
};

/** The column of a kind that holds its person ID (sets `idNumber` / `idStatus`), if any. */
export function personIdColumn(kind: DatasetKind): string | undefined {
  return KIND_SPECS[kind].columns.find((c) => c.type === 'person_id')?.name;
}
