import { ValidationError } from '@jiandu/domain/errors';
import { fieldName } from '@jiandu/domain/fields';
import type * as z from 'zod';

/**
 * Validation messages people read: every zod issue of a request becomes a Chinese sentence
 * naming the field by its Chinese label and its request name, e.g.
 * `追回金额（recoveredAmount）：应为金额，如 2250、2,250.50、¥2,250 或 2250元`.
 * Schemas give their own (Chinese) message where the reason needs more words than this map.
 */

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
  return path.length > 0 ? fieldName(fieldOf(path, part)) : `${PARTS[part]}（${part}）`;
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
