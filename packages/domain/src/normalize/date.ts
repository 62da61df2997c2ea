/**
 * Dates and months as departments write them (CONTRACT.md §3), to ISO `YYYY-MM-DD` / `YYYY-MM`.
 */

/** A raw cell that may hold a date: text, an Excel serial number, or a `Date` (exceljs). */
export type DateInput = string | number | Date | null | undefined;

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
// Excel serials taken as dates: 1910-01-01 … 2099-12-31. Smaller numbers are far more likely
// years, counts or codes than dates before 1910.
const MIN_SERIAL = 3654;
const MAX_SERIAL = 73050;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` when year/month/day form a real calendar date in range, else `null`. */
function isoDate(year: number, month: number, day: number): string | null {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/**
 * The date of an Excel serial number in the 1900 date system, or `null`.
 * Excel counts 1900-02-29 (serial 60), a day that never existed; serials after it are one
 * day ahead of a plain count, and 60 itself is no date. The time of day is dropped.
 */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1) return null;
  const day = Math.floor(serial);
  if (day === 60) return null;
  const epoch = day < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const d = new Date(epoch + day * 86_400_000);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function fromDateObject(d: Date): string | null {
  // exceljs builds dates at UTC midnight from the serial, so the UTC fields are the cell's date.
  if (Number.isNaN(d.getTime())) return null;
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function fromNumber(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  // 20180701 typed into a numeric cell.
  if (Number.isInteger(n) && n >= 19000101 && n <= 21001231) {
    return isoDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
  }
  if (n >= MIN_SERIAL && n <= MAX_SERIAL + 1) return excelSerialToIso(n);
  return null;
}

function clean(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

const FULL_DATE =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const SERIAL = /^\d{4,5}(?:\.\d+)?$/;

/**
 * Normalize a date to `YYYY-MM-DD`, or `null` when it is empty or not a date.
 * Accepts `2018-07-01`, `2018/7/1`, `20180701`, `2018年7月1日`, `2018.7.1` (with an optional
 * time), Excel serial numbers (as numbers or numeric text) and `Date` objects.
 */
export function normalizeDate(raw: DateInput): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return fromDateObject(raw);
  if (typeof raw === 'number') return fromNumber(raw);
  const s = clean(raw);
  if (s === '') return null;
  let m = FULL_DATE.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = COMPACT_DATE.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (SERIAL.test(s)) return fromNumber(Number(s));
  return null;
}

const MONTH = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$/;
const COMPACT_MONTH = /^(\d{4})(\d{2})$/;

function isoMonth(year: number, month: number): string | null {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
  return `${pad(year, 4)}-${pad(month)}`;
}

/**
 * Normalize a month to `YYYY-MM`, or `null`. Accepts every date {@link normalizeDate} accepts
 * plus `2018.07`, `2018-07`, `2018/7`, `201807` and `2018年7月`.
 * A numeric cell `2018.1` reads as January: Excel shows `2018.10` typed as a number the same way,
 * so such months must be entered as text.
 */
export function normalizeMonth(raw: DateInput): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return fromDateObject(raw)?.slice(0, 7) ?? null;
  const s = typeof raw === 'number' ? String(raw) : clean(raw);
  if (s === '') return null;
  let m = MONTH.exec(s);
  if (m) return isoMonth(Number(m[1]), Number(m[2]));
  m = COMPACT_MONTH.exec(s);
  if (m) return isoMonth(Number(m[1]), Number(m[2]));
  return normalizeDate(typeof raw === 'number' ? raw : s)?.slice(0, 7) ?? null;
}

/**
 * The first day of a month written without a day (`2018.07`, `2024年1月`, `201807`), or
 * `null`: a date column of some rosters holds only the month of payment (CONTRACT.md §3).
 * Only for values {@link normalizeDate} does not read; whole dates and `Date`s never get here.
 */
export function monthStart(raw: DateInput): string | null {
  if (raw === null || raw === undefined || raw instanceof Date) return null;
  const s = typeof raw === 'number' ? String(raw) : clean(raw);
  const m = MONTH.exec(s) ?? COMPACT_MONTH.exec(s);
  const month = m ? isoMonth(Number(m[1]), Number(m[2])) : null;
  return month === null ? null : `${month}-01`;
}

/** The year of a date-like value (`2016`, `2016年`, a date, a month), or `null`. */
export function normalizeYear(raw: DateInput): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= MIN_YEAR && raw <= MAX_YEAR) return raw;
  if (typeof raw === 'string') {
    const m = /^(\d{4})\s*年?(?:度)?$/.exec(clean(raw));
    if (m) {
      const year = Number(m[1]);
      return year >= MIN_YEAR && year <= MAX_YEAR ? year : null;
    }
  }
  const month = normalizeMonth(raw);
  return month === null ? null : Number(month.slice(0, 4));
}
