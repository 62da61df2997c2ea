/**
 * Raw cells as the readers deliver them: CSV gives text, XLSX also numbers, booleans and dates.
 */

/** A cell as read from a file, before normalization. */
export type RawCell = string | number | boolean | Date | null;

/** The text of a raw cell (`''` for empty), trimmed. */
export function cellText(cell: RawCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** Whether a cell holds nothing but blanks. */
export function isBlankCell(cell: RawCell | undefined): boolean {
  // Asked of every cell of every row: a test, not a copy without blanks (trimming only
  // removes blanks, so the untrimmed text answers the same).
  if (typeof cell === 'string') return !CONTENT.test(cell);
  return cellText(cell) === '';
}

// A character that is not a blank: JS `\s` (with U+3000, U+FEFF) and the zero-width ones.
const CONTENT = /[^\s\u3000\u200b-\u200f\ufeff]/;

/** Whether every cell of a row is blank. */
export function isBlankRow(cells: readonly RawCell[]): boolean {
  return cells.every((c) => isBlankCell(c));
}

// U+FFFD (bytes the decoder could not read) and C0 controls besides tab, line breaks and feeds:
// no decoded text of a department contains them, a wrong encoding or a damaged file does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNDECODABLE = /[\ufffd\u0000-\u0008\u000e-\u001f]/;

/** Whether a cell holds text that was not decoded cleanly (see {@link UNDECODABLE}). */
export function isUndecodable(cell: RawCell | undefined): boolean {
  return typeof cell === 'string' && UNDECODABLE.test(cell);
}
