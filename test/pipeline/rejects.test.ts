/**
 * The rejects file is written as rows are rejected (a file whose every row is rejected holds
 * bytes, not a row object each): it reads back as the table of every rejected row under the
 * original columns in order of first appearance, whichever rows brought which columns.
 */
import type { RejectedRow } from '@jiandu/domain/model';
import { CsvRecords } from '@jiandu/ingest/csv';
import { RejectsWriter } from '@jiandu/pipeline/rejects';
import { describe, expect, it } from 'vitest';

const row = (n: number, original: Record<string, string>, sheet?: string): RejectedRow => ({
  row: n,
  ...(sheet ? { sheet } : {}),
  reason: 'bad_date',
  message: `第${n}行：发放日期无法识别`,
  original,
});

describe('RejectsWriter', () => {
  it('has no file when nothing was rejected', () => {
    expect(new RejectsWriter().take()).toBeUndefined();
  });

  it('reads back as every rejected row under its own columns, across batches and sheets', () => {
    const writer = new RejectsWriter();
    const rows: RejectedRow[] = [];
    // More rows than one batch; a second sheet brings a column of its own and lacks one.
    for (let n = 2; n < 1200; n++)
      rows.push(
        n < 700
          ? row(n, { 姓名: `张${n}`, 发放日期: '2023年13月', 金额: '100' }, '一月')
          : row(n, { 姓名: `李${n}`, 发放日期: '=1+1', 备注: '补发,二月' }, '二月'),
      );
    for (const r of rows) writer.add(r);
    const bytes = writer.take() as Buffer;
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const records: string[][] = [];
    const parser = new CsvRecords(',', 10_000, (record) => records.push(record));
    parser.write(text);
    parser.end();
    const [header, ...lines] = records;
    expect(header).toEqual(['行号', '工作表', '原因代码', '原因', '姓名', '发放日期', '金额', '备注']);
    expect(lines).toHaveLength(rows.length);
    const table = lines.map((cells) => Object.fromEntries(header?.map((h, i) => [h, cells[i] ?? '']) ?? []));
    expect(table[0]).toEqual({
      行号: '2',
      工作表: '一月',
      原因代码: 'bad_date',
      原因: '第2行：发放日期无法识别',
      姓名: '张2',
      发放日期: '2023年13月',
      金额: '100',
      备注: '',
    });
    expect(table[1000]).toEqual({
      行号: '1002',
      工作表: '二月',
      原因代码: 'bad_date',
      原因: '第1002行：发放日期无法识别',
      // A formula-looking cell of the upload is neutralised.
      姓名: '李1002',
      发放日期: "'=1+1",
      金额: '',
      备注: '补发,二月',
    });
  });
});
