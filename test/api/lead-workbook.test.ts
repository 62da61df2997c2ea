/**
 * The XLSX lead export (`@jiandu/api/lead-workbook`): read back with exceljs as a user's
 * spreadsheet program would see it.
 */

import { leadsToXlsx } from '@jiandu/api/lead-workbook';
import { LEAD_EXPORT_COLUMNS } from '@jiandu/domain/export/leads-export';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleLead } from '../support/leads.js';

const ID = '430521194001010110';
const PLAIN = sampleLead(
  { leadId: 'R01-plain', idNumber: ID, deathVersionId: 'v-d', paymentVersionId: 'v-p' },
  { status: 'assigned', assignee: 'inspector-7', amount: 150_000 },
);
// Hostile and awkward text from department files: quotes, commas, line breaks, formula starts.
const AWKWARD = sampleLead(
  { leadId: 'R08-awkward', idNumber: '430521199001010025', deathVersionId: 'v-d', paymentVersionId: 'v-p' },
  { rule: 'R08', subject: '=HYPERLINK("http://x","点我"), 第二行\r\n第三行', name: '@SUM(1+1)', amount: 5 },
);
const NO_ID = sampleLead(
  { leadId: 'R06-no-id', idNumber: '', deathVersionId: 'v-d', paymentVersionId: 'v-p' },
  { rule: 'R06', idNumber: undefined, name: undefined, village: undefined, amount: 123_456_789 },
);

describe('leadsToXlsx', () => {
  it('reads back with the ID as text, the amount as a 0.00 number and a bold frozen header', async () => {
    const bytes = await leadsToXlsx([PLAIN, AWKWARD, NO_ID]);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes.subarray(0, 2)).toString('latin1')).toBe('PK');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.name).toBe('线索');
    expect(sheet.rowCount).toBe(4);
    const header = sheet.getRow(1);
    expect(LEAD_EXPORT_COLUMNS.map((_, i) => header.getCell(i + 1).value)).toEqual([...LEAD_EXPORT_COLUMNS]);
    expect(header.font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const col = (name: (typeof LEAD_EXPORT_COLUMNS)[number]) => LEAD_EXPORT_COLUMNS.indexOf(name) + 1;
    const plain = sheet.getRow(2);
    expect(plain.getCell(col('id_number')).value).toBe(ID);
    expect(plain.getCell(col('id_number')).numFmt).toBe('@');
    expect(plain.getCell(col('amount')).value).toBe(1500);
    expect(plain.getCell(col('amount')).numFmt).toBe('0.00');
    expect(plain.getCell(col('score')).value).toBe(PLAIN.score);
    expect(plain.getCell(col('assignee')).value).toBe('inspector-7');
    expect(plain.getCell(col('evidence_count')).value).toBe(2);

    const awkward = sheet.getRow(3);
    // Stored as a plain string, not a formula.
    expect(awkward.getCell(col('subject')).value).toBe('=HYPERLINK("http://x","点我"), 第二行\n第三行');
    expect(awkward.getCell(col('subject')).formula).toBeUndefined();
    expect(awkward.getCell(col('amount')).value).toBe(0.05);
    expect(sheet.getRow(4).getCell(col('amount')).value).toBe(1234567.89);
  });
});
