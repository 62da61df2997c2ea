/**
 * The caps of `limits.ts`, in-process and with narrowed limits where the defaults would need
 * big inputs (the full-size cases run in child processes: test/hostile).
 */
import { FileRejectedError, KIND_CAPS, type KindCaps, type ReadLimits } from '@jiandu/ingest';
import { describe, expect, it } from 'vitest';
import { workbook } from '../../../test/fixtures/hostile/workbook.js';
import { chunked, collect, id, utf8 } from './helpers.js';

const A = id('43052119800101001');
const HEADER = '姓名,公民身份号码,户号,住址\r\n';
const rows = (n: number) => Array.from({ length: n }, (_, i) => `张三,${A},${i},村\r\n`).join('');

async function refusal(
  body: Uint8Array | AsyncIterable<Uint8Array>,
  name: string,
  limits: Partial<ReadLimits> = {},
) {
  const error = await collect('household_registry', body, name, { limits }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FileRejectedError);
  return error as FileRejectedError;
}

describe('caps', () => {
  it('a line longer than the cap, whether the body comes as one buffer or streamed', async () => {
    const bytes = utf8(`${HEADER}${','.repeat(5_000_000)}\r\n${rows(2)}`);
    for (const body of [bytes, chunked(bytes, 1 << 20)]) {
      const error = await refusal(body, 'a.csv');
      expect(error.code).toBe('too_large');
      expect(error.message).toBe('CSV 文件第2行超过 4194304 个字符，文件可能已损坏或不是表格');
    }
  });

  it('rows beyond the cap', async () => {
    const error = await refusal(utf8(HEADER + rows(11)), 'a.csv', { maxRows: 10 });
    expect(error.message).toBe('文件 a.csv 超过 10 行数据的上限，请按乡镇或月份拆分后上传');
    await expect(
      collect('household_registry', utf8(HEADER + rows(10)), 'a.csv', { limits: { maxRows: 10 } }),
    ).resolves.toMatchObject({
      result: { quality: { accepted: 10 } },
    });
  });

  const book = (n: number, options: Parameters<typeof workbook>[1] = {}) =>
    workbook(
      [
        {
          name: 'Sheet1',
          rows: [
            ['姓名', '公民身份号码', '户号', '住址'],
            ...Array.from({ length: n }, (_, i) => [`张${i}`, A, i, `村${i}`]),
          ],
        },
      ],
      options,
    );

  it('a workbook larger than the cap', async () => {
    const error = await refusal(book(100), 'a.xlsx', { maxWorkbookBytes: 1000 });
    expect(error.message).toMatch(/^文件 a\.xlsx 超过 1 KB，请拆分为多个文件/);
  });

  it('a shared-string table over its character cap', async () => {
    const error = await refusal(book(100), 'a.xlsx', { maxSharedStringChars: 300 });
    expect(error.message).toBe('共享字符串表超过 300 个字符，疑似压缩炸弹或文件过大，已拒绝读取');
  });

  it('a part inflating past the cap: declared, or found while inflating', async () => {
    const error = await refusal(book(2000), 'a.xlsx', { ratioFloorBytes: 1000, maxCompressionRatio: 2 });
    expect(error.message).toMatch(
      /^共享字符串表解压后超过 \d+ KB（压缩后仅 \d+ KB），疑似压缩炸弹或文件过大/,
    );
  });

  it('a run of text in a stored (uncompressed) part, one buffer', async () => {
    const long = 'x'.repeat(400_000);
    const error = await refusal(
      book(1, {
        stored: true,
        sheetXml: { 1: `<worksheet><sheetData><row r="1" x="${long}"/></sheetData></worksheet>` },
      }),
      'a.xlsx',
    );
    expect(error.message).toBe(
      '工作表「Sheet1」中有一段超过 327670 个字符的连续内容（单元格过大），文件可能已损坏，已拒绝读取',
    );
  });

  it('a cell over the cell cap names the cell', async () => {
    const error = await refusal(
      book(1, {
        sheetXml: {
          1: `<worksheet><sheetData><row r="3"><c r="B3" t="inlineStr"><is><t>${'长'.repeat(40_000)}</t></is></c></row></sheetData></worksheet>`,
        },
      }),
      'a.xlsx',
    );
    expect(error.message).toBe(
      '工作表「Sheet1」B3单元格超过 32767 个字符（Excel 单元格的上限），文件可能已损坏',
    );
  });
});

describe('caps per dataset kind', () => {
  const kindRefusal = async (body: Uint8Array, name: string, kindCaps: Partial<KindCaps> = {}) => {
    const error = await collect('household_registry', body, name, { kindCaps }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).code).toBe('too_large');
    return (error as FileRejectedError).message;
  };

  it('every kind has caps, tighter where the source system exports less', () => {
    for (const caps of Object.values(KIND_CAPS)) {
      expect(caps.rows).toBeGreaterThanOrEqual(100_000);
      expect(caps.columns).toBeLessThan(16_384);
      expect(caps.cellChars).toBeLessThanOrEqual(32_767);
    }
    expect(KIND_CAPS.divisions.cellChars).toBeLessThan(KIND_CAPS.notices.cellChars);
    expect(KIND_CAPS.livelihood_projects.rows).toBeLessThan(KIND_CAPS.household_registry.rows);
  });

  it("rows beyond the kind's cap name the kind", async () => {
    expect(await kindRefusal(utf8(HEADER + rows(6)), 'a.csv', { rows: 5 })).toBe(
      '文件 a.csv 超过户籍人口文件 5 行的上限，请按乡镇或月份拆分后上传',
    );
    await expect(
      collect('household_registry', utf8(HEADER + rows(5)), 'a.csv', { kindCaps: { rows: 5 } }),
    ).resolves.toMatchObject({ result: { quality: { accepted: 5 } } });
  });

  it('a cell longer than the kind allows names row, column and the kind', async () => {
    const body = utf8(`${HEADER}张三,${A},1,${'村'.repeat(4_001)}\r\n`);
    expect(await kindRefusal(body, 'a.csv')).toBe(
      '文件第2行第4列有 4001 个字符，超过户籍人口文件每格 4000 个字符的上限，请检查该单元格（可能粘贴了整段文字，或文件已损坏）',
    );
    // The same cell is a notice's body, which may be long.
    const notice = utf8(`标题,正文,发布日期\r\n公开,${'村'.repeat(4_001)},2024-01-01\r\n`);
    await expect(collect('notices', notice, 'n.csv')).resolves.toMatchObject({
      result: { quality: { accepted: 1 } },
    });
  });

  it('more filled cells in a row than the kind has columns; blank padding is fine', async () => {
    const padded = utf8(`${HEADER}张三,${A},1,村${',x'.repeat(3)}\r\n`);
    expect(await kindRefusal(padded, 'a.csv', { columns: 6 })).toBe(
      '文件第2行有 7 个非空单元格，超过户籍人口文件每行 6 列的上限，请只保留需要的列后上传',
    );
    await expect(
      collect('household_registry', utf8(`${HEADER}张三,${A},1,村${','.repeat(5000)}\r\n`), 'a.csv', {
        kindCaps: { columns: 6 },
      }),
    ).resolves.toMatchObject({ result: { quality: { accepted: 1 } } });
  });
});
