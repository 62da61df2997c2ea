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
  return cellText(cell).replace(/[\s\u3000\u200b-\u200f\ufeff]/g, '') === '';
}

/** Whether every cell of a row is blank. */
export function isBlankRow(cells: readonly RawCell[]): boolean {
  return cells.every((c) => isBlankCell(c));
}
