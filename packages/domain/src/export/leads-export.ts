import type { Lead } from '../model.js';

/** Columns of the lead export (CONTRACT.md §6), in order. */
export const LEAD_EXPORT_COLUMNS = [
  'lead_id',
  'rule',
  'subject',
  'id_number',
  'name',
  'township',
  'village',
  'amount',
  'score',
  'match',
  'status',
  'assignee',
  'evidence_count',
  'created_at',
] as const;

export type LeadExportColumn = (typeof LEAD_EXPORT_COLUMNS)[number];

/** MIME types of the two export formats. */
export const LEAD_EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * One lead as export cells: text, or a number for amount (元), score and evidence count. The
 * CSV is written here; the XLSX by the API (`@jiandu/api/lead-workbook`), as the domain
 * imports no file-format library.
 */
export function leadExportCells(lead: Lead): Record<LeadExportColumn, string | number> {
  return {
    lead_id: lead.leadId,
    rule: lead.rule,
    subject: lead.subject,
    id_number: lead.idNumber ?? '',
    name: lead.name ?? '',
    township: lead.township ?? '',
    village: lead.village ?? '',
    amount: lead.amount / 100,
    score: lead.score,
    match: lead.match,
    status: lead.status,
    assignee: lead.assignee ?? '',
    evidence_count: lead.evidence.length,
    created_at: lead.createdAt,
  };
}

/** Cells a spreadsheet would run as a formula (OWASP CSV injection), incl. leading tab/CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: quote when the field holds a quote, comma or line break; double inner quotes. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function csvField(column: LeadExportColumn, value: string | number): string {
  if (column === 'amount') return (value as number).toFixed(2);
  if (typeof value === 'number') return String(value);
  if (column === 'id_number') {
    // A leading tab keeps Excel from turning 18 digits into 4.30521E+17 (and zeroing the tail).
    // It is invisible in the sheet and stripped as a blank by the platform's ID normalizer,
    // so a re-uploaded export reads back the same ID. Only well-formed IDs get it.
    return /^\d{17}[\dX]$/.test(value)
      ? `\t${value}`
      : quote(FORMULA_START.test(value) ? `'${value}` : value);
  }
  return quote(FORMULA_START.test(value) ? `'${value}` : value);
}

/**
 * Leads as CSV for Excel (CONTRACT.md §6): UTF-8 with a BOM, CRLF line ends, RFC 4180
 * quoting, amounts in 元 with two decimals, text cells starting with `= + - @` (or tab/CR)
 * prefixed with `'` against formula injection, and ID numbers prefixed with a tab so Excel
 * keeps all 18 digits (strip blanks — as the ID normalizer does — to read them back).
 */
export function leadsToCsv(leads: readonly Lead[]): string {
  const lines = [LEAD_EXPORT_COLUMNS.join(',')];
  for (const lead of leads) {
    const cells = leadExportCells(lead);
    lines.push(LEAD_EXPORT_COLUMNS.map((column) => csvField(column, cells[column])).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
