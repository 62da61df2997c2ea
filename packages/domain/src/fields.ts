/**
 * How messages people read name a field: its Chinese label and the name the client sent,
 * e.g. `追回金额（recoveredAmount）`, `批评教育人数（dispositions.criticism）`.
 */

/** Chinese labels of the fields people send (API requests, workflow commands), by field name. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  // lists and filters
  rule: '规则',
  status: '状态',
  township: '乡镇',
  village: '村（社区）',
  assignee: '承办人',
  minScore: '最低分',
  maxScore: '最高分',
  minAmount: '最低金额',
  maxAmount: '最高金额',
  createdFrom: '起始日期',
  createdTo: '截止日期',
  overdue: '是否逾期',
  includeSuperseded: '是否含已失效线索',
  sort: '排序字段',
  order: '排序方向',
  limit: '每页条数',
  cursor: '翻页游标',
  format: '导出格式',
  scope: '范围',
  category: '类别',
  channel: '渠道',
  actor: '操作人',
  action: '操作',
  from: '起始时间',
  to: '截止时间',
  // public disclosure
  program: '项目',
  month: '月份',
  year: '年度',
  by: '分组方式',
  q: '关键词',
  // ids
  leadId: '线索编号',
  reportId: '举报编号',
  versionId: '数据版本编号',
  executionId: '执行编号',
  auditId: '审计记录编号',
  idNumber: '身份证号',
  department: '部门',
  // lead workflow
  kind: '类型',
  deadline: '办理期限',
  note: '备注',
  expectedRevision: '版本号',
  verifiedAmount: '核实金额',
  recoveredAmount: '追回金额',
  dispositions: '处理人数',
  partyDiscipline: '党纪政务处分人数',
  admonition: '诫勉谈话人数',
  criticism: '批评教育人数',
  reason: '原因',
  wrongRows: '错误数据行',
  row: '行号',
  sheet: '工作表',
  // department data
  fileName: '文件名',
  replaces: '被替换的版本',
  columns: '列映射',
  size: '文件大小',
  // reports
  content: '举报内容',
  anonymous: '是否匿名',
  reporter: '举报人',
  name: '姓名',
  phone: '联系电话',
  answer: '答复',
  receiptCode: '查询码',
  toCounty: '是否直接交县纪委监委',
  proof: '验证信息',
  challenge: '验证题',
  solution: '验证答案',
};

/**
 * A field path (`note`, `dispositions.criticism`, `wrongRows.0.row`) as messages name it: the
 * Chinese label of its last named part, then the path; the bare path when there is no label.
 */
export function fieldName(path: string): string {
  const key = path
    .split('.')
    .reverse()
    .find((p) => !/^\d+$/.test(p));
  const label = key === undefined ? undefined : FIELD_LABELS[key];
  return label ? `${label}（${path}）` : path;
}
