/**
 * A function's environment: each Lambda declares the variables it reads as one zod object,
 * validated once at start-up; a bad or missing variable stops the function with a message
 * that names the function, the variable and (for JSON values) the path inside it.
 */
import * as z from 'zod';

/** Variables as the process (or a test, or the local platform) hands them over. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One problem with one variable; `path` is the variable, then the path inside a JSON value. */
export interface EnvironmentIssue {
  readonly variable: string;
  readonly path: string;
  readonly message: string;
}

/** Thrown by {@link parseEnvironment}; `message` lists every issue, one line each. */
export class EnvironmentError extends Error {
  constructor(
    readonly functionName: string,
    readonly issues: readonly EnvironmentIssue[],
  ) {
    super(
      `函数 ${functionName} 的环境变量无效：\n${issues.map((i) => `  ${i.path}：${i.message}`).join('\n')}`,
    );
    this.name = 'EnvironmentError';
  }
}

/** A required, non-empty string variable (a table or bucket name, an ARN, …). */
export function required() {
  return z
    .string({ error: (issue) => (issue.input === undefined ? '未设置' : '必须是字符串') })
    .min(1, '不能为空');
}

/** A URL variable (an issuer, a key set, an emulator endpoint). */
export function url() {
  return z.url({ error: (issue) => (issue.input === undefined ? '未设置' : '必须是 URL') });
}

/** A config resolver's error: `resolveRuleConfig` and friends list every bad path. */
interface ResolverIssues {
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

function hasIssues(error: unknown): error is ResolverIssues {
  return typeof error === 'object' && error !== null && Array.isArray((error as ResolverIssues).issues);
}

/**
 * An optional variable holding JSON overrides of a setting, resolved (defaults merged in,
 * overrides validated) by `resolve`, e.g. `resolveRuleConfig`. Unset means the defaults.
 * Invalid JSON and every issue the resolver finds are reported under the variable's name,
 * with the path inside the JSON (`RULE_CONFIG.R01.graceMonths`).
 */
export function jsonSetting<T>(resolve: (overrides: unknown) => T) {
  return z
    .string()
    .optional()
    .transform((text, ctx): T => {
      let overrides: unknown;
      if (text !== undefined) {
        try {
          overrides = JSON.parse(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `不是有效的 JSON（${messageOf(error)}）` });
          return z.NEVER;
        }
      }
      try {
        return resolve(overrides);
      } catch (error) {
        if (!hasIssues(error)) {
          ctx.addIssue({ code: 'custom', message: messageOf(error) });
          return z.NEVER;
        }
        for (const issue of error.issues) {
          const path = issue.path === '(root)' ? [] : issue.path.split('.');
          ctx.addIssue({ code: 'custom', message: issue.message, path });
        }
        return z.NEVER;
      }
    });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Validate `env` against a function's variables. Extra variables (the Lambda runtime's own,
 * `PATH`, …) are ignored; anything wrong throws an {@link EnvironmentError}.
 */
export function parseEnvironment<S extends z.ZodObject>(
  functionName: string,
  schema: S,
  env: Environment,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new EnvironmentError(
    functionName,
    parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(root)'),
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    })),
  );
}
