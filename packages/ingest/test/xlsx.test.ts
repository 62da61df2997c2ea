import { FileRejectedError } from '@jiandu/ingest';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { workbook as hostileWorkbook } from '../../../test/fixtures/hostile/workbook.js';
import { chunked, collect, id } from './helpers.js';

const A = id('43052119800101001');
const B = id('43052119751212002');

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('XLSX', () => {
  it('reads every sheet of the same shape, skipping empty and unrelated sheets', async () => {
    const bytes = await workbook((wb) => {
      const july = wb.addWorksheet('7月');
      july.addRow(['某某县2018年7月农村低保发放花名册']);
      july.mergeCells('A1:F1');
      july.addRow([]);
      july.addRow(['序号', '项目名称', '姓名', '身份证号码', '村（社区）', '金额（元）', '发放日期']);
      july.addRow([1, '农村低保', '张三', A, '红星村委会', 1200, new Date(Date.UTC(2018, 6, 1))]);
      // A long ID typed into a numeric cell: Excel kept 15 significant digits.
      july.addRow([
        2,
        '农村低保',
        '李四',
        430521197512120000,
        '红星村',
        300.5,
        new Date(Date.UTC(2018, 6, 1)),
      ]);
      july.addRow(['合计', '', '', '', '', { formula: 'SUM(F4:F5)', result: 1500.5 }, '']);
      july.getCell('G4').numFmt = 'yyyy-mm-dd';
      july.getCell('G5').numFmt = 'yyyy-mm-dd';

      wb.addWorksheet('空表');

      const august = wb.addWorksheet('8月');
      august.addRow(['项目名称', '姓名', '身份证号码', '村（社区）', '金额（元）', '发放日期']);
      august.addRow([
        { richText: [{ text: '农村' }, { text: '低保' }] },
        '张三',
        { formula: 'UPPER("x")', result: A },
        '红星村',
        { formula: '1000+200', result: 1200 },
        '2018年8月1日',
      ]);

      const notes = wb.addWorksheet('填表说明');
      notes.addRow(['1. 本表按月填报']);
      notes.addRow(['2. 金额单位为元']);
    });

    const { accepted, rejected, result } = await collect('subsidy_payments', bytes, 'payments.xlsx');
    expect(rejected).toEqual([]);
    expect(
      accepted.map((r) => [r.sheet, r.row, r.values.recipient_name, r.idStatus, r.values.amount]),
    ).toEqual([
      ['7月', 4, '张三', 'as_given', 120_000],
      ['7月', 5, '李四', 'lost', 30_050],
      ['8月', 2, '张三', 'as_given', 120_000],
    ]);
    expect(accepted[0]?.values).toMatchObject({
      program: 'DIBAO_RURAL',
      village: '红星村',
      pay_date: '2018-07-01',
    });
    expect(accepted[2]?.values).toMatchObject({
      program: 'DIBAO_RURAL',
      pay_date: '2018-08-01',
      period: '2018-08',
    });
    expect(result.sheets).toEqual(['7月', '8月']);
    expect(result.coverage).toEqual(['DIBAO_RURAL|2018-07', 'DIBAO_RURAL|2018-08']);
    expect(result.quality).toMatchObject({ rowsRead: 3, accepted: 3, idsLost: 1 });
    expect(result.quality.warnings).toContain('工作表「填表说明」没有民生资金发放明细所需的列，已跳过');
  });

  it('reads an XLSX streamed in small chunks, named .csv or not', async () => {
    const bytes = await workbook((wb) => {
      const sheet = wb.addWorksheet('户籍');
      sheet.addRow(['姓名', '公民身份号码', '出生日期', '户号']);
      for (let i = 0; i < 300; i++) sheet.addRow([`村民${i}`, i % 2 === 0 ? A : B, '', 1000 + i]);
    });
    const { accepted, result } = await collect(
      'household_registry',
      chunked(bytes, 1000),
      'wrong-extension.csv',
    );
    expect(accepted).toHaveLength(300);
    expect(accepted[1]).toMatchObject({
      row: 3,
      idNumber: B,
      values: { name: '村民1', birth_date: '1975-12-12', household_no: '1001', gender: '女' },
    });
    expect(result.sheets).toEqual(['户籍']);
  });

  it('refuses a workbook none of whose sheets has the required columns', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('Sheet1').addRow(['姓名', '身份证号']);
    });
    const error = await collect('death_records', bytes, 'x.xlsx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).code).toBe('missing_columns');
    expect((error as FileRejectedError).details).toEqual({
      expected: ['death_date'],
      found: ['姓名', '身份证号'],
    });
  });

  it('refuses a workbook with only empty sheets as empty', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('Sheet1');
      wb.addWorksheet('Sheet2');
    });
    const error = await collect('death_records', bytes, 'x.xlsx').catch((e: unknown) => e);
    expect((error as FileRejectedError).code).toBe('empty_file');
  });
});

describe('XLSX written by other programs', () => {
  it('inline strings with their text in <v>, booleans, ISO dates and skipped hidden sheets', async () => {
    const bytes = hostileWorkbook([
      {
        name: '死亡',
        rows: [
          ['姓名', '身份证号', '死亡日期'],
          [
            { xml: '<c t="inlineStr"><v>张三</v></c>' },
            A,
            { xml: '<c t="d"><v>2018-07-01T00:00:00Z</v></c>' },
          ],
        ],
      },
      {
        name: '草稿',
        state: 'hidden',
        rows: [
          ['姓名', '身份证号', '死亡日期'],
          ['李四', B, '2019-01-01'],
        ],
      },
    ]);
    const { accepted, result } = await collect('death_records', bytes, 'deaths.xlsx');
    expect(accepted.map((r) => [r.values.name, r.values.death_date])).toEqual([['张三', '2018-07-01']]);
    expect(result.sheets).toEqual(['死亡']);
    expect(result.quality.warnings).toContain('工作表「草稿」是隐藏工作表，未读取');
  });
});
