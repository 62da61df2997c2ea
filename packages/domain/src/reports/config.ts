import * as z from 'zod';
import { ConfigOverrideError, configIssues } from '../config-errors.js';

/**
 * How long the responsible office has to handle a report (一键举报), in calendar days
 * counted in China Standard Time from the day the report was received: a report received on
 * 1 March with `acknowledgeDays: 3` must be acknowledged by the end of 4 March (CST).
 */
export interface ReportDeadlineConfig {
  /** Days to acknowledge (受理) a report. */
  readonly acknowledgeDays: number;
  /** Days to conclude (办结) a report and answer the reporter. */
  readonly concludeDays: number;
}

/** Defaults: acknowledge within 3 days, conclude within 30 days. */
export const DEFAULT_REPORT_DEADLINES: ReportDeadlineConfig = Object.freeze({
  acknowledgeDays: 3,
  concludeDays: 30,
});

/** Validated partial overrides (env `REPORT_DEADLINES`, JSON); unknown keys are errors. */
export const ReportDeadlineOverrides = z
  .strictObject({
    acknowledgeDays: z.number().int('must be whole days').min(1).max(90),
    concludeDays: z.number().int('must be whole days').min(1).max(365),
  })
  .partial();
export type ReportDeadlineOverrides = z.infer<typeof ReportDeadlineOverrides>;

/** Thrown when deadline overrides don't validate; `message` names every bad path. */
export class ReportDeadlineConfigError extends ConfigOverrideError {
  override readonly name = 'ReportDeadlineConfigError';
}

/**
 * The effective deadlines: {@link DEFAULT_REPORT_DEADLINES} with `overrides` (parsed JSON)
 * merged in. Throws {@link ReportDeadlineConfigError} listing every bad path, and when the
 * acknowledgement would be due after the conclusion.
 */
export function resolveReportDeadlines(overrides?: unknown): ReportDeadlineConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_REPORT_DEADLINES;
  const parsed = ReportDeadlineOverrides.safeParse(overrides);
  if (!parsed.success) {
    throw new ReportDeadlineConfigError('Invalid report deadlines', configIssues(parsed.error));
  }
  const config = { ...DEFAULT_REPORT_DEADLINES, ...parsed.data };
  if (config.acknowledgeDays > config.concludeDays) {
    throw new ReportDeadlineConfigError('Invalid report deadlines', [
      { path: 'acknowledgeDays', message: 'must not exceed concludeDays' },
    ]);
  }
  return Object.freeze(config);
}
