/**
 * The XLSX lead export (`@jiandu/api/lead-workbook`): read back with exceljs as a user's
 * spreadsheet program would see it.
 */

import { leadsToXlsx } from '@jiandu/api/lead-workbook';
import { LEAD_EXPORT_COLUMNS, leadExportHeaders } from '@jiandu/domain/export/leads-export';
import type { Lead } from '@jiandu/domain/model';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleLead } from '../support/leads.js';

const ID = '430521194001010110';
const PLAIN = sampleLead(
  { leadId: 'R01-plain', idNumber: ID, deathVersionId: 'v-d', paymentVersionId: 'v-p' },
  {
    status: 'confirmed',
    assignee: 'inspector-7',
    amount: 150_000,
    verdict: {
      verifiedAmount: 120_000,
      recoveredAmount: 100_050,
      dispositions: { partyDiscipline: 0, admonition: 1, criticism: 0 },
      note: '已核实',
      decidedBy: 'u-1',
      decidedAt: '2024-03-01T00:00:00.000Z',
    },
  } satisfies Partial<Lead>,
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
  it('reads back with Chinese headers and labels, the ID as text, amounts as 0.00 numbers, a bold frozen header', async () => {
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
    expect(LEAD_EXPORT_COLUMNS.map((_, i) => header.getCell(i + 1).value)).toEqual(leadExportHeaders('zh'));
    expect(header.getCell(1).value).toBe('线索编号');
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
    expect(plain.getCell(col('rule')).value).toBe('R01 死亡人员领取补贴');
    expect(plain.getCell(col('status')).value).toBe('已查实');
    expect(plain.getCell(col('match')).value).toBe('身份证号');
    expect(plain.getCell(col('created_at')).value).toBe('2024-01-01');
    expect(plain.getCell(col('verified_amount')).value).toBe(1200);
    expect(plain.getCell(col('recovered_amount')).value).toBe(1000.5);
    expect(plain.getCell(col('recovered_amount')).numFmt).toBe('0.00');
    // No verdict yet: the verdict's amounts are empty, not 0.
    expect(sheet.getRow(3).getCell(col('verified_amount')).value).toBeNull();

    const awkward = sheet.getRow(3);
    // Stored as a plain string, not a formula, and neutralised like the CSV (one neutraliser).
    expect(awkward.getCell(col('subject')).value).toBe('\'=HYPERLINK("http://x","点我"), 第二行\n第三行');
    expect(awkward.getCell(col('name')).value).toBe("'@SUM(1+1)");
    expect(awkward.getCell(col('subject')).formula).toBeUndefined();
    expect(awkward.getCell(col('amount')).value).toBe(0.05);
    expect(sheet.getRow(4).getCell(col('amount')).value).toBe(1234567.89);
  });

  it('keeps the canonical names and codes with headers=canonical', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(await leadsToXlsx([PLAIN], 'canonical')) as unknown as ExcelJS.Buffer,
    );
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(LEAD_EXPORT_COLUMNS.map((_, i) => sheet.getRow(1).getCell(i + 1).value)).toEqual([
      ...LEAD_EXPORT_COLUMNS,
    ]);
    const row = sheet.getRow(2);
    expect([row.getCell(2).value, row.getCell(10).value, row.getCell(11).value]).toEqual([
      'R01',
      'id',
      'confirmed',
    ]);
  });
});
