/**
 * How often each dataset kind is expected from the departments that supply it, for the
 * data-entry progress board and the daily lateness check. Defaults follow how a county's
 * data actually flows (payments and village accounts monthly, registries quarterly,
 * divisions yearly); a county overrides them with JSON (env `CADENCE_CONFIG`).
 */
import * as z from 'zod';
import { ConfigOverrideError, configIssues } from '../config-errors.js';
import { DATASET_KINDS, type DatasetKind } from '../kinds.js';

/** How often a kind is expected; `none` = whenever it changes (never overdue). */
export const CADENCES = ['monthly', 'quarterly', 'yearly', 'none'] as const;
export type Cadence = (typeof CADENCES)[number];

/** Chinese labels of the cadences, for the progress board. */
export const CADENCE_LABELS: Readonly<Record<Cadence, string>> = {
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  none: '不定期',
};

/** The expectation for one dataset kind. */
export interface KindCadence {
  readonly cadence: Cadence;
  /** Days of slack after a full period has passed since the last upload. */
  readonly graceDays: number;
  /**
   * Departments that must supply this kind. They show as overdue even before their first
   * upload; any other department that uploads the kind is tracked from its first upload on.
   */
  readonly departments: readonly string[];
}

/** The expectation for every dataset kind. */
export type CadenceConfig = Readonly<Record<DatasetKind, KindCadence>>;

const monthly = (graceDays = 10): KindCadence => ({ cadence: 'monthly', graceDays, departments: [] });
const quarterly = (graceDays = 15): KindCadence => ({ cadence: 'quarterly', graceDays, departments: [] });

/** Defaults: money and anything by period monthly, registries quarterly, divisions yearly. */
export const DEFAULT_CADENCE_CONFIG: CadenceConfig = Object.freeze({
  household_registry: quarterly(),
  death_records: monthly(),
  public_officials: quarterly(),
  fiscal_payroll: monthly(),
  market_entities: quarterly(),
  property_records: quarterly(),
  vehicle_records: quarterly(),
  social_insurance: monthly(),
  divisions: { cadence: 'yearly', graceDays: 30, departments: [] },
  subsidy_payments: monthly(),
  poverty_registry: quarterly(),
  livelihood_projects: quarterly(),
  village_finance: monthly(),
  notices: quarterly(),
});

const departmentCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a department code like civil-affairs');

const KindCadenceOverride = z
  .strictObject({
    cadence: z.enum(CADENCES),
    graceDays: z.number().int('must be whole days').min(0).max(365),
    departments: z.array(departmentCode),
  })
  .partial();

/** Validated, per-kind partial overrides of {@link CadenceConfig}; unknown kinds or keys are errors. */
export const CadenceConfigOverrides = z.strictObject(
  Object.fromEntries(DATASET_KINDS.map((kind) => [kind, KindCadenceOverride.optional()])) as Record<
    DatasetKind,
    z.ZodOptional<typeof KindCadenceOverride>
  >,
);
export type CadenceConfigOverrides = z.infer<typeof CadenceConfigOverrides>;

/** Thrown when cadence overrides don't validate; `message` names every bad path. */
export class CadenceConfigError extends ConfigOverrideError {
  override readonly name = 'CadenceConfigError';
}

/**
 * The effective cadences: {@link DEFAULT_CADENCE_CONFIG} with `overrides` (parsed JSON)
 * merged in kind by kind, key by key. Throws {@link CadenceConfigError} listing every bad path.
 */
export function resolveCadenceConfig(overrides?: unknown): CadenceConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_CADENCE_CONFIG;
  const parsed = CadenceConfigOverrides.safeParse(overrides);
  if (!parsed.success) {
    throw new CadenceConfigError('Invalid cadence configuration', configIssues(parsed.error));
  }
  const merged = Object.fromEntries(
    DATASET_KINDS.map((kind) => [kind, { ...DEFAULT_CADENCE_CONFIG[kind], ...(parsed.data[kind] ?? {}) }]),
  );
  return merged as unknown as CadenceConfig;
}

const MONTHS: Readonly<Record<Exclude<Cadence, 'none'>, number>> = { monthly: 1, quarterly: 3, yearly: 12 };
const DAY_MS = 86_400_000;

/** `date` plus whole calendar months in UTC, clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonthsUtc(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return target;
}

/**
 * When the next upload is due after one received at `lastReceivedAt`: one period later plus
 * the grace days. `undefined` for `none` (never due).
 */
export function nextDueAt(lastReceivedAt: string, expectation: KindCadence): string | undefined {
  if (expectation.cadence === 'none') return undefined;
  const last = new Date(lastReceivedAt);
  if (Number.isNaN(last.getTime())) throw new Error(`Not a timestamp: ${lastReceivedAt}`);
  const due = addMonthsUtc(last, MONTHS[expectation.cadence]);
  return new Date(due.getTime() + expectation.graceDays * DAY_MS).toISOString();
}

/** Whole days from `from` to `to` (0 when less than a day, never negative). */
export function wholeDaysBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / DAY_MS));
}
