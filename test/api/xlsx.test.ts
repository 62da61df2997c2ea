import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { singleSheetXlsx } from '../../packages/api/src/xlsx.js';

async function read(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  return sheet;
}

describe('singleSheetXlsx', () => {
  const columns = [
    { header: 'name', width: 12 },
    { header: 'id', width: 20, format: 'text' as const },
    { header: 'amount', width: 10, format: 'amount' as const },
  ];

  it('writes text, numbers and empty cells that a spreadsheet reads back unchanged', async () => {
    const sheet = await read(
      singleSheetXlsx("O'Brien & 张三 <表>", columns, [
        ['A & B <c> "d"', '430521199001010025', 12.5],
        [undefined, '', Number.NaN],
        ['𠀀 surrogate pair, tab\tand\nline', '0012', -0.01],
      ]),
    );
    expect(sheet.name).toBe("O'Brien & 张三 <表>");
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(2).values).toEqual([undefined, 'A & B <c> "d"', '430521199001010025', 12.5]);
    expect(sheet.getRow(3).getCell(1).value).toBeNull();
    expect(sheet.getRow(3).getCell(3).value).toBeNull();
    expect(sheet.getRow(4).getCell(1).value).toBe('𠀀 surrogate pair, tab\tand\nline');
    expect(sheet.getRow(4).getCell(2).value).toBe('0012');
    expect(sheet.getRow(4).getCell(2).numFmt).toBe('@');
    expect(sheet.getRow(4).getCell(3).numFmt).toBe('0.00');
    expect(sheet.autoFilter).toBe('A1:C1');
  });

  it('drops characters XML cannot carry instead of writing a file Excel refuses', async () => {
    const sheet = await read(singleSheetXlsx('s', columns, [['a\u0000b\u0007c\ufffe\ud800d', '', 0]]));
    expect(sheet.getRow(2).getCell(1).value).toBe('abcd');
  });

  it('gives the same bytes for the same rows', () => {
    const rows = [['x', '1', 2]] as const;
    expect(
      Buffer.from(singleSheetXlsx('s', columns, rows)).equals(
        Buffer.from(singleSheetXlsx('s', columns, rows)),
      ),
    ).toBe(true);
  });
});
