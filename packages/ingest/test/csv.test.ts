import { FileRejectedError } from '@jiandu/ingest';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { chunked, collect, id, utf8 } from './helpers.js';

const A = id('43052119800101001');
const B = id('43052119751212002');
const B15 = '430521751212002';
const C = id('43052119901111003');

describe('household_registry CSV', () => {
  it('rejects a row with more cells than the header (an unquoted delimiter shifts its columns), naming row and cell', async () => {
    const csv = [
      '公民身份号码,姓名,户号,与户主关系,乡镇,村,住址',
      `${A},张三,H001,户主,灰山港镇,红星村,红星村1组`,
      // 王,五: the name split in two moves every later value one column right.
      `${B},王,五,H002,户主,灰山港镇,红星村,红星村2组`,
      // An address with a comma: its last part would be dropped.
      `${C},李四,H003,户主,灰山港镇,红星村,红星村3组,12号`,
      // Empty cells beyond the header (a trailing delimiter) are nothing.
      `${id('43052119850505004')},赵六,H004,户主,灰山港镇,红星村,红星村4组,,`,
    ].join('\n');
    const { accepted, rejected, result } = await collect('household_registry', utf8(csv));
    expect(accepted.map((r) => [r.row, r.values.name, r.values.village])).toEqual([
      [2, '张三', '红星村'],
      [5, '赵六', '红星村'],
    ]);
    expect(rejected.map((r) => [r.row, r.reason])).toEqual([
      [3, 'extra_cells'],
      [4, 'extra_cells'],
    ]);
    expect(rejected[0]?.message).toMatch(/^第3行：第8列在表头之外却有内容/);
    expect(rejected[1]?.message).toMatch(/^第4行：第8列在表头之外却有内容.*未加引号的分隔符/);
    // Nothing of the row is lost: every cell is in the rejects file (the message quotes none).
    expect(rejected[1]?.original).toMatchObject({ 住址: '红星村3组', 第8列: '12号' });
    expect(result.quality.rejectedByReason).toEqual({ extra_cells: 2 });
  });

  it('reads UTF-8 with canonical values, derived birth date and gender', async () => {
    const csv = [
      '公民身份号码,姓名,户号,与户主关系,乡镇,村,住址',
      `${A},张 三,H001,户主,灰山港镇,红星村委会,红星村 1组`,
      `${C.toLowerCase()},歐陽娜娜,H001,女儿,灰山港镇,红星村,红星村1组`,
    ].join('\n');
    const { accepted, rejected, result } = await collect('household_registry', utf8(csv));
    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(2);
    expect(accepted[0]).toEqual({
      row: 2,
      idNumber: A,
      idStatus: 'as_given',
      values: {
        id_number: A,
        name: '张三',
        gender: '男',
        birth_date: '1980-01-01',
        household_no: 'H001',
        relation: '户主',
        township: '灰山港镇',
        village: '红星村',
        address: '红星村 1组',
        township_code: null,
        village_code: null,
      },
    });
    expect(accepted[1]?.values.name).toBe('欧阳娜娜');
    expect(accepted[1]?.idNumber).toBe(C);
    expect(result.columns).toEqual([
      'id_number',
      'name',
      'household_no',
      'relation',
      'township',
      'village',
      'address',
    ]);
    expect(result.sheets).toEqual([]);
    expect(result.coverage).toEqual([]);
  });

  it('reads UTF-8 with BOM (the first header is not polluted by the BOM)', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(`身份证号,姓名\r\n${A},张三\r\n`)]);
    const { accepted, result } = await collect('household_registry', bytes);
    expect(accepted.map((r) => r.idNumber)).toEqual([A]);
    expect(result.columns).toEqual(['id_number', 'name']);
  });

  it('reads GBK with title rows, a total row and notes, counting only data rows', async () => {
    const csv = [
      '某某县2018年7月农村低保发放花名册,,,,,,,',
      '填报单位：县民政局,,,,,,,',
      ',,,,,,,',
      '序号,项目名称,户主姓名,身份证号码,乡镇（街道）,村（社区）,金额（元）,发放日期',
      `1,农村低保,张三,${A},灰山港镇,红星村委会,"1,200.00",2018/7/1`,
      `2,农村低保,李四,${B15},灰山港镇,红星村,300,20180701`,
      ',,,,,,,',
      `3,高龄津贴,王五,${C},灰山港镇,红星村,￥50,2018年7月5日`,
      '合  计,,,,,,1550,',
      '备注：本表由民政局提供,,,,,,,',
      '2、金额单位为元,,,,,,,',
      '制表人：某某,,审核人：某某,,,,,',
    ].join('\r\n');
    const { accepted, rejected, result } = await collect(
      'subsidy_payments',
      iconv.encode(csv, 'gbk'),
      'gbk.csv',
    );
    expect(rejected).toEqual([]);
    expect(accepted.map((r) => r.row)).toEqual([5, 6, 8]);
    expect(accepted.map((r) => r.values.amount)).toEqual([120_000, 30_000, 5_000]);
    expect(accepted[0]?.values).toMatchObject({
      program: 'DIBAO_RURAL',
      program_name: '农村低保',
      recipient_name: '张三',
      village: '红星村',
      pay_date: '2018-07-01',
      period: '2018-07',
    });
    expect(accepted[1]).toMatchObject({ idNumber: B, idStatus: 'repaired' });
    expect(accepted[2]?.values.pay_date).toBe('2018-07-05');
    expect(result.quality).toMatchObject({
      rowsRead: 3,
      accepted: 3,
      rejected: 0,
      idsRepaired: 1,
      idsLost: 0,
    });
    expect(result.coverage).toEqual(['DIBAO_RURAL|2018-07', 'GAOLING|2018-07']);
  });

  it('reads Excel\'s tab-separated UTF-16 "Unicode text"', async () => {
    const text = `\ufeff姓名\t身份证号\t死亡日期\r\n張三\t${A}\t2018-03-15\r\n`;
    const { accepted } = await collect('death_records', iconv.encode(text, 'utf-16le'), 'deaths.txt');
    expect(accepted[0]?.values).toEqual({
      id_number: A,
      name: '张三',
      death_date: '2018-03-15',
      source: null,
    });
  });

  it('reads GBK behind a UTF-8 BOM whatever character the file ends in', async () => {
    // The file ends on whole characters; the sniffer once dropped a fixed 4 bytes, which cut
    // 省 in half and so misread the file as UTF-8.
    const text = `姓名,身份证号,死亡日期,数据来源\r\n张三,${A},2018年3月15日,湖南省123`;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(text, 'gbk')]);
    const { accepted, rejected } = await collect('death_records', bytes);
    expect(rejected).toEqual([]);
    expect(accepted[0]?.values).toMatchObject({ name: '张三', source: '湖南省123' });
  });

  it('decodes multi-byte characters cut across stream chunks (UTF-8 and GBK)', async () => {
    const lines = ['姓名,身份证号,死亡日期,数据来源'];
    for (let i = 0; i < 200; i++) lines.push(`欧阳娜娜${i},${A},2018年3月15日,公安注销`);
    const text = lines.join('\n');
    for (const bytes of [utf8(text), iconv.encode(text, 'gb18030')]) {
      const { accepted, rejected } = await collect('death_records', chunked(bytes, 7));
      expect(rejected).toEqual([]);
      expect(accepted).toHaveLength(200);
      expect(accepted[199]?.values).toEqual({
        id_number: A,
        name: '欧阳娜娜199',
        death_date: '2018-03-15',
        source: '公安注销',
      });
    }
  });

  it('numbers rows as Excel does when a quoted cell holds a line break', async () => {
    const csv = `姓名,身份证号,住址\n张三,${A},"红星村\n1组"\n李四,${B},红星村\n`;
    const { accepted } = await collect('household_registry', utf8(csv));
    expect(accepted.map((r) => [r.row, r.values.address])).toEqual([
      [2, '红星村 1组'],
      [3, '红星村'],
    ]);
  });

  it('reads tab-separated text and full-width, spaced, bracketed headers', async () => {
    const csv = `　姓　名\t身份证号码（18位）\t死亡日期\n张三\t${A}\t20180315\n`;
    const { accepted } = await collect('death_records', utf8(csv));
    expect(accepted[0]?.values).toMatchObject({ name: '张三', id_number: A, death_date: '2018-03-15' });
  });

  it('tolerates blank (merged) header cells and a group label row above the header', async () => {
    const csv = [
      '基本信息,,,发放信息,,',
      '姓名,身份证号,,金额（元）,项目名称,发放月份',
      `张三,${A},,200,城市低保,2018.07`,
      `张三,${A},多余,200,城市低保,2018.08`,
    ].join('\n');
    const { accepted, rejected, result } = await collect('subsidy_payments', utf8(csv));
    expect(rejected).toEqual([]);
    expect(accepted.map((r) => r.values.period)).toEqual(['2018-07', '2018-08']);
    expect(accepted[0]?.values.pay_date).toBeNull();
    expect(result.coverage).toEqual(['DIBAO_URBAN|2018-07', 'DIBAO_URBAN|2018-08']);
  });

  it('reads amounts in 万元 when the header says so', async () => {
    const csv = `企业名称,法定代表人,法定代表人身份证号,注册资本（万元）,登记状态,成立日期\n某某商贸有限公司,张三,${A},50,存续,2015-3-1\n`;
    const { accepted } = await collect('market_entities', utf8(csv));
    expect(accepted[0]).toMatchObject({
      idNumber: A,
      values: {
        legal_rep_name: '张三',
        registered_capital: 50_000_000,
        status: '存续',
        established_date: '2015-03-01',
      },
    });
  });

  it('skips a header repeated on every printed page', async () => {
    const csv = `姓名,身份证号\n张三,${A}\n姓名,身份证号\n李四,${B}\n`;
    const { accepted, result } = await collect('household_registry', utf8(csv));
    expect(accepted.map((r) => r.values.name)).toEqual(['张三', '李四']);
    expect(result.quality.rowsRead).toBe(2);
  });
});

describe('ID handling and the quality report', () => {
  it('accepts lost IDs with name + village, rejects invalid ones with a reason each', async () => {
    const csv = [
      '项目名称,姓名,身份证号,村,金额,发放日期',
      `农村低保,张三,${A.slice(0, 17)}${A[17] === 'X' ? 'x' : A[17]},红星村,100,2018-07-01`,
      `农村低保,李四,${B15},红星村,100,2018-07-01`,
      '农村低保,王五,4.30521E+17,红星村,100,2018-07-01',
      `农村低保,赵六,${C.slice(0, 15)}000,红星村,100,2018-07-01`,
      '农村低保,钱七,4.30521E+17,,100,2018-07-01',
      `农村低保,孙八,${A.slice(0, 17)}${A[17] === '1' ? '2' : '1'},红星村,100,2018-07-01`,
      '农村低保,周九,430521198002300011,红星村,100,2018-07-01',
      '农村低保,吴十,12345,红星村,100,2018-07-01',
      `农村低保,,${C},红星村,100,2018-07-01`,
      `农村低保,郑一,${C},红星村,一百,2018-07-01`,
      `农村低保,冯二,${C},红星村,100,2018-02-30`,
    ].join('\n');
    const { accepted, rejected, result } = await collect('subsidy_payments', utf8(csv));
    expect(accepted.map((r) => [r.values.recipient_name, r.idStatus])).toEqual([
      ['张三', 'as_given'],
      ['李四', 'repaired'],
      ['王五', 'lost'],
      ['赵六', 'lost'],
    ]);
    expect(accepted[2]?.idNumber).toBeUndefined();
    expect(accepted[2]?.values.id_number).toBeNull();
    expect(rejected.map((r) => [r.row, r.reason])).toEqual([
      [6, 'id_lost'],
      [7, 'invalid_id'],
      [8, 'invalid_id'],
      [9, 'invalid_id'],
      [10, 'missing_value'],
      [11, 'bad_amount'],
      [12, 'bad_date'],
    ]);
    expect(rejected[1]?.message).toBe('第7行：身份证号 校验位错误');
    expect(rejected[2]?.message).toBe('第8行：身份证号 出生日期无效');
    expect(rejected[4]?.message).toBe('第10行：缺少姓名');
    expect(rejected[5]?.message).toContain('发放金额');
    expect(rejected[0]?.original).toEqual({
      项目名称: '农村低保',
      姓名: '钱七',
      身份证号: '4.30521E+17',
      村: '',
      金额: '100',
      发放日期: '2018-07-01',
    });
    // Messages never carry the ID number itself.
    for (const r of rejected) expect(r.message).not.toMatch(/\d{15}/);
    expect(result.quality).toEqual({
      rowsRead: 11,
      accepted: 4,
      rejected: 7,
      rejectedByReason: { bad_amount: 1, bad_date: 1, id_lost: 1, invalid_id: 3, missing_value: 1 },
      idsRepaired: 1,
      idsLost: 2,
      unknownPrograms: [],
      warnings: [],
      columns: expect.arrayContaining([{ header: '发放日期', column: 'pay_date', how: 'alias' }]),
    });
  });

  it('keeps unknown programs as given, warns and lists them', async () => {
    const csv = `资金名称,领取人,身份证号,发放金额,所属期\n独生子女 奖励扶助,张三,${A},100,2018-07\n独生子女奖励扶助,李四,${B},100,2018-07\n`;
    const { accepted, result } = await collect('subsidy_payments', utf8(csv));
    expect(accepted[0]?.values).toMatchObject({
      program: '独生子女奖励扶助',
      program_name: '独生子女 奖励扶助',
    });
    expect(result.quality.unknownPrograms).toEqual(['独生子女奖励扶助']);
    expect(result.quality.warnings).toEqual(['未知项目名称“独生子女奖励扶助”，按非低保类处理（2行）']);
  });
});

describe('files refused as a whole', () => {
  async function refusal(kind: Parameters<typeof collect>[0], body: Uint8Array, name = 'x.csv') {
    try {
      await collect(kind, body, name);
    } catch (error) {
      expect(error).toBeInstanceOf(FileRejectedError);
      return error as FileRejectedError;
    }
    throw new Error('expected the file to be refused');
  }

  it('refuses empty files and files of blank lines', async () => {
    expect((await refusal('household_registry', new Uint8Array())).code).toBe('empty_file');
    expect((await refusal('household_registry', utf8('\r\n\r\n , ,\n'))).code).toBe('empty_file');
    expect((await refusal('household_registry', new Uint8Array([0xef, 0xbb, 0xbf, 0x0a]))).code).toBe(
      'empty_file',
    );
  });

  it('refuses binary files by content, whatever the extension', async () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect((await refusal('household_registry', png, 'data.csv')).code).toBe('not_a_spreadsheet');
    const pdf = utf8('%PDF-1.4\n1 0 obj\n');
    expect((await refusal('household_registry', pdf, 'data.xlsx')).code).toBe('not_a_spreadsheet');
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    expect((await refusal('household_registry', xls, 'data.xls')).code).toBe('unsupported_format');
    const brokenZip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]);
    expect((await refusal('household_registry', brokenZip, 'data.xlsx')).code).toBe('not_a_spreadsheet');
  });

  it('lists expected and found columns when a required column is missing', async () => {
    const csv = `xx县低保花名册\n姓名,身份证号,村,发放日期\n张三,${A},红星村,2018-07-01\n`;
    const error = await refusal('subsidy_payments', utf8(csv));
    expect(error.code).toBe('missing_columns');
    expect(error.details.expected).toEqual(['program', 'amount']);
    expect(error.details.found).toEqual(['姓名', '身份证号', '村', '发放日期']);
    expect(error.message).toContain('发放金额(amount)');
    expect(error.message).toContain('姓名、身份证号、村、发放日期');
  });

  it('refuses a file without any recognizable header', async () => {
    const error = await refusal('death_records', utf8('a,b,c\n1,2,3\n'));
    expect(error.code).toBe('no_header');
    expect(error.details.found).toEqual(['a', 'b', 'c']);
  });
});

describe('streaming', () => {
  it('streams a 50,000-row CSV through in chunks', async () => {
    async function* generate(): AsyncGenerator<Uint8Array> {
      yield utf8('xx县2018年农村低保发放明细\n项目名称,姓名,身份证号,村(社区),金额(元),发放日期\n');
      const encoder = new TextEncoder();
      for (let block = 0; block < 500; block++) {
        let text = '';
        for (let i = 0; i < 100; i++) {
          const n = block * 100 + i;
          const idText = n % 1000 === 999 ? `${A.slice(0, 17)}${A[17] === '1' ? '2' : '1'}` : A;
          text += `农村低保,张${n},${idText},红星村,${(n % 500) + 1}.50,2018-${String((n % 12) + 1).padStart(2, '0')}-01\n`;
        }
        yield encoder.encode(text);
      }
      yield utf8('合计,,,,,\n');
    }
    let accepted = 0;
    let rejected = 0;
    let total = 0;
    const { ingestFile } = await import('@jiandu/ingest');
    const result = await ingestFile(
      'subsidy_payments',
      { fileName: 'big.csv', body: generate() },
      {
        accept: (row) => {
          accepted++;
          total += row.values.amount as number;
        },
        reject: () => {
          rejected++;
        },
      },
    );
    expect(accepted).toBe(49_950);
    expect(rejected).toBe(50);
    expect(result.quality).toMatchObject({ rowsRead: 50_000, accepted: 49_950, rejected: 50 });
    expect(result.coverage).toHaveLength(12);
    let expected = 0;
    for (let n = 0; n < 50_000; n++) if (n % 1000 !== 999) expected += ((n % 500) + 1) * 100 + 50;
    expect(total).toBe(expected);
  });
});
