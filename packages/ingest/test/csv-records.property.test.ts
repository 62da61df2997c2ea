/**
 * The CSV record parser gives exactly what csv-parse gives under the options the readers used
 * with it — records, the line each record ends on, and the errors — for text made of the
 * characters that matter (quotes, delimiters, every line break, NUL, a BOM, multi-byte and
 * astral characters), however the text is cut into chunks.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRecordError, CsvRecords } from '../src/csv.js';

type Outcome = { records: { record: string[]; lines: number }[]; error?: string };

/** csv-parse, as `sources.ts` configured it before it had a parser of its own. */
function reference(text: string, delimiter: string, maxRecordSize: number): Outcome {
  const records: Outcome['records'] = [];
  try {
    parse(text, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
      bom: true,
      max_record_size: maxRecordSize,
      on_record: (record: string[], info: { lines: number }) => {
        records.push({ record, lines: info.lines });
        return null;
      },
    });
    return { records };
  } catch (error) {
    return { records, error: (error as { code?: string }).code ?? String(error) };
  }
}

function ours(chunks: readonly string[], delimiter: string, maxRecordSize: number): Outcome {
  const records: Outcome['records'] = [];
  const parser = new CsvRecords(delimiter, maxRecordSize, (record, lines) => records.push({ record, lines }));
  try {
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
    return { records };
  } catch (error) {
    if (!(error instanceof CsvRecordError)) throw error;
    return { records, error: error.code };
  }
}

/** The text cut at the given sizes (in UTF-16 units: a surrogate pair may be split too). */
function cut(text: string, sizes: readonly number[]): string[] {
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

const PIECES = [
  '"',
  '""',
  ',',
  ';',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\0',
  ' ',
  'a',
  'Z',
  '9',
  '王',
  '张三',
  'é',
  '𠀀',
  '😀',
  '\ufeff',
  'x"y',
  '"a"b',
];

const text = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }))
  .map(([bom, parts]) => (bom ? '\ufeff' : '') + parts.join(''));

const sizes = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 });

describe('CsvRecords', () => {
  it('gives what csv-parse gives, records, lines and errors, for any text and any chunks', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';', '\t'), sizes, (csv, delimiter, at) => {
        const expected = reference(csv, delimiter, 1_000_000);
        expect(ours([csv], delimiter, 1_000_000)).toEqual(expected);
        expect(ours(cut(csv, at), delimiter, 1_000_000)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses a record over the size limit exactly where csv-parse does (bytes of the open field)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), sizes, (csv, max, at) => {
        const expected = reference(csv, ',', max);
        expect(ours([csv], ',', max)).toEqual(expected);
        expect(ours(cut(csv, at), ',', max)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the cases that decide a quote', () => {
    const cases = [
      'a,"b,c",d\n',
      '"a""b",c',
      '"ab"c,d',
      'a"b,c',
      '"a\r\nb",c\r\n',
      '"unclosed,\n',
      '"a"\0b',
      '\ufeff"a",b',
    ];
    for (const csv of cases) expect(ours(cut(csv, [1]), ',', 100)).toEqual(reference(csv, ',', 100));
    expect(ours(['"ab"c,d'], ',', 100).records[0]?.record).toEqual(['"ab"c', 'd']);
    expect(ours(['"unclosed,\n'], ',', 100).error).toBe('CSV_QUOTE_NOT_CLOSED');
  });
});
