/**
 * The ingest corpus: the demo county's files (as the generator writes them) and hand-made
 * broken files (`files/`, written by `make-corpus.ts`) pass through `ingestFile`. Each broken
 * file gets its own specific error; for every readable file nothing is lost: every data row
 * is read and either accepted or rejected with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { NormalizedRow, RejectedRow } from '@jiandu/domain/model';
import { FileRejectedError, type IngestResult, ingestFile } from '@jiandu/ingest';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { messyRoster } from '../../packages/bench/src/messy-rows.js';
import { CORPUS_DIR, corpusFiles, PEOPLE } from './make-corpus.js';

interface Collected {
  readonly accepted: NormalizedRow[];
  readonly rejected: RejectedRow[];
  readonly result: IngestResult;
}

async function ingest(
  kind: DatasetKind,
  fileName: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<Collected> {
  const accepted: NormalizedRow[] = [];
  const rejected: RejectedRow[] = [];
  const result = await ingestFile(
    kind,
    { fileName, body },
    {
      accept: (row) => {
        accepted.push(row);
      },
      reject: (row) => {
        rejected.push(row);
      },
    },
  );
  // Nothing is lost: every data row read went one way or the other, and the report says so.
  expect(accepted.length + rejected.length).toBe(result.quality.rowsRead);
  expect(result.quality.accepted).toBe(accepted.length);
  expect(result.quality.rejected).toBe(rejected.length);
  expect(Object.values(result.quality.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(rejected.length);
  return { accepted, rejected, result };
}

const corpus = (name: string): Uint8Array => readFileSync(join(CORPUS_DIR, name));

async function refusal(name: string, kind: DatasetKind = 'subsidy_payments'): Promise<FileRejectedError> {
  try {
    await ingest(kind, name, corpus(name));
  } catch (error) {
    if (error instanceof FileRejectedError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe('the committed corpus', () => {
  it('is what make-corpus.ts writes (regenerate with node --import tsx test/ingest-corpus/make-corpus.ts)', async () => {
    for (const [name, bytes] of Object.entries(await corpusFiles())) {
      // The workbook's zip carries write times; everything else must match byte for byte.
      if (name === 'merged-header.xlsx') continue;
      expect(Buffer.compare(corpus(name), bytes), name).toBe(0);
    }
  });
});

describe('readable files of the corpus', () => {
  const names = PEOPLE.map((p) => p.name.replace('趙', '赵'));

  it('GBK without BOM, under title rows and above a total row: detected, every row read', async () => {
    const { accepted, result } = await ingest('subsidy_payments', 'gbk-no-bom.csv', corpus('gbk-no-bom.csv'));
    expect(result.quality.rowsRead).toBe(PEOPLE.length);
    expect(accepted.map((r) => r.values.recipient_name)).toEqual(names);
    expect(accepted.map((r) => r.idNumber)).toEqual(PEOPLE.map((p) => p.id));
    expect(accepted[0]?.values.township).toBe('青山镇');
    // Rows are numbered as Excel shows them: two title rows and the header come first.
    expect(accepted[0]?.row).toBe(4);
  });

  it('UTF-16 with BOM (Excel "Unicode text", tab-separated)', async () => {
    const { accepted } = await ingest('subsidy_payments', 'utf16le-bom.txt', corpus('utf16le-bom.txt'));
    expect(accepted.map((r) => r.values.recipient_name)).toEqual(names);
  });

  it('title rows, blank rows, 小计/合计/总计 rows and notes are not data', async () => {
    const { accepted, rejected, result } = await ingest(
      'subsidy_payments',
      'title-rows-totals.csv',
      corpus('title-rows-totals.csv'),
    );
    expect(rejected).toEqual([]);
    expect(result.quality.rowsRead).toBe(5);
    expect(accepted.map((r) => r.row)).toEqual([5, 6, 7, 9, 10]);
    expect(accepted.map((r) => r.values.amount)).toEqual([30000, 31000, 32000, 33000, 34000]);
  });

  it('merged title and group-header cells over a two-row header (XLSX)', async () => {
    const { accepted, result } = await ingest(
      'subsidy_payments',
      'merged-header.xlsx',
      corpus('merged-header.xlsx'),
    );
    expect(result.columns).toEqual([
      'program',
      'recipient_name',
      'id_number',
      'township',
      'village',
      'amount',
      'pay_date',
    ]);
    expect(result.sheets).toEqual(['1月']);
    expect(accepted.map((r) => r.values.recipient_name)).toEqual(names);
    expect(accepted.map((r) => r.values.pay_date)).toEqual(PEOPLE.map(() => '2023-01-15'));
    // The merged 合计 row is not a payment.
    expect(result.quality.rowsRead).toBe(PEOPLE.length);
  });

  it('rejects unusable rows with a reason naming the row and field, keeps the rest', async () => {
    const { accepted, rejected, result } = await ingest(
      'subsidy_payments',
      'bad-rows.csv',
      corpus('bad-rows.csv'),
    );
    expect(rejected.map((r) => [r.row, r.reason, r.message])).toEqual([
      [3, 'invalid_id', '第3行：身份证号 校验位错误'],
      [4, 'bad_amount', '第4行：发放金额无法识别：“三百元”'],
      [5, 'bad_date', '第5行：发放日期无法识别：“2023-13-45”'],
      [6, 'missing_value', '第6行：缺少姓名'],
    ]);
    // The original cells travel with the rejected row (for the rejects file).
    expect(rejected[1]?.original).toMatchObject({ 姓名: '王五', '金额（元）': '三百元' });
    // A spreadsheet-destroyed ID is kept and marked lost (name + village matching later).
    expect(accepted.map((r) => [r.row, r.idStatus])).toEqual([
      [2, 'as_given'],
      [7, 'lost'],
    ]);
    expect(result.quality.idsLost).toBe(1);
  });
});

describe('broken files of the corpus: one specific error each', () => {
  it('missing column: lists the expected and the found columns', async () => {
    const error = await refusal('missing-column.csv');
    expect(error.code).toBe('missing_columns');
    expect(error.details.expected).toEqual(['id_number/village']);
    expect(error.details.found).toEqual(['项目名称', '姓名', '乡镇', '金额（元）', '发放日期']);
    expect(error.message).toBe(
      '文件 missing-column.csv 缺少民生资金发放明细的必需列：身份证号(id_number)或村(社区)(village)。' +
        '文件中的列：项目名称、姓名、乡镇、金额（元）、发放日期。' +
        '如果文件中的列名不同，请指定列映射（npm run cli -- upload <目录> --map 列名=列，或 PUT /api/v1/column-mappings）',
    );
  });

  it('empty file and a file of blank lines', async () => {
    for (const name of ['empty.csv', 'blank-lines.csv']) {
      const error = await refusal(name);
      expect(error.code, name).toBe('empty_file');
      expect(error.message, name).toBe(`文件 ${name} 是空文件`);
    }
  });

  it('not a spreadsheet: a PNG and a PDF saved as .csv', async () => {
    for (const name of ['screenshot.csv', 'scan.pdf.csv']) {
      const error = await refusal(name);
      expect(error.code, name).toBe('not_a_spreadsheet');
      expect(error.message, name).toBe(`文件 ${name} 不是表格文件（仅支持 .xlsx 和 .csv）`);
    }
  });

  it('an old binary .xls: asks for .xlsx or .csv', async () => {
    const error = await refusal('old-excel.xls');
    expect(error.code).toBe('unsupported_format');
    expect(error.message).toContain('请另存为 .xlsx 或 .csv 后重新上传');
  });

  it('a ZIP archive that is not a workbook is "not a spreadsheet"', async () => {
    const error = await refusal('archive.xlsx');
    expect(error.code).toBe('not_a_spreadsheet');
  });

  it('UTF-16 without BOM is read', async () => {
    const { accepted } = await ingest('subsidy_payments', 'utf16le-no-bom.csv', corpus('utf16le-no-bom.csv'));
    expect(accepted).toHaveLength(PEOPLE.length);
  });
});

describe("the demo county's files", () => {
  const county = generateDemoCounty({ seed: 11, persons: 300, months: 6 });

  it('every file is read, and every payment the generator wrote is a row read', async () => {
    let payments = 0;
    for (const file of county.files) {
      const { result } = await ingest(file.kind, file.fileName, file.body);
      expect(result.quality.rowsRead, demoUploadKey(file)).toBeGreaterThan(0);
      expect(result.quality.accepted, demoUploadKey(file)).toBeGreaterThan(0);
      if (file.kind === 'subsidy_payments') payments += result.quality.rowsRead;
    }
    expect(payments).toBe(county.stats.payments);
  });
});

describe('a 50,000-row roster generated at test time', () => {
  it('streams through in GBK, every data row read, each rejection with a reason', async () => {
    const lines = [...messyRoster(50_000, { seed: 7, encoding: 'gbk' })];
    const spoiled = lines.filter((l) => l.kind === 'data' && l.cells[6] === '待核').length;
    const text = lines.map(
      (l) => `${l.cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\r\n`,
    );
    async function* body(): AsyncGenerator<Uint8Array> {
      // 1,000-line chunks cut anywhere in the byte stream, as S3 delivers it.
      for (let i = 0; i < text.length; i += 1000) yield iconv.encode(text.slice(i, i + 1000).join(''), 'gbk');
    }
    const { accepted, rejected, result } = await ingest('subsidy_payments', 'roster-50k.csv', body());
    expect(result.quality.rowsRead).toBe(50_000);
    expect(rejected.filter((r) => r.reason === 'bad_amount')).toHaveLength(spoiled);
    expect(rejected.every((r) => r.message.startsWith(`第${r.row}行：`))).toBe(true);
    expect(accepted.length).toBeGreaterThan(49_000);
    // Destroyed IDs are kept as lost, 15-digit ones repaired.
    expect(result.quality.idsLost).toBeGreaterThan(0);
    expect(result.quality.idsRepaired).toBeGreaterThan(0);
    // The program the catalogue doesn't know is kept and reported.
    expect(result.quality.unknownPrograms).toContain('城乡医疗救助');
  }, 60_000);
});
