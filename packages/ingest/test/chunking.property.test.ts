/**
 * Reading is exact whatever the size and chunking of the bytes (issue 9 §1): for generated
 * CSV files in every supported encoding and generated workbooks with every kind of string,
 * one buffer and random chunks (1 byte … 64 KiB) give identical results, and the text read
 * is the text written.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type Cell, sheetXml, workbook } from '../../../test/fixtures/hostile/workbook.js';
import { type Collected, collect, id } from './helpers.js';

// Characters that break naive readers: 3-byte CJK, 4-byte CJK Extension B (𠀀 𪚥), a rare
// Extension A character (㐂), emoji (4 bytes in UTF-8 and GB18030, a surrogate pair in UTF-16),
// Latin accents, and what CSV and XML must escape.
const ALPHABET = [
  ...'张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江闫薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'
    .split('')
    .slice(0, 60),
  '𠀀',
  '𪚥',
  '㐂',
  '䶮',
  '😀',
  'é',
  'ß',
  'A',
  'z',
  '7',
  '"',
  ',',
  ';',
  '<',
  '>',
  '&',
  "'",
  '·',
];

const text = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''))
  // A leading digit-only or formula-looking text is not what this test is about.
  .filter((s) => /[^\d]/.test(s) && !/^[=+\-@]/.test(s));

const chunkSizes = fc.array(fc.integer({ min: 1, max: 65_536 }), { minLength: 1, maxLength: 8 });

/** The body cut at the given sizes, cycling through them. */
async function* cut(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

/** Everything a read produced, in a comparable form. */
function outcome(collected: Collected): string {
  return JSON.stringify(collected);
}

const FIRST = ['43052119800101001', '43052119751212002', '43052119660606003'].map(id);

interface Roster {
  readonly names: string[];
  readonly addresses: string[];
}

const roster = fc
  .array(fc.tuple(text, text), { minLength: 1, maxLength: 40 })
  // A name needs a letter: a name of punctuation only is no name (and rightly rejected).
  .map((pairs): Roster => ({ names: pairs.map((p) => `王${p[0]}`), addresses: pairs.map((p) => p[1]) }));

function csvText(r: Roster, delimiter: string): string {
  const quote = (s: string) => (/[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['姓名', '公民身份号码', '户号', '住址'].join(delimiter)];
  r.names.forEach((name, i) => {
    lines.push(
      [quote(name), FIRST[i % 3], String(1000 + i), quote(r.addresses[i] as string)].join(delimiter),
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}

const ENCODINGS = {
  'utf-8': (s: string) => Buffer.from(s, 'utf8'),
  'utf-8 BOM': (s: string) => Buffer.from(`\ufeff${s}`, 'utf8'),
  gb18030: (s: string) => iconv.encode(s, 'gb18030'),
  'utf-16le BOM': (s: string) => iconv.encode(s, 'utf-16le', { addBOM: true }),
  'utf-16be BOM': (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(s, 'utf-16be')]),
} as const;

/** Text as the normalizer stores a `text` column. */
const stored = (s: string) => s.normalize('NFKC');

async function expectChunkInvariant(bytes: Uint8Array, fileName: string, sizes: number[], r: Roster) {
  const whole = await collect('household_registry', bytes, fileName);
  expect(whole.rejected).toEqual([]);
  expect(whole.accepted.map((row) => row.values.address)).toEqual(r.addresses.map(stored));
  expect(whole.accepted.map((row) => row.values.name)).toHaveLength(r.names.length);
  const chunked = await collect('household_registry', cut(bytes, sizes), fileName);
  expect(outcome(chunked)).toBe(outcome(whole));
}

describe('reading does not depend on how the bytes arrive', () => {
  it.each(Object.keys(ENCODINGS) as (keyof typeof ENCODINGS)[])('CSV in %s', async (encoding) => {
    await fc.assert(
      fc.asyncProperty(roster, chunkSizes, fc.constantFrom(',', '\t'), async (r, sizes, delimiter) => {
        const bytes = ENCODINGS[encoding](csvText(r, delimiter));
        await expectChunkInvariant(bytes, 'roster.csv', sizes, r);
      }),
      { numRuns: 25 },
    );
  });

  const stringKind = fc.constantFrom('shared', 'inline', 'rich shared', 'rich inline');

  /** A text cell of the given kind, rich text cut into runs at code-point boundaries. */
  function cell(value: string, kind: string, cuts: number): Cell {
    if (kind === 'shared') return value;
    if (kind === 'inline') return { inline: value };
    const chars = [...value];
    const at = Math.max(1, cuts % chars.length);
    const runs = [chars.slice(0, at).join(''), chars.slice(at).join('')].filter((run) => run !== '');
    return { runs, inline: kind === 'rich inline' };
  }

  it('XLSX with shared, inline and rich-text strings, sheets before or after the shared strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        roster,
        chunkSizes,
        stringKind,
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        async (r, sizes, kind, sheetsFirst, noRefs, cuts) => {
          const rows: Cell[][] = [['姓名', '公民身份号码', '户号', '住址']];
          r.names.forEach((name, i) => {
            rows.push([
              cell(name, kind, cuts + i),
              FIRST[i % 3] as string,
              1000 + i,
              cell(r.addresses[i] as string, kind, cuts),
            ]);
          });
          const bytes = workbook([{ name: '户籍𠀀㐂', rows, noRefs }], { sheetsFirst });
          await expectChunkInvariant(bytes, 'roster.xlsx', sizes, r);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('XLSX parts larger than one inflated chunk (64 KiB): characters cut by zlib are read whole', async () => {
    const big = fc
      .array(fc.tuple(text, text), { minLength: 1500, maxLength: 2500 })
      .map((pairs): Roster => ({ names: pairs.map((p) => `王${p[0]}`), addresses: pairs.map((p) => p[1]) }));
    await fc.assert(
      fc.asyncProperty(big, chunkSizes, stringKind, async (r, sizes, kind) => {
        const rows: Cell[][] = [['姓名', '公民身份号码', '户号', '住址']];
        r.names.forEach((name, i) => {
          rows.push([
            cell(name, kind, i),
            FIRST[i % 3] as string,
            1000 + i,
            cell(r.addresses[i] as string, kind, i),
          ]);
        });
        await expectChunkInvariant(workbook([{ name: '户籍', rows }]), 'roster.xlsx', sizes, r);
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});

describe('an encoding the head leaves open', () => {
  it('ASCII-only rows for more than the sniffed head, then GBK: decided where the Chinese starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2000, max: 2600 }),
        roster,
        chunkSizes,
        async (asciiRows, r, sizes) => {
          const ascii = Array.from(
            { length: asciiRows },
            (_, i) => `Li Si ${i},${FIRST[i % 3]},${i},Qingshan ${i}`,
          );
          // The canonical column names are headers too: an ASCII header over ASCII rows.
          const text = csvText(r, ',').replace(
            /^.*\r\n/,
            `name,id_number,household_no,address\r\n${ascii.join('\r\n')}\r\n`,
          );
          const bytes = iconv.encode(text, 'gb18030');
          const whole = await collect('household_registry', bytes, 'roster.csv');
          expect(whole.rejected).toEqual([]);
          expect(whole.accepted.slice(asciiRows).map((row) => row.values.address)).toEqual(
            r.addresses.map(stored),
          );
          const chunked = await collect('household_registry', cut(bytes, sizes), 'roster.csv');
          expect(outcome(chunked)).toBe(outcome(whole));
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('no U+FFFD enters a normalized row', () => {
  it('a cell with bytes that are not text is rejected, naming its row and column', async () => {
    await fc.assert(
      fc.asyncProperty(
        roster,
        chunkSizes,
        fc.nat(),
        fc.constantFrom([0xff], [0xe5, 0xbc], [0x80], [0x00]),
        fc.boolean(),
        async (r, sizes, pick, bad, xlsx) => {
          const victim = pick % r.names.length;
          const marker = '\u0001MARK\u0001';
          const addresses = r.addresses.map((a, i) => (i === victim ? `${a}${marker}` : a));
          const name = xlsx ? 'roster.xlsx' : 'roster.csv';
          const damage = (bytes: Buffer) => {
            const at = bytes.indexOf(Buffer.from(marker, 'utf8'));
            return Buffer.concat([
              bytes.subarray(0, at),
              Buffer.from(bad),
              bytes.subarray(at + marker.length),
            ]);
          };
          let damaged: Buffer;
          if (xlsx) {
            const rows: Cell[][] = [
              [{ inline: '姓名' }, { inline: '公民身份号码' }, { inline: '户号' }, { inline: '住址' }],
            ];
            r.names.forEach((n, i) => {
              rows.push([
                { inline: n },
                { inline: FIRST[i % 3] as string },
                1000 + i,
                { inline: addresses[i] as string },
              ]);
            });
            // The bad bytes go into the sheet's XML itself (a control character is not even XML).
            const xml = damage(Buffer.from(sheetXml({ name: 'Sheet1', rows }, []), 'utf8'));
            damaged = workbook([{ name: 'Sheet1', rows: [] }], { sheetXml: { 1: xml } });
          } else {
            damaged = damage(Buffer.from(csvText({ names: r.names, addresses }, ','), 'utf8'));
          }
          const whole = await collect('household_registry', damaged, name).catch((e: unknown) => e);
          if (xlsx && bad[0] === 0x00) {
            // NUL is not allowed anywhere in XML: the sheet is broken, and said so.
            expect(whole).toMatchObject({
              code: 'not_a_spreadsheet',
              message: expect.stringContaining('工作表「Sheet1」的 XML 格式错误'),
            });
            return;
          }
          if (!('accepted' in (whole as Collected))) throw whole;
          const chunked = await collect('household_registry', cut(damaged, sizes), name);
          expect(outcome(chunked)).toBe(outcome(whole as Collected));
          for (const row of (whole as Collected).accepted)
            expect(JSON.stringify(row.values)).not.toContain('\ufffd');
          expect((whole as Collected).rejected).toEqual([
            expect.objectContaining({
              row: victim + 2,
              reason: 'bad_encoding',
              message: `${xlsx ? '工作表「Sheet1」' : ''}第${victim + 2}行：住址（第4列）含有无法解码的字节或控制字符，文件编码有误或已损坏`,
            }),
          ]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
