/**
 * Writing the benchmark's input files: CSV in UTF-8 or GBK, and XLSX the way Excel saves
 * it (shared strings, a merged title row, numbers as numbers). Streamed, with backpressure.
 */

import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { LineKind } from './messy-rows.js';

type Lines = Iterable<{ kind: LineKind; cells: string[] }>;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Write `lines` as CSV (CRLF, as Excel saves it) in UTF-8 or GBK; written to a temp name, then renamed. */
export async function writeCsv(path: string, lines: Lines, encoding: 'utf-8' | 'gbk'): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let batch: string[] = [];
  const flush = async () => {
    const text = batch.join('');
    batch = [];
    if (!out.write(encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8'))) {
      await once(out, 'drain');
    }
  };
  for (const line of lines) {
    batch.push(`${line.cells.map(csvField).join(',')}\r\n`);
    if (batch.length >= 2000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
}

/** Numbers where Excel would have numbers: row numbers, plain amounts, date serials. */
function xlsxValue(kind: LineKind, column: number, text: string): string | number {
  if (kind !== 'data') return text;
  if ((column === 0 || column === 6 || column === 8) && /^\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Write `lines` as an XLSX workbook with one sheet; written to a temp name, then renamed. */
export async function writeXlsx(path: string, lines: Lines): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: partial,
    useSharedStrings: true,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet('发放明细');
  let row = 0;
  for (const line of lines) {
    row++;
    const added = sheet.addRow(line.cells.map((text, column) => xlsxValue(line.kind, column, text)));
    // The title spans the table, as in real rosters (merge before the row is committed).
    if (row === 1) sheet.mergeCells(1, 1, 1, 10);
    added.commit();
  }
  sheet.commit();
  await workbook.commit();
  renameSync(partial, path);
}
