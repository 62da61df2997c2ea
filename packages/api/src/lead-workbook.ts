import { LEAD_EXPORT_COLUMNS, leadExportCells } from '@jiandu/domain/export/leads-export';
import type { Lead } from '@jiandu/domain/model';

/**
 * Leads as an XLSX workbook (one sheet `线索`): the ID column stored as text, amount as a
 * number in 元 with the `0.00` format, a bold frozen header row with a filter. Cells are
 * written as plain values, never formulas, so no injection prefix is needed.
 */
export async function leadsToXlsx(leads: readonly Lead[]): Promise<Uint8Array> {
  // Loaded on the first export, not when the API starts: exceljs is most of its start-up time.
  const { default: ExcelJS } = await import('exceljs');
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
    const cells = leadExportCells(lead);
    // XML stores line breaks as LF; write them that way so what is read back is what was written.
    for (const column of LEAD_EXPORT_COLUMNS) {
      const value = cells[column];
      if (typeof value === 'string') cells[column] = value.replace(/\r\n?/g, '\n');
    }
    sheet.addRow(cells);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEAD_EXPORT_COLUMNS.length } };
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
