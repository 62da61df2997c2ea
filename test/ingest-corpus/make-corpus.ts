/**
 * Writes the hand-made files of the ingest corpus into `files/` (committed; a few KB each):
 *
 *   node --import tsx test/ingest-corpus/make-corpus.ts
 *
 * Each file is one way real department files go wrong (CONTRACT.md §3); `corpus.test.ts`
 * says what must become of it. No randomness: re-running gives the same content.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { checkCharacter } from '@jiandu/domain/normalize/id';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export const CORPUS_DIR = fileURLToPath(new URL('./files/', import.meta.url));

/** A valid ID from its first 17 digits. */
export const id = (first17: string): string => first17 + checkCharacter(first17);

/** The people of the corpus (fictional): valid IDs, one per row. */
export const PEOPLE = [
  { name: '张三', id: id('43112119560312001') },
  { name: '李秀英', id: id('43112119610705002') },
  { name: '欧阳·明', id: id('43112119480228003') },
  { name: '王建国', id: id('43112119520911004') },
  { name: '陈静', id: id('43112119700101005') },
  { name: '趙敏', id: id('43112119811224006') },
] as const;

const HEADER = '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期';
const rows = (): string[] =>
  PEOPLE.map((p, i) => `农村低保,${p.name},${p.id},青山镇,青山村,${300 + i * 10}.00,2023-0${1 + (i % 6)}-15`);

/** A GBK roster without BOM, under two title rows, with a total row: detected, not asked for. */
function gbkNoBom(): Buffer {
  const text = [
    '青山县2023年农村低保发放花名册',
    '填报单位：青山县民政局',
    HEADER,
    ...rows(),
    '合计,,,,,1950.00,',
    '',
  ].join('\r\n');
  return iconv.encode(text, 'gbk');
}

/** Excel's "Unicode text": UTF-16LE with BOM, tab-separated. */
function utf16WithBom(): Buffer {
  const text = [HEADER.replaceAll(',', '\t'), ...rows().map((r) => r.replaceAll(',', '\t')), ''].join('\r\n');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
}

/** UTF-16LE without a BOM: nothing says how to read it. */
function utf16NoBom(): Buffer {
  return iconv.encode([HEADER, ...rows(), ''].join('\r\n'), 'utf-16le');
}

/** The ID column is missing (and so is the village column that could stand in for it). */
function missingColumn(): Buffer {
  const text = ['项目名称,姓名,乡镇,金额（元）,发放日期', '农村低保,张三,青山镇,300,2023-01-15', ''].join(
    '\n',
  );
  return Buffer.from(text, 'utf8');
}

/** Title rows, a blank row, subtotal/total rows and notes around five data rows (UTF-8 with BOM). */
function titleRowsAndTotals(): Buffer {
  const data = rows().slice(0, 5);
  const text = [
    '青山县2023年1月农村低保发放花名册',
    '填报单位：青山县民政局（盖章）,,,,,单位：元,',
    '',
    HEADER,
    ...data.slice(0, 3),
    '小计,,,,,930.00,',
    ...data.slice(3),
    '',
    '合计,,,,,1590.00,',
    '总计,,,,,1590.00,',
    '备注：1、本表由乡镇民政办填报',
    '2、金额单位为元',
    '制表人：刘芳,,,审核人：陈建国',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** Rows a department could not mean: each is rejected with the reason, the rest accepted. */
function badRows(): Buffer {
  const good = PEOPLE[0];
  const badCheck = `${good.id.slice(0, 17)}${good.id.endsWith('1') ? '2' : '1'}`;
  const text = [
    HEADER,
    `农村低保,${good.name},${good.id},青山镇,青山村,300.00,2023-01-15`,
    `农村低保,李四,${badCheck},青山镇,青山村,300.00,2023-01-15`,
    `农村低保,王五,${PEOPLE[1].id},青山镇,青山村,三百元,2023-01-15`,
    `农村低保,赵六,${PEOPLE[2].id},青山镇,青山村,300.00,2023-13-45`,
    `农村低保,,${PEOPLE[3].id},青山镇,青山村,300.00,2023-01-15`,
    // A spreadsheet destroyed this ID: kept, matched by name + village later.
    `农村低保,${PEOPLE[4].name},4.31121E+17,青山镇,青山村,300.00,2023-01-15`,
    '',
  ].join('\n');
  return Buffer.from(text, 'utf8');
}

/** A workbook as county offices lay it out: merged title, merged group headers over two header rows. */
async function mergedHeader(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('1月');
  sheet.addRow(['青山县2023年1月农村低保发放花名册']);
  sheet.mergeCells('A1:H1');
  sheet.addRow(['序号', '对象信息', null, null, '所在地', null, '发放信息', null]);
  sheet.mergeCells('B2:D2');
  sheet.mergeCells('E2:F2');
  sheet.mergeCells('G2:H2');
  sheet.addRow([
    null,
    '项目名称',
    '姓名',
    '身份证号',
    '乡镇（街道）',
    '村（社区）',
    '金额（元）',
    '发放日期',
  ]);
  // 序号 spans both header rows.
  sheet.mergeCells('A2:A3');
  PEOPLE.forEach((p, i) => {
    sheet.addRow([
      i + 1,
      '农村低保',
      p.name,
      p.id,
      '青山镇',
      '青山村',
      300 + i * 10,
      new Date(Date.UTC(2023, 0, 15)),
    ]);
  });
  sheet.addRow(['合计', null, null, null, null, null, 1950, null]);
  sheet.mergeCells(`A${PEOPLE.length + 4}:F${PEOPLE.length + 4}`);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A real ZIP archive (one stored text file), named like a workbook. */
function zipArchive(): Buffer {
  const name = Buffer.from('readme.txt');
  const data = Buffer.from('not a workbook\n');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** The first bytes of a PNG screenshot someone saved as .csv. */
function png(): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.from([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  return Buffer.concat([signature, ihdr, Buffer.alloc(64)]);
}

/** A PDF scan of the roster, uploaded as a spreadsheet. */
function pdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    'latin1',
  );
}

/** An old binary Excel 97–2003 workbook (OLE2 compound file header). */
function xls(): Buffer {
  return Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
}

/** Every hand-made file of the corpus, by file name. */
export async function corpusFiles(): Promise<Record<string, Buffer>> {
  return {
    'gbk-no-bom.csv': gbkNoBom(),
    'utf16le-bom.txt': utf16WithBom(),
    'utf16le-no-bom.csv': utf16NoBom(),
    'missing-column.csv': missingColumn(),
    'title-rows-totals.csv': titleRowsAndTotals(),
    'bad-rows.csv': badRows(),
    'merged-header.xlsx': await mergedHeader(),
    'empty.csv': Buffer.alloc(0),
    'blank-lines.csv': Buffer.from('\r\n,,,\r\n \r\n\r\n', 'utf8'),
    'screenshot.csv': png(),
    'scan.pdf.csv': pdf(),
    'archive.xlsx': zipArchive(),
    'old-excel.xls': xls(),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const [name, bytes] of Object.entries(await corpusFiles()))
    writeFileSync(join(CORPUS_DIR, name), bytes);
}
