/**
 * The sheets of raw rows that readers yield, and the streaming CSV reader (XLSX: xlsx.ts).
 */
import { isUtf8, type PeekedBody, pieces, type Sniffed } from './bytes.js';
import type { RawCell } from './cells.js';
import { CsvRecordError, CsvRecords } from './csv.js';
import { FileRejectedError } from './errors.js';
import { type ChunkDecoder, gb18030Decoder } from './gb18030.js';
import type { ReadLimits } from './limits.js';

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

/** A physical line longer than the cap: thrown by {@link decode}, reported by the row loop. */
class LineTooLong extends Error {}

/**
 * Decode a byte stream to text chunks without holding the whole file: one stateful decoder,
 * so a character split between chunks (a GB18030 4-byte sequence, a UTF-16 surrogate pair)
 * is decoded whole. BOMs are dropped. Undecodable bytes become U+FFFD, which the row
 * normalizer rejects with the row and column. Lines longer than `maxLineChars` stop the read
 * before the parser buffers them.
 */
async function* decode(
  chunks: AsyncIterable<Buffer>,
  encoding: TextEncoding,
  maxLineChars: number,
  asciiHead: boolean,
): AsyncGenerator<string> {
  const decoderFor = (name: TextEncoding): ChunkDecoder => {
    if (name === 'gb18030') return gb18030Decoder();
    const d = new TextDecoder(name);
    return { write: (b: Buffer) => d.decode(b, { stream: true }), end: () => d.decode() };
  };
  let decoder = decoderFor(encoding);
  // Everything before the first non-ASCII byte is ASCII, which both candidates decode alike
  // and leaves no state in the UTF-8 decoder: switching there is exact.
  if (asciiHead)
    chunks = decideLater(chunks, (window, complete) => {
      if (!isUtf8(window, complete)) decoder = decoderFor('gb18030');
    });
  let line = 0;
  const checked = (text: string): string => {
    // Only a line that spans chunks can be longer than a chunk: O(1) per chunk.
    const lf = text.indexOf('\n');
    const cr = text.indexOf('\r');
    const first = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (first < 0) line += text.length;
    else if (line + first > maxLineChars) line += first;
    else line = text.length - 1 - Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (line > maxLineChars) throw new LineTooLong();
    return text;
  };
  let first = true;
  for await (let chunk of chunks) {
    // A UTF-8 BOM in front of a GBK body (sniffed as such): the BOM is not GBK text.
    if (first && encoding === 'gb18030' && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
      chunk = chunk.subarray(3);
    first = false;
    const text = decoder.write(chunk);
    if (text !== '') yield checked(text);
  }
  const rest = decoder.end();
  if (rest) yield checked(rest);
}

// Bytes from the first non-ASCII byte on that decide an encoding the head left open.
const DECISION_WINDOW = 4096;

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return i;
  return -1;
}

/**
 * Pass the bytes through, calling `decide` with the {@link DECISION_WINDOW} bytes from the
 * first non-ASCII byte (or all of them, `complete`, when the file ends sooner) before that
 * byte is passed on: the same decision however the body is cut into chunks.
 */
async function* decideLater(
  chunks: AsyncIterable<Buffer>,
  decide: (window: Buffer, complete: boolean) => void,
): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  while (size < DECISION_WINDOW) {
    const next = await iterator.next();
    if (next.done) {
      if (size > 0) {
        const window = Buffer.concat(held);
        decide(window, true);
        yield window;
      }
      return;
    }
    let chunk = next.value;
    if (size === 0) {
      const at = firstNonAscii(chunk);
      if (at < 0) {
        yield chunk;
        continue;
      }
      if (at > 0) yield chunk.subarray(0, at);
      chunk = chunk.subarray(at);
    }
    held.push(chunk);
    size += chunk.length;
  }
  const window = Buffer.concat(held);
  decide(window.subarray(0, DECISION_WINDOW), false);
  yield window;
  while (true) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
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
export function csvSheet(body: PeekedBody, encoding: TextEncoding, limits: ReadLimits): SourceSheet {
  const sample = new TextDecoder(encoding).decode(body.head);
  const delimiter = detectDelimiter(sample);
  async function* rows(): AsyncGenerator<SourceRow> {
    // Where the parser is, counted as it parses: for the position in error messages.
    let row = 0;
    let line = 0;
    let parsed: SourceRow[] = [];
    // Called for every record: numbers it, applies the caps before anything holds on to it,
    // and drops lines without any content right there (a million blank lines cost the parser only).
    const parser = new CsvRecords(delimiter, limits.maxLineChars, (record, lines) => {
      row++;
      line = lines;
      if (record.every((cell) => cell === '')) return;
      parsed.push({ row, cells: capped(record, row, limits) });
    });
    // A head of ASCII only (a long English preamble, IDs and numbers) says nothing about how
    // the Chinese further down is encoded: that is decided where it starts.
    const asciiHead = encoding === 'utf-8' && !body.ended && firstNonAscii(body.head) < 0;
    try {
      for await (const text of decode(pieces(body.chunks()), encoding, limits.maxLineChars, asciiHead)) {
        parser.write(text);
        // The records of one chunk at a time: the rows in memory stay bounded by the chunk.
        const ready = parsed;
        parsed = [];
        yield* ready;
      }
      parser.end();
      yield* parsed;
    } catch (error) {
      throw csvError(error, row, line, limits);
    }
  }
  return { rows: rows() };
}

/** A record within the column and cell caps (trailing empty cells do not count). */
function capped(record: string[], row: number, limits: ReadLimits): string[] {
  if (record.length > limits.maxColumns) {
    let end = record.length;
    while (end > 0 && record[end - 1] === '') end--;
    record.length = end;
    if (end > limits.maxColumns)
      throw new FileRejectedError(
        'too_large',
        `CSV 文件第${row}行有 ${end} 列，超过 ${limits.maxColumns} 列的上限，文件可能已损坏`,
      );
  }
  for (let i = 0; i < record.length; i++) {
    if ((record[i] as string).length > limits.maxCellChars)
      throw new FileRejectedError(
        'too_large',
        `CSV 文件第${row}行第${i + 1}列超过 ${limits.maxCellChars} 个字符（Excel 单元格的上限），文件可能已损坏`,
      );
  }
  return record;
}

/** A parse failure as a Chinese reason naming where it happened. */
function csvError(error: unknown, row: number, line: number, limits: ReadLimits): unknown {
  if (error instanceof FileRejectedError) return error;
  const code = error instanceof CsvRecordError ? error.code : '';
  if (error instanceof LineTooLong || code === 'CSV_MAX_RECORD_SIZE')
    return new FileRejectedError(
      'too_large',
      `CSV 文件第${line + 1}行超过 ${limits.maxLineChars} 个字符，文件可能已损坏或不是表格`,
    );
  if (code === 'CSV_QUOTE_NOT_CLOSED')
    return new FileRejectedError(
      'not_a_spreadsheet',
      `CSV 文件第${line + 1}行（第${row + 1}条记录）的双引号没有闭合，其后的内容都被当成一个单元格；请检查该行的引号`,
    );
  return error;
}
