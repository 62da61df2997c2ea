import { LEAD_EXPORT_COLUMNS, leadExportCells } from '@jiandu/domain/export/leads-export';
import type { Lead } from '@jiandu/domain/model';
import { singleSheetXlsx } from './xlsx.js';

/**
 * Leads as an XLSX workbook (one sheet `线索`): the ID column stored as text, amount as a
 * number in 元 with the `0.00` format, a bold frozen header row with a filter. Cells are
 * written as plain values, never formulas, so no injection prefix is needed.
 */
export async function leadsToXlsx(leads: readonly Lead[]): Promise<Uint8Array> {
  const columns = LEAD_EXPORT_COLUMNS.map((column) => ({
    header: column,
    width: column === 'subject' ? 32 : column === 'id_number' || column === 'created_at' ? 22 : 14,
    ...(column === 'amount' ? { format: 'amount' as const } : {}),
    ...(column === 'id_number' ? { format: 'text' as const } : {}),
  }));
  const rows = leads.map((lead) => {
    const cells = leadExportCells(lead);
    // XML stores line breaks as LF; write them that way so what is read back is what was written.
    return LEAD_EXPORT_COLUMNS.map((column) => {
      const value = cells[column];
      return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : value;
    });
  });
  return singleSheetXlsx('线索', columns, rows);
}
