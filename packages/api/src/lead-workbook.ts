import { neutraliseCell } from '@jiandu/domain/export/cells';
import {
  LEAD_EXPORT_AMOUNTS,
  LEAD_EXPORT_COLUMNS,
  type LeadExportHeaders,
  leadExportCells,
  leadExportHeaders,
} from '@jiandu/domain/export/leads-export';
import type { Lead } from '@jiandu/domain/model';
import { yuan } from '@jiandu/domain/money';
import { singleSheetXlsx } from './xlsx.js';

/** Wider columns for the long ones. */
const WIDTHS: Partial<Record<(typeof LEAD_EXPORT_COLUMNS)[number], number>> = {
  rule: 26,
  subject: 32,
  id_number: 22,
  created_at: 22,
};

/**
 * Leads as an XLSX workbook (one sheet `线索`), headers as chosen (Chinese by default): the ID
 * column stored as text, amounts as numbers in 元 with the `0.00` format, a bold frozen header
 * row with a filter. Cells are written as plain values, never formulas, and text cells are
 * neutralised like the CSV's (`@jiandu/domain/export/cells`): a formula-looking value would
 * become one when the sheet is re-saved as CSV or its cell edited.
 */
export async function leadsToXlsx(
  leads: readonly Lead[],
  headers: LeadExportHeaders = 'zh',
): Promise<Uint8Array> {
  const titles = leadExportHeaders(headers);
  const columns = LEAD_EXPORT_COLUMNS.map((column, i) => ({
    header: titles[i] as string,
    width: WIDTHS[column] ?? 14,
    ...(LEAD_EXPORT_AMOUNTS.has(column) ? { format: 'amount' as const } : {}),
    ...(column === 'id_number' ? { format: 'text' as const } : {}),
  }));
  const rows = leads.map((lead) => {
    const cells = leadExportCells(lead, headers);
    return LEAD_EXPORT_COLUMNS.map((column) => {
      const value = cells[column];
      if (value === null) return undefined;
      if (LEAD_EXPORT_AMOUNTS.has(column)) return yuan(value as number);
      // XML stores line breaks as LF; write them that way so what is read back is what was written.
      return typeof value === 'string' ? neutraliseCell(value.replace(/\r\n?/g, '\n')) : value;
    });
  });
  return singleSheetXlsx('线索', columns, rows);
}
