import type * as z from 'zod';

/** One invalid path of a configuration override, and why. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Base of the errors thrown when configuration overrides (JSON from an environment variable or
 * an admin setting) don't validate: `message` names every bad path under `title`.
 */
export class ConfigOverrideError extends Error {
  constructor(
    title: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`${title}:\n${issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n')}`);
  }
}

/** The issues of a failed parse, each named by its dotted path (`(root)` for the whole value). */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}
