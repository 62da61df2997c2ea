import { ValidationError } from '@jiandu/domain/errors';
import type { z } from 'zod';

/**
 * Validation messages people read: every zod issue of a request becomes a Chinese sentence
 * naming the field by its Chinese label and its request name, e.g.
 * `追回金额（recoveredAmount）：应为金额，如 2250、2,250.50、¥2,250 或 2250元`.
 * Schemas give their own (Chinese) message where the reason needs more words than this map.
 */

/** Chinese labels of request fields, by field name (the last non-index part of the path). */
const FIELD_LABELS: Readonly<Record<string, string>> = {
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
  // ids
  leadId: '线索编号',
  reportId: '举报编号',
  versionId: '数据版本编号',
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
  // reports
  content: '举报内容',
  anonymous: '是否匿名',
  reporter: '举报人',
  name: '姓名',
  phone: '联系电话',
  answer: '答复',
  receiptCode: '查询码',
};

/** The part of a request a schema reads. */
export type RequestPart = 'query' | 'body' | 'path';

/** Where a request part is, for messages. */
const PARTS: Readonly<Record<RequestPart, string>> = {
  query: '查询参数',
  body: '请求内容',
  path: '路径参数',
};

const TYPES: Readonly<Record<string, string>> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: 'true 或 false',
  object: '对象（JSON）',
  array: '列表',
};

type RawIssue = z.core.$ZodRawIssue;

/** Why a value was refused, in Chinese: the per-parse error map (messages a schema gives win over it). */
function reasonOf(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '必填' : `应为${TYPES[issue.expected] ?? issue.expected}`;
    case 'invalid_union':
      return issue.input === undefined ? '必填' : '无效';
    case 'too_small': {
      const n = String(issue.minimum);
      if (issue.origin === 'string') return Number(n) <= 1 ? '不能为空' : `至少 ${n} 个字`;
      if (issue.origin === 'array') return `至少 ${n} 项`;
      return issue.inclusive ? `不能小于 ${n}` : `必须大于 ${n}`;
    }
    case 'too_big': {
      const n = String(issue.maximum);
      if (issue.origin === 'string') return `最多 ${n} 个字`;
      if (issue.origin === 'array') return `最多 ${n} 项`;
      return issue.inclusive ? `不能大于 ${n}` : `必须小于 ${n}`;
    }
    case 'invalid_value':
      return `应为以下之一：${issue.values.map(String).join('、')}`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_format':
      return '格式不正确';
    default:
      return '无效';
  }
}

/** A field path as the client sent it (`dispositions.criticism`, `wrongRows.0.row`). */
function fieldOf(path: readonly PropertyKey[], part: RequestPart): string {
  return path.map(String).join('.') || part;
}

/** `追回金额（recoveredAmount）` — or the request part when the whole of it is wrong. */
function named(path: readonly PropertyKey[], part: RequestPart): string {
  const field = fieldOf(path, part);
  const key = [...path].reverse().find((p) => typeof p === 'string');
  const label = typeof key === 'string' ? FIELD_LABELS[key] : PARTS[part];
  return label ? `${label}（${field}）` : field;
}

/**
 * Parse a request part (`query`, `body`, `path`) with zod; failures become one
 * {@link ValidationError} whose message names every wrong field in Chinese, with
 * `details.issues` listing `{ field, message }` for clients.
 */
export function parse<T>(schema: z.ZodType<T>, value: unknown, part: RequestPart): T {
  const result = schema.safeParse(value, { error: reasonOf });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: fieldOf(i.path, part),
    message: `${named(i.path, part)}：${i.message}`,
  }));
  throw new ValidationError(`${PARTS[part]}有误：${issues.map((i) => i.message).join('；')}`, {
    issues,
  });
}
