/**
 * Chinese resident ID numbers (GB 11643-1999): 17 digits + a check character under
 * ISO 7064 MOD 11-2.
 */
import type { IdStatus } from '../model.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an ID number. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('checkCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/** Why an ID that is present could not be used. */
export type IdProblem = 'invalid_check' | 'invalid_birth_date' | 'bad_format';

/** Outcome of {@link normalizeIdNumber}. `id` is set exactly when the status is `as_given` or `repaired`. */
export interface IdNormalization {
  readonly id?: string;
  readonly status: IdStatus;
  /** Set when an ID was written but is invalid (and not merely destroyed by a spreadsheet). */
  readonly problem?: IdProblem;
}

/** Options of {@link normalizeIdNumber}. */
export interface IdNormalizeOptions {
  /** "Today" for the not-in-the-future birth-date check; defaults to the current date. */
  readonly today?: Date;
}

// Blanks, dashes, quotes and invisible characters people (or Excel's text prefix `'`) put inside IDs.
const ID_NOISE = /[\s\u00a0\u200b-\u200f\u2060\ufeff\-‐‑‒–—―−_'"`‘’“”]/g;
// What Excel shows for a long number it stored as a float: `4.30521E+17`, `4.30521199001011e17`.
const SCIENTIFIC = /^\d(?:\.\d+)?E\+?\d+$/;

/**
 * Normalize an ID number as written in a department file (CONTRACT.md §3).
 *
 * Accepts full-width digits, a lower-case `x`, blanks, dashes and quotes inside, and upgrades
 * 15-digit legacy numbers to 18 digits (`repaired`). Numbers a spreadsheet destroyed —
 * scientific notation, a JS number too long to be exact, or 18 digits ending in `000` whose
 * check fails — are `lost`: they are never "repaired" into someone else's ID.
 */
export function normalizeIdNumber(
  raw: string | number | null | undefined,
  options: IdNormalizeOptions = {},
): IdNormalization {
  if (raw === null || raw === undefined) return { status: 'absent' };
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { status: 'lost' };
    // 18-digit IDs exceed 2^53: a numeric cell has already lost the trailing digits.
    if (Math.abs(raw) >= 1e16) return { status: 'lost' };
    if (!Number.isInteger(raw) || raw < 0) return { status: 'absent', problem: 'bad_format' };
    return normalizeIdText(String(raw), options);
  }
  return normalizeIdText(raw, options);
}

const EIGHTEEN = /^\d{17}[\dX]$/;

function normalizeIdText(raw: string, options: IdNormalizeOptions): IdNormalization {
  // Most IDs are written clean: nothing for NFKC, the noise or the case to change.
  let s = EIGHTEEN.test(raw) ? raw : raw.normalize('NFKC').replace(ID_NOISE, '').toUpperCase();
  // Excel's `="430521…"` text-forcing formula.
  if (s.startsWith('=')) s = s.slice(1);
  if (s === '') return { status: 'absent' };
  if (SCIENTIFIC.test(s)) return { status: 'lost' };
  // A float printed with a fraction (`430521199001011000.0`) is a destroyed number too.
  if (/^\d{16,}\.\d+$/.test(s)) return { status: 'lost' };

  if (EIGHTEEN.test(s)) {
    if (!isValidBirthDate(s.slice(6, 14), options.today))
      return { status: 'absent', problem: 'invalid_birth_date' };
    if (checkCharacter(s.slice(0, 17)) === s[17]) return { id: s, status: 'as_given' };
    // The spreadsheet kept 15 significant digits and padded with zeros.
    if (s.endsWith('000')) return { status: 'lost' };
    return { status: 'absent', problem: 'invalid_check' };
  }
  if (/^\d{15}$/.test(s)) {
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    if (!isValidBirthDate(first17.slice(6, 14), options.today)) {
      return { status: 'absent', problem: 'invalid_birth_date' };
    }
    return { id: first17 + checkCharacter(first17), status: 'repaired' };
  }
  return { status: 'absent', problem: 'bad_format' };
}

/** Whether `yyyymmdd` is a real calendar date, not before 1900 and not after `today`. */
function isValidBirthDate(yyyymmdd: string, today?: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return Date.UTC(year, month - 1, day) <= (today ? utcDay(today) : currentUtcDay());
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Midnight UTC of the local calendar day of `date` (the day a birth date is compared with). */
function utcDay(date: Date): number {
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
}

// Today's day, kept until the next local midnight: it is asked for every ID of every row.
let todayCache: { day: number; until: number } | undefined;

function currentUtcDay(): number {
  const now = Date.now();
  if (!todayCache || now >= todayCache.until) {
    const date = new Date(now);
    todayCache = {
      day: utcDay(date),
      until: new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime(),
    };
  }
  return todayCache.day;
}

/** Whether `id` is a valid normalized 18-digit ID (check character and birth date). */
export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && normalizeIdNumber(id).status === 'as_given';
}

/**
 * Mask an ID for display: the first 6 (region) and last 4 characters stay,
 * e.g. `430521********1234`. Short values are masked entirely.
 */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id);
  if (chars.length <= 10) return '*'.repeat(chars.length);
  return `${chars.slice(0, 6).join('')}${'*'.repeat(chars.length - 10)}${chars.slice(-4).join('')}`;
}

/** The birth date (`YYYY-MM-DD`) encoded in a normalized 18-digit ID, or `undefined`. */
export function birthDateOf(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return undefined;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The gender encoded in a normalized 18-digit ID (odd 17th digit = 男), or `undefined`. */
export function genderOf(id: string): '男' | '女' | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return undefined;
  return Number(id[16]) % 2 === 1 ? '男' : '女';
}

/** What a person is told about an ID number they typed that can't be used (plain Chinese, what to check). */
export const TYPED_ID_PROBLEMS = {
  length: '应为18位（旧的15位号码也可以），最后一位可以是 X，请核对后重新输入',
  check: '校验位不对，请核对身份证号最后一位（可以是 X）',
  birth_date: '第7到14位的出生日期不对，请核对后重新输入',
} as const;

/**
 * An ID number a person typed (a lookup form, not a department file): the normalized ID, or
 * what is wrong with it. 18 characters with a wrong last character are a check-digit error,
 * never "should be 18 digits" (even when they end in `000`, which in a file means a
 * spreadsheet destroyed the number).
 */
export function readTypedIdNumber(raw: string): { readonly id: string } | { readonly problem: string } {
  const result = normalizeIdNumber(raw);
  if (result.id) return { id: result.id };
  if (result.problem === 'invalid_birth_date') return { problem: TYPED_ID_PROBLEMS.birth_date };
  const s = raw.normalize('NFKC').replace(ID_NOISE, '').toUpperCase();
  return { problem: /^\d{17}[\dX]$/.test(s) ? TYPED_ID_PROBLEMS.check : TYPED_ID_PROBLEMS.length };
}
