import { ValidationError } from './errors.js';

/**
 * China Standard Time (UTC+8, no daylight saving): the one place that turns instants into the
 * calendar days people in the county mean (deadlines, "created from/to" filters, report due
 * dates) and back. Instants are ISO strings in UTC everywhere else.
 */

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function millisOf(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ValidationError(`不是有效的时间：${iso}`);
  return ms;
}

/** Whether `value` is a real calendar day `YYYY-MM-DD` (no 2024-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The China Standard Time calendar day (`YYYY-MM-DD`) of an ISO instant. */
export function chinaDay(iso: string): string {
  return new Date(millisOf(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The first millisecond (ISO, UTC) of a China Standard Time day `YYYY-MM-DD`, or of the day
 * `laterDays` after it (`1`: the exclusive end of the day).
 */
export function startOfChinaDay(day: string, laterDays = 0): string {
  return new Date(millisOf(`${day}T00:00:00Z`) - CHINA_OFFSET_MS + laterDays * DAY_MS).toISOString();
}

/** The last millisecond (ISO, UTC) of a China Standard Time day `YYYY-MM-DD`. */
export function endOfChinaDay(day: string): string {
  return new Date(Date.parse(startOfChinaDay(day, 1)) - 1).toISOString();
}

/** The last millisecond (ISO) of the China Standard Time day `days` days after the one of `iso`. */
export function endOfChinaDayAfter(iso: string, days: number): string {
  const startOfDay = Math.floor((millisOf(iso) + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  return new Date(startOfDay + (days + 1) * DAY_MS - 1).toISOString();
}
