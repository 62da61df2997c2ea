import ExcelJS from 'exceljs';
import type { Lead } from '../model.js';
import { csvDocument, csvOwn, csvText, neutraliseCell } from './cells.js';

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

/** One lead as export cells: text, or a number for amount (元), score and evidence count. */
function cellsOf(lead: Lead): Record<LeadExportColumn, string | number> {
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
    const cells = cellsOf(lead);
    lines.push(LEAD_EXPORT_COLUMNS.map((column) => csvField(column, cells[column])));
  }
  return csvDocument(lines);
}

/**
 * Leads as an XLSX workbook (one sheet `线索`): the ID column stored as text, amount as a
 * number in 元 with the `0.00` format, a bold frozen header row with a filter. Cells are
 * written as plain values, never formulas, and text cells are neutralised like the CSV's:
 * a value that looks like a formula would become one when the sheet is re-saved as CSV or
 * its cell edited.
 */
export async function leadsToXlsx(leads: readonly Lead[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'jiandu';
  const sheet = workbook.addWorksheet('线索', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = LEAD_EXPORT_COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: column === 'subject' ? 32 : column === 'id_number' || column === 'created_at' ? 22 : 14,
    ...(column === 'amount' ? { style: { numFmt: '0.00' } } : {}),
    ...(column === 'id_number' ? { style: { numFmt: '@' } } : {}),
  }));
  for (const lead of leads) {
    const cells = cellsOf(lead);
    // XML stores line breaks as LF; write them that way so what is read back is what was written.
    for (const column of LEAD_EXPORT_COLUMNS) {
      const value = cells[column];
      if (typeof value === 'string') cells[column] = neutraliseCell(value.replace(/\r\n?/g, '\n'));
    }
    sheet.addRow(cells);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEAD_EXPORT_COLUMNS.length } };
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
