import { checkCharacter } from '@jiandu/domain/normalize/id';

/**
 * How an ID number is written in a source row:
 * - `valid`: the 18-digit number, possibly with trivial noise (lower-case x, full-width digits, blanks, dashes);
 * - `legacy15`: the old 15-digit number (no century, no check character) — upgradeable;
 * - `sci`: destroyed by a spreadsheet into scientific notation (`4.31199E+17`);
 * - `zeros`: destroyed by a spreadsheet's 15-significant-digit limit (last three digits `000`).
 */
export type IdForm = 'valid' | 'legacy15' | 'sci' | 'zeros';

/** Trivial noise applied to a valid ID as written. */
export type IdNoise = 'none' | 'lowerX' | 'fullWidth' | 'spaces' | 'dashes' | 'padded';

/** A full 18-digit ID from area code, birth date (`YYYY-MM-DD`) and 3-digit sequence (odd last digit = male). */
export function makeId(areaCode: string, birth: string, sequence: number): string {
  const first17 = `${areaCode}${birth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** Whether an 18-character string is a valid ID: MOD 11-2 check character and a real birth date. */
export function isValidId18(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (checkCharacter(id.slice(0, 17)) !== id.charAt(17)) return false;
  return isRealDate(id.slice(6, 14));
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1880 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The 15-digit legacy form of an ID of someone born 1900–1999. */
export function toLegacy15(id18: string): string {
  if (id18.slice(6, 8) !== '19') throw new Error('only IDs of people born in the 1900s have a 15-digit form');
  return id18.slice(0, 6) + id18.slice(8, 17);
}

/** Whether the `000`-tail destruction of this ID yields an invalid number (it almost always does). */
export function zerosFormIsInvalid(id18: string): boolean {
  return !isValidId18(`${id18.slice(0, 15)}000`);
}

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

/** The ID as a department's file shows it, in the given form and with the given noise. */
export function writeId(id18: string, form: IdForm, noise: IdNoise = 'none'): string {
  switch (form) {
    case 'legacy15':
      return toLegacy15(id18);
    case 'sci':
      // Excel's General format: six significant digits.
      return `${id18.charAt(0)}.${id18.slice(1, 6)}E+17`;
    case 'zeros':
      return `${id18.slice(0, 15)}000`;
    case 'valid':
      break;
  }
  switch (noise) {
    case 'none':
      return id18;
    case 'lowerX':
      return id18.replace('X', 'x');
    case 'fullWidth':
      return id18.replace(/\d/g, (d) => FULL_WIDTH_DIGITS.charAt(Number(d)));
    case 'spaces':
      return `${id18.slice(0, 6)} ${id18.slice(6, 14)} ${id18.slice(14)}`;
    case 'dashes':
      return `${id18.slice(0, 6)}-${id18.slice(6, 14)}-${id18.slice(14)}`;
    case 'padded':
      return ` ${id18} `;
  }
}

/** What an ID as written turns out to be, after trivial clean-up. */
export type ReadId =
  | { readonly status: 'as_given'; readonly id18: string }
  | { readonly status: 'repaired'; readonly id18: string }
  | { readonly status: 'lost' };

/**
 * Read an ID as a data officer would: strip blanks and dashes, full-width → ASCII, upper-case X;
 * upgrade 15-digit numbers (insert `19`, recompute the check character); anything else is lost.
 * Kept here, separate from the platform's normalizer, so the ground truth is computed independently.
 */
export function readId(written: string): ReadId {
  const s = written
    .replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10))
    .replace(/[\s\u3000-]/g, '')
    .toUpperCase();
  if (s.length === 18 && isValidId18(s)) return { status: 'as_given', id18: s };
  if (/^\d{15}$/.test(s)) {
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    const id18 = first17 + checkCharacter(first17);
    if (isValidId18(id18)) return { status: 'repaired', id18 };
  }
  return { status: 'lost' };
}
