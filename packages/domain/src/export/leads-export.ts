import type { Lead } from '../model.js';
import { csvDocument, csvOwn, csvText } from './cells.js';

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

function csvField(column: LeadExportColumn, value: string | number): string {
  if (column === 'amount') return csvOwn((value as number).toFixed(2));
  if (typeof value === 'number') return csvOwn(String(value));
  // A leading tab keeps Excel from turning 18 digits into 4.30521E+17 (and zeroing the tail).
  // It is invisible in the sheet and stripped as a blank by the platform's ID normalizer,
  // so a re-uploaded export reads back the same ID. Only well-formed IDs get it.
  if (column === 'id_number' && /^\d{17}[\dX]$/.test(value)) return csvOwn(`\t${value}`);
  return csvText(value);
}

/**
 * Leads as CSV for Excel (CONTRACT.md §6): UTF-8 with a BOM, CRLF line ends, RFC 4180
 * quoting, amounts in 元 with two decimals, every text cell neutralised against formula
 * injection (`export/cells.ts`), and ID numbers prefixed with a tab so Excel keeps all 18
 * digits (strip blanks — as the ID normalizer does — to read them back).
 */
export function leadsToCsv(leads: readonly Lead[]): string {
  const lines: string[][] = [LEAD_EXPORT_COLUMNS.map(csvOwn)];
  for (const lead of leads) {
    const cells = leadExportCells(lead);
    lines.push(LEAD_EXPORT_COLUMNS.map((column) => csvField(column, cells[column])));
  }
  return csvDocument(lines);
}
