/**
 * Test-side reading of the demo files, written independently of the generator: decode the
 * bytes, find the header under the title rows, map the Chinese header variants, and read IDs,
 * amounts and months the way CONTRACT.md §3 describes them.
 */
import { checkCharacter } from '@jiandu/domain/normalize/id';
import { PROGRAMS } from '@jiandu/domain/programs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { DemoFile } from '../src/index.js';

export type Encoding = 'utf8' | 'utf8-bom' | 'gbk';

/** Decode a file: BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GBK. */
export function decode(body: Uint8Array): { text: string; encoding: Encoding } {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(body), encoding: 'utf8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf8' };
  } catch {
    return { text: iconv.decode(Buffer.from(body), 'gbk'), encoding: 'gbk' };
  }
}

export type Field =
  | 'id'
  | 'name'
  | 'amount'
  | 'township'
  | 'village'
  | 'program'
  | 'period'
  | 'payDate'
  | 'date'
  | 'gender'
  | 'birth'
  | 'relation'
  | 'householdNo'
  | 'code'
  | 'level'
  | 'parent'
  | 'source';

const FIELD_HEADERS: readonly [Field, RegExp][] = [
  ['id', /^(身份证号|公民身份号码|身份证号码|证件号码)$/],
  ['name', /^(姓名|户主姓名|领取人|名称)$/],
  ['amount', /^(金额|发放金额)$/],
  ['township', /^乡镇/],
  ['village', /^村/],
  ['program', /^(项目名称|资金名称|补贴类别)$/],
  ['period', /^(所属期|发放月份)$/],
  ['payDate', /^发放日期$/],
  ['date', /^(死亡日期|注销日期)$/],
  ['gender', /^性别$/],
  ['birth', /^出生日期$/],
  ['relation', /^与户主关系$/],
  ['householdNo', /^户号$/],
  ['code', /^统计用区划代码$/],
  ['level', /^级别$/],
  ['parent', /^上级区划代码$/],
  ['source', /^数据来源$/],
];

/** A header cell without blanks and without a unit in brackets (`金额（元）` → `金额`). */
function bareHeader(cell: string): string {
  return cell.replace(/\s/g, '').replace(/[（(][^）)]*[）)]$/, '');
}

/** One data row: its 1-based line and its cells by field. */
export interface Row {
  readonly line: number;
  readonly cells: Readonly<Partial<Record<Field, string>>>;
}

/** A parsed table: the lines above the header, the header, the data rows and what follows them. */
export interface Table {
  readonly file: DemoFile;
  readonly encoding: Encoding;
  readonly above: string[][];
  readonly header: string[];
  readonly rows: Row[];
  readonly below: string[][];
}

/** Parse a demo CSV: the header is the first row that maps an ID or 区划代码 column. */
export function readTable(file: DemoFile): Table {
  const { text, encoding } = decode(file.body);
  const records = parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  const headerIndex = records.findIndex((r) =>
    r.some((c) => /^(身份证号|公民身份号码|身份证号码|证件号码|统计用区划代码)$/.test(bareHeader(c))),
  );
  if (headerIndex < 0) throw new Error(`no header in ${file.fileName}`);
  const header = records[headerIndex] as string[];
  const columns = new Map<number, Field>();
  header.forEach((h, i) => {
    const found = FIELD_HEADERS.find(([, re]) => re.test(bareHeader(h)));
    if (found && ![...columns.values()].includes(found[0])) columns.set(i, found[0]);
  });
  const rows: Row[] = [];
  let end = headerIndex + 1;
  for (; end < records.length; end++) {
    const r = records[end] as string[];
    const first = (r[0] ?? '').trim();
    // The table ends at a blank row or the 合计/总计 row.
    if (r.every((c) => c.trim() === '') || first === '合计' || first === '总计') break;
    const cells: Partial<Record<Field, string>> = {};
    for (const [i, field] of columns) cells[field] = r[i] ?? '';
    rows.push({ line: end + 1, cells });
  }
  return { file, encoding, above: records.slice(0, headerIndex), header, rows, below: records.slice(end) };
}

/** What an ID cell turned out to be. */
export type IdReading = { kind: 'valid' | 'legacy'; id18: string } | { kind: 'sci' | 'zeros' | 'invalid' };

/** A valid 18-character ID: MOD 11-2 check character and a real birth date. */
export function isValid18(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id) || checkCharacter(id.slice(0, 17)) !== id[17]) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Read an ID cell: trivial clean-up, 15→18 upgrade, or recognise how it was destroyed. */
export function readIdCell(raw: string): IdReading {
  const s = raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (/^\d\.\d+E\+\d+$/.test(s)) return { kind: 'sci' };
  if (isValid18(s)) return { kind: 'valid', id18: s };
  if (/^\d{15}$/.test(s)) {
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    const id18 = first17 + checkCharacter(first17);
    return isValid18(id18) ? { kind: 'legacy', id18 } : { kind: 'invalid' };
  }
  if (/^\d{15}000$/.test(s)) return { kind: 'zeros' };
  return { kind: 'invalid' };
}

/** Amount text → integer fen. */
export function readAmount(raw: string): number {
  const s = raw.replace(/[¥￥,\s元]/g, '');
  if (s.endsWith('万')) return Math.round(Number(s.slice(0, -1)) * 1_000_000);
  if (!/^\d+(\.\d{1,2})?$/.test(s)) throw new Error(`not an amount: ${raw}`);
  const [whole, frac = ''] = s.split('.') as [string, string?];
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Date text (ISO, slash, compact, Chinese, Excel serial) → `YYYY-MM-DD`. */
export function readDate(raw: string): string {
  const s = raw.trim();
  const pad = (n: string | number): string => String(n).padStart(2, '0');
  let m =
    /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(s) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(s) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s);
  if (m) return `${m[1]}-${pad(m[2] as string)}-${pad(m[3] as string)}`;
  m = /^(\d{5})$/.exec(s);
  if (m) return new Date(Date.UTC(1899, 11, 30) + Number(m[1]) * 86_400_000).toISOString().slice(0, 10);
  throw new Error(`not a date: ${raw}`);
}

/** Period text (`2023-03`, `2023年3月`, `2023.03`) → `YYYY-MM`. */
export function readPeriod(raw: string): string {
  const m = /^(\d{4})(?:-|\.|年)(\d{1,2})月?$/.exec(raw.trim());
  if (!m) throw new Error(`not a period: ${raw}`);
  return `${m[1]}-${(m[2] as string).padStart(2, '0')}`;
}

/** Program cell → catalogue code. */
export function programCode(raw: string): string {
  const name = raw.trim();
  const program = PROGRAMS.find((p) => p.name === name || p.aliases.includes(name));
  if (!program) throw new Error(`unknown program: ${raw}`);
  return program.code;
}

/** Name for comparison: blanks removed, traditional surnames mapped back. */
export function nameForMatch(raw: string): string {
  const trad: Record<string, string> = {
    張: '张',
    陳: '陈',
    劉: '刘',
    楊: '杨',
    黃: '黄',
    趙: '赵',
    吳: '吴',
    孫: '孙',
    鄭: '郑',
    謝: '谢',
    韓: '韩',
    馮: '冯',
    鄧: '邓',
    羅: '罗',
    許: '许',
  };
  return raw.replace(/[\s\u3000]/g, '').replace(/./gu, (c) => trad[c] ?? c);
}

/** Village cell → village name (`龙泉村委会` → `龙泉村`). */
export function villageName(raw: string): string {
  return raw.trim().replace(/委会$/, '');
}

/** Months between two `YYYY-MM` months (b − a). */
export function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

export function ofKind(files: readonly DemoFile[], kind: string): DemoFile[] {
  return files.filter((f) => f.kind === kind);
}
