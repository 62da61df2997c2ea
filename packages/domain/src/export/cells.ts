/**
 * The one place where text becomes a spreadsheet cell. Every CSV and XLSX the platform
 * writes (lead exports, rejects files) goes through here, so a cell a department's file or a
 * person supplied can never run as a formula when someone opens the download (OWASP "CSV
 * injection": `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`).
 */

/**
 * What a spreadsheet may read as a formula: `= + - @` at the start, also their full-width
 * forms (Excel and WPS fold them), and a leading tab, CR or LF that hides one.
 */
const FORMULA_START = /^[=+\-@\t\r\n＝＋－＠]/;

/** A text cell safe to open: a formula-looking value gets a leading `'` (shown as text, kept readable). */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180: quote when the field holds a quote, comma or line break; double inner quotes. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** One CSV field of text: neutralised, then quoted as needed. */
export function csvText(value: string): string {
  return quote(neutraliseCell(value));
}

/**
 * A CSV field the platform itself formatted (numbers, amounts, the tab-prefixed ID numbers
 * of the lead export): quoted, not neutralised. Never pass anything a user supplied.
 */
export function csvOwn(value: string): string {
  return quote(value);
}

/** CSV for Excel: UTF-8 BOM, CRLF line ends, every line already made of fields from this module. */
export function csvDocument(lines: readonly (readonly string[])[]): string {
  return `\uFEFF${lines.map((fields) => fields.join(',')).join('\r\n')}\r\n`;
}
