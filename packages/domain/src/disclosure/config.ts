import * as z from 'zod';
import { ConfigOverrideError, configIssues } from '../config-errors.js';
import { PROGRAMS } from '../programs.js';
import { chinaDay } from '../time.js';

/**
 * Per-program publication (CONTRACT.md §7): a county decides, program by program, whether its
 * payments are disclosed and how many months back. Set with the `DISCLOSURE_CONFIG` JSON
 * variable (API and the workflow's ScoreAndStore task), e.g.
 * `{"default":{"monthsBack":24},"programs":{"LINSHI":{"publish":false}}}`.
 */
export interface ProgramPublication {
  /** Whether the program's payments, totals and lookups are disclosed at all. */
  readonly publish: boolean;
  /** How many months are disclosed, counting the current month (China time); `null`: every month. */
  readonly monthsBack: number | null;
}

/** The effective publication settings: the default and each program's override. */
export interface DisclosureConfig {
  readonly default: ProgramPublication;
  readonly programs: Readonly<Record<string, ProgramPublication>>;
}

/** Everything published, every month (a county narrows it). */
export const DEFAULT_DISCLOSURE_CONFIG: DisclosureConfig = Object.freeze({
  default: { publish: true, monthsBack: null },
  programs: {},
});

const CODES = PROGRAMS.map((p) => p.code);

const Publication = z.strictObject(
  {
    publish: z.boolean({ error: 'publish 应为 true（公开）或 false（不公开）' }).optional(),
    monthsBack: z
      .number({ error: 'monthsBack 应为整数月数，如 24' })
      .int('monthsBack 应为整数月数，如 24')
      .min(1, 'monthsBack 至少为 1（只公开当月）')
      .max(120, 'monthsBack 最多 120（十年）；不限月数时写 null')
      .nullable()
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `不认识的设置：${issue.keys.join('、')}（只有 publish、monthsBack）`
        : '应为对象，如 {"publish":true,"monthsBack":24}',
  },
);

const Overrides = z.strictObject(
  {
    default: Publication.optional(),
    programs: z
      .record(z.string(), Publication)
      .superRefine((programs, ctx) => {
        for (const code of Object.keys(programs))
          if (!CODES.includes(code))
            ctx.addIssue({
              code: 'custom',
              path: [code],
              message: `未知项目代码：${code}（可用：${CODES.join('、')}）`,
            });
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `不认识的设置：${issue.keys.join('、')}（只有 default、programs）`
        : '应为 JSON 对象',
  },
);

/** Thrown when `DISCLOSURE_CONFIG` doesn't validate; `issues` name every bad path in Chinese. */
export class DisclosureConfigError extends ConfigOverrideError {
  override readonly name = 'DisclosureConfigError';
}

/** The effective configuration: the defaults with `overrides` merged in (unknown programs/keys are errors). */
export function resolveDisclosureConfig(overrides?: unknown): DisclosureConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_DISCLOSURE_CONFIG;
  const parsed = Overrides.safeParse(overrides);
  if (!parsed.success)
    throw new DisclosureConfigError('公开设置（DISCLOSURE_CONFIG）有误', configIssues(parsed.error));
  const fallback = { ...DEFAULT_DISCLOSURE_CONFIG.default, ...definedOf(parsed.data.default) };
  const programs = Object.fromEntries(
    Object.entries(parsed.data.programs ?? {}).map(([code, p]) => [code, { ...fallback, ...definedOf(p) }]),
  );
  return { default: fallback, programs };
}

function definedOf<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How a program is published. */
export function publicationOf(config: DisclosureConfig, program: string): ProgramPublication {
  return config.programs[program] ?? config.default;
}

/** The current month in China time, `YYYY-MM`. */
export function chinaMonth(nowIso: string): string {
  return chinaDay(nowIso).slice(0, 7);
}

/** The month `n` months before `month` (`YYYY-MM`). */
export function monthsBefore(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Whether payments of `program` in `month` are disclosed as of `nowIso`. */
export function isPublished(
  config: DisclosureConfig,
  program: string,
  month: string,
  nowIso: string,
): boolean {
  const p = publicationOf(config, program);
  return p.publish && (p.monthsBack === null || month >= monthsBefore(chinaMonth(nowIso), p.monthsBack - 1));
}
