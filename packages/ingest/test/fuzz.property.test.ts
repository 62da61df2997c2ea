/**
 * Fuzzing every parser and normalizer (issue 13): whatever the bytes or the cell text, the
 * outcome is a value, `null`, rows with reasons or a {@link FileRejectedError} — never an
 * unexpected exception, and never U+FFFD in an accepted row.
 */
import { normalizeAmount, normalizeNumber } from '@jiandu/domain/normalize/amount';
import { monthStart, normalizeDate, normalizeMonth, normalizeYear } from '@jiandu/domain/normalize/date';
import {
  normalizeDivisionCode,
  normalizeDivisionLevel,
  normalizeTownshipName,
  normalizeVillageName,
} from '@jiandu/domain/normalize/division';
import { normalizeIdNumber } from '@jiandu/domain/normalize/id';
import { normalizePersonName } from '@jiandu/domain/normalize/name';
import { resolveProgram } from '@jiandu/domain/normalize/program';
import { FileRejectedError } from '@jiandu/ingest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type Cell, workbook } from '../../../test/fixtures/hostile/workbook.js';
import { collect, id } from './helpers.js';

/** Read a body; a refusal is a legitimate outcome, anything else thrown fails the property. */
async function readOrRefuse(kind: Parameters<typeof collect>[0], bytes: Uint8Array, fileName: string) {
  try {
    const { accepted } = await collect(kind, bytes, fileName);
    for (const row of accepted) expect(JSON.stringify(row.values)).not.toContain('\ufffd');
  } catch (error) {
    if (!(error instanceof FileRejectedError)) throw error;
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  }
}

// Text that stresses a CSV parser and the sniffer: delimiters, quotes, every line break,
// BOMs, NUL and other controls, invalid surrogates, CJK of every width.
const csvPiece = fc.constantFrom(
  ',',
  ';',
  '\t',
  '"',
  '""',
  '\r\n',
  '\n',
  '\r',
  '\ufeff',
  '\u0000',
  '\u0001',
  '\ud800',
  '\udc00',
  '姓名',
  '身份证号',
  '户号',
  '住址',
  '张三',
  '𠀀',
  '㐂',
  '😀',
  '430521198001010012',
  '1,200.00',
  '2018.07',
  ' ',
  'x',
);
const csvText = fc.array(csvPiece, { maxLength: 200 }).map((pieces) => pieces.join(''));

describe('no parser throws anything but a refusal', () => {
  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('a.csv', 'a.xlsx'),
        async (bytes, name) => readOrRefuse('household_registry', bytes, name),
      ),
      { numRuns: 300 },
    );
  });

  it('CSV-shaped text in every encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvText,
        fc.constantFrom('utf8', 'gb18030', 'utf-16le', 'utf-16be'),
        async (text, encoding) => {
          const header = '姓名,公民身份号码,户号,住址\r\n';
          const bytes =
            encoding === 'utf8' ? Buffer.from(header + text) : iconv.encode(header + text, encoding);
          await readOrRefuse('household_registry', bytes, 'a.csv');
        },
      ),
      { numRuns: 300 },
    );
  });

  const book = (cells: Cell[]) =>
    workbook(
      [
        {
          name: 'Sheet1',
          rows: [
            ['姓名', '公民身份号码', '户号', '住址'],
            ...cells.map((c) => ['张三', id('43052119800101001'), 1, c]),
          ],
        },
      ],
      {
        stored: true,
      },
    );

  it('workbooks with bytes flipped, cut or inserted', async () => {
    const base = book(['青山村', { inline: 'a<b' }, { runs: ['𠀀', '㐂'] }, 12.5]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.option(fc.nat(base.length)),
        async (flips, cutAt) => {
          const bytes = Buffer.from(base);
          for (const [at, value] of flips) bytes[at] = value;
          await readOrRefuse(
            'household_registry',
            cutAt === null ? bytes : bytes.subarray(0, cutAt),
            'a.xlsx',
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('workbooks with arbitrary cell XML', async () => {
    const xmlPiece = fc.constantFrom(
      '<c',
      '</c>',
      '<v>',
      '</v>',
      '<is><t>',
      '</t></is>',
      ' t="s"',
      ' t="inlineStr"',
      ' t="b"',
      ' t="e"',
      ' t="d"',
      ' t="str"',
      ' r="A1"',
      ' r="XFE1"',
      ' r="1A"',
      ' s="1"',
      ' s="999"',
      '>',
      '/>',
      '&lt;',
      '&amp;',
      '&#0;',
      '&#x1F600;',
      '&bogus;',
      '<![CDATA[x]]>',
      '<f>1+1</f>',
      '0',
      '-1',
      '1e400',
      'NaN',
      '2018-07-01T00:00:00Z',
      '张',
      '\ufffd',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(xmlPiece, { maxLength: 30 }), async (pieces) => {
        await readOrRefuse('household_registry', book([{ xml: `<c>${pieces.join('')}</c>` }]), 'a.xlsx');
      }),
      { numRuns: 300 },
    );
  });
});

describe('no normalizer throws', () => {
  const raw = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.double(),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const dateRaw = fc.oneof(raw, fc.date({ noInvalidDate: false }));

  it('dates, months, years', () => {
    fc.assert(
      fc.property(dateRaw, (value) => {
        for (const f of [normalizeDate, normalizeMonth, monthStart, normalizeYear]) {
          const result = f(value);
          expect(result === null || typeof result === 'string' || typeof result === 'number').toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('amounts, numbers, IDs, names, divisions, programs', () => {
    fc.assert(
      fc.property(raw, (value) => {
        const fen = normalizeAmount(value);
        expect(fen === null || Number.isSafeInteger(fen)).toBe(true);
        normalizeAmount(value, { unit: 'wan' });
        normalizeNumber(value);
        normalizeIdNumber(value);
        normalizePersonName(value);
        normalizeTownshipName(value);
        normalizeVillageName(value);
        normalizeDivisionLevel(value);
        normalizeDivisionCode(value);
        resolveProgram(value);
      }),
      { numRuns: 2000 },
    );
  });
});
