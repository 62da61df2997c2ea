/** Chinese display labels of the API's codes (display only: every rule lives in the API). */

export { COLUMN_LABELS, KIND_LABELS, LEAD_STATUS_LABELS, REPORT_CATEGORY_LABELS } from './generated/server';

export const LEAD_ACTION_LABELS: Readonly<Record<string, string>> = {
  assign: '指派',
  reassign: '改派',
  start_verification: '开始核查',
  confirm: '查实',
  dismiss: '了结',
  overdue: '逾期',
  supersede: '失效',
  reopen: '重新打开',
  evidence_lost: '证据失效',
  rekey: '编号迁移',
};

export const DISMISS_REASONS: readonly (readonly [string, string])[] = [
  ['no_violation', '经核查无违规'],
  ['source_data_wrong', '源数据错误'],
  ['duplicate', '重复线索'],
  ['other', '其他'],
];

export const MATCH_LABELS: Readonly<Record<string, string>> = {
  id: '身份证号一致',
  repaired_id: '修复后的身份证号',
  name_village: '姓名＋村',
};

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  admin: '管理员',
  inspector: '检查员',
  township_officer: '乡镇纪委',
  department_uploader: '部门数据员',
  supervisor: '村务监督委员会',
};

export const VERSION_STATUS_LABELS: Readonly<Record<string, string>> = {
  active: '生效',
  replaced: '已被替换',
  withdrawn: '已撤回',
  rejected: '已拒收',
  needs_mapping: '待指定列',
  needs_confirmation: '待确认',
};

export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  'lead.read': '查看线索',
  'leads.export': '导出线索',
  'person.lookup': '按身份证号查询',
  'lead.update': '处理线索',
  'report.read': '查看举报',
  'report.update': '办理举报',
  'rejects.download': '下载拒收行',
  'version.withdraw': '撤回数据版本',
  'upload.presign': '申请上传',
};

export const label = (labels: Readonly<Record<string, string>>, code: string | null | undefined) =>
  code ? (labels[code] ?? code) : '—';

export const SCORE_FACTOR_LABELS: Readonly<Record<string, string>> = {
  amount: '涉及金额',
  match: '识别方式',
  rules: '多条规则',
  recurrence: '重复次数',
};

export const REPORT_ACTION_LABELS: Readonly<Record<string, string>> = {
  file: '提交举报',
  acknowledge: '受理',
  investigate: '开始调查',
  conclude: '办结并答复',
  link_lead: '关联线索',
  unlink_lead: '取消关联线索',
};

export const VERSION_ACTION_LABELS: Readonly<Record<string, string>> = {
  registered: '登记',
  rejected: '拒收',
  replaced: '被替换',
  withdrawn: '撤回',
  replacement_requested: '申请替换',
  held: '暂缓生效',
  mapped: '指定列',
  confirmed: '确认',
  restored: '恢复',
  resolved: '按新区划重读',
};
