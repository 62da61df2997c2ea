/**
 * Streaming readers of CSV and XLSX files, both yielding sheets of raw rows.
 */
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { PeekedBody, Sniffed } from './bytes.js';
import type { RawCell } from './cells.js';
import { FileRejectedError } from './errors.js';

/** One row of a source: its 1-based row number in the file (Excel's row number) and cells. */
export interface SourceRow {
  readonly row: number;
  readonly cells: RawCell[];
}

/** A sheet of a workbook, or the single "sheet" of a CSV file (no name). */
export interface SourceSheet {
  readonly name?: string;
  readonly rows: AsyncIterable<SourceRow>;
}

type TextEncoding = Extract<Sniffed, { format: 'csv' }>['encoding'];

/** Decode a byte stream to text chunks without holding the whole file. BOMs are dropped. */
async function* decode(chunks: AsyncIterable<Buffer>, encoding: TextEncoding): AsyncGenerator<string> {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of chunks) {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
    return;
  }
  const decoder = iconv.getDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * The field delimiter: whichever of `,` `\t` `;` occurs most in the first lines (Excel writes
 * tab-separated "Unicode text" and, in some locales, semicolons).
 */
export function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).slice(0, 30);
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', '\t', ';']) {
    const count = lines.reduce((sum, line) => sum + line.split(delimiter).length - 1, 0);
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** Read a CSV body as one sheet; row numbers are record numbers, as Excel shows them. */
export function csvSheet(body: PeekedBody, encoding: TextEncoding): SourceSheet {
  const sample =
    encoding === 'utf-8' ? new TextDecoder('utf-8').decode(body.head) : iconv.decode(body.head, encoding);
  const parser = parse({
    delimiter: detectDelimiter(sample),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    trim: false,
    bom: true,
  });
  async function* rows(): AsyncGenerator<SourceRow> {
    // Errors of the byte stream reach the parser (and so this loop) through pipeline.
    pipeline(Readable.from(decode(body.chunks(), encoding)), parser, () => {});
    let row = 0;
    // csv-parse builds an Error (with a stack) for every record whose length differs from the
    // first record's, even when relaxed; a one-cell title row would make that every data row.
    // Following the latest record's length keeps that to the rows where the length changes.
    // (Internal state: if it ever goes away, parsing stays correct, only slower.)
    const state = (parser as unknown as { state?: { expectedRecordLength?: number } }).state;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        row++;
        if (state && typeof state.expectedRecordLength === 'number')
          state.expectedRecordLength = record.length;
        yield { row, cells: record };
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_')) {
        throw new FileRejectedError(
          'not_a_spreadsheet',
          `CSV 文件无法解析（第${row + 1}行附近）：${error.message}`,
        );
      }
      throw error;
    }
  }
  return { rows: rows() };
}

/** An exceljs cell value, reduced to what the normalizers understand. */
export function xlsxCell(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return (v.richText as { text?: unknown }[]).map((part) => String(part.text ?? '')).join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return xlsxCell(v.result);
    if ('error' in v) return null;
    if ('text' in v) return xlsxCell(v.text);
    if ('hyperlink' in v) return String(v.hyperlink);
  }
  return String(value);
}

interface StreamRow {
  readonly number: number;
  readonly values: unknown;
}

/**
 * Read an XLSX body sheet by sheet with exceljs' streaming reader: rows are never all in
 * memory. Dates come out as `Date` (date-formatted cells), numbers stay numbers.
 */
export async function* xlsxSheets(body: PeekedBody, fileName: string): AsyncGenerator<SourceSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(body.chunks()), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const broken = (error: unknown) =>
    new FileRejectedError(
      'not_a_spreadsheet',
      `文件 ${fileName} 无法作为 .xlsx 表格读取${error instanceof Error ? `：${error.message}` : ''}`,
    );
  const sheets = reader[Symbol.asyncIterator]();
  while (true) {
    let next: IteratorResult<ExcelJS.stream.xlsx.WorksheetReader>;
    try {
      next = await sheets.next();
    } catch (error) {
      throw broken(error);
    }
    if (next.done) return;
    const worksheet = next.value;
    const name = (worksheet as unknown as { name?: string }).name;
    async function* rows(): AsyncGenerator<SourceRow> {
      const iterator = worksheet[Symbol.asyncIterator]() as AsyncIterator<StreamRow>;
      while (true) {
        let row: IteratorResult<StreamRow>;
        try {
          row = await iterator.next();
        } catch (error) {
          throw broken(error);
        }
        if (row.done) return;
        const values = Array.isArray(row.value.values) ? (row.value.values as unknown[]) : [];
        // exceljs row values are 1-based and sparse.
        const cells: RawCell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
        yield { row: row.value.number, cells };
      }
    }
    yield name === undefined ? { rows: rows() } : { name, rows: rows() };
  }
}
