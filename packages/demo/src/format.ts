import iconv from 'iconv-lite';
import { epochDay } from './calendar.js';

/** How a file is encoded. */
export type Encoding = 'utf8' | 'utf8-bom' | 'gbk';
export const ENCODINGS: readonly Encoding[] = ['gbk', 'utf8-bom', 'utf8'];

/** How dates are written. `excel` is the spreadsheet serial number of the day. */
export type DateStyle = 'iso' | 'slash' | 'compact' | 'chinese' | 'excel';
export const DATE_STYLES: readonly DateStyle[] = ['iso', 'slash', 'compact', 'chinese', 'excel'];

/** How a month (所属期) is written. */
export type PeriodStyle = 'iso' | 'chinese' | 'dotted';
export const PERIOD_STYLES: readonly PeriodStyle[] = ['iso', 'chinese', 'dotted'];

/** How amounts are written. `wan` writes amounts of 1,000 元 and more in 万. */
export type AmountStyle = 'decimal' | 'comma' | 'yen' | 'yuan' | 'bare' | 'wan';
export const AMOUNT_STYLES: readonly AmountStyle[] = [
  'decimal',
  'comma',
  'yen',
  'yuan',
  'bare',
  'decimal',
  'wan',
];

/** A date (`YYYY-MM-DD`) as written in the given style. */
export function writeDate(date: string, style: DateStyle): string {
  const [y, m, d] = date.split('-') as [string, string, string];
  switch (style) {
    case 'iso':
      return date;
    case 'slash':
      return `${y}/${Number(m)}/${Number(d)}`;
    case 'compact':
      return `${y}${m}${d}`;
    case 'chinese':
      return `${y}年${Number(m)}月${Number(d)}日`;
    case 'excel':
      // Day 0 of Excel's 1900 date system is 1899-12-30 (because of its 1900 leap-year bug).
      return String(epochDay(date) - epochDay('1899-12-30'));
  }
}

/** A month (`YYYY-MM`) as written in the given style. */
export function writePeriod(month: string, style: PeriodStyle): string {
  switch (style) {
    case 'iso':
      return month;
    case 'chinese':
      return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
    case 'dotted':
      return `${month.slice(0, 4)}.${month.slice(5, 7)}`;
  }
}

function yuan(fen: number, alwaysDecimals: boolean): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0 && !alwaysDecimals) return String(whole);
  const frac = String(cents).padStart(2, '0');
  return `${whole}.${alwaysDecimals ? frac : frac.replace(/0$/, '')}`;
}

/**
 * An amount in fen as written in the given style. The yen sign is the full-width `￥` in GBK
 * files (GBK has no `¥`).
 */
export function writeAmount(fen: number, style: AmountStyle, encoding: Encoding): string {
  switch (style) {
    case 'decimal':
      return yuan(fen, true);
    case 'comma': {
      const [whole, frac] = yuan(fen, true).split('.') as [string, string];
      return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${frac}`;
    }
    case 'yen':
      return `${encoding === 'gbk' ? '￥' : '¥'}${yuan(fen, false)}`;
    case 'yuan':
      return `${yuan(fen, false)}元`;
    case 'bare':
      return yuan(fen, false);
    case 'wan': {
      if (fen < 100_000 || fen % 100 !== 0) return yuan(fen, true);
      // Whole yuan in 万 need at most four decimals, so this is exact.
      const wan = (fen / 1_000_000).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
      return `${wan}万`;
    }
  }
}

/** One CSV field, quoted when it contains a delimiter, quote or line break (or always, if asked). */
export function csvField(value: string, quoteAll: boolean): string {
  if (quoteAll || /[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

/** The layout of a department's spreadsheet export. */
export interface SheetLayout {
  /** Title rows above the header (`青山县2023年3月农村低保发放花名册`, `填报单位：…`). */
  readonly titles: readonly string[];
  /** Pad title rows with empty cells to the table width (how Excel exports merged titles). */
  readonly padTitles: boolean;
  /** A blank row between the titles and the header. */
  readonly blankAfterTitles: boolean;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** The `合计` row, if any. */
  readonly total?: readonly string[];
  /** Notes under the table (`制表人：… 审核人：…`), one row each, preceded by a blank row. */
  readonly notes: readonly string[];
  readonly quoteAll: boolean;
  readonly eol: '\n' | '\r\n';
}

/** The rendered CSV text and the 1-based line number of the first data row. */
export function renderCsv(layout: SheetLayout): { text: string; firstDataLine: number } {
  const width = layout.header.length;
  const lines: string[] = [];
  const row = (cells: readonly string[]): string => cells.map((c) => csvField(c, layout.quoteAll)).join(',');
  for (const title of layout.titles) {
    lines.push(row(layout.padTitles ? [title, ...Array<string>(width - 1).fill('')] : [title]));
  }
  if (layout.blankAfterTitles) lines.push(layout.padTitles ? ','.repeat(width - 1) : '');
  lines.push(row(layout.header));
  const firstDataLine = lines.length + 1;
  for (const r of layout.rows) lines.push(row(r));
  if (layout.total) lines.push(row(layout.total));
  if (layout.notes.length > 0) {
    lines.push('');
    for (const note of layout.notes) lines.push(row([note]));
  }
  return { text: lines.join(layout.eol) + layout.eol, firstDataLine };
}

/** Encode text as the file's bytes; GBK output is checked to round-trip so nothing turns into `?`. */
export function encodeText(text: string, encoding: Encoding): Uint8Array {
  let bytes: Uint8Array;
  if (encoding === 'gbk') {
    const buf = iconv.encode(text, 'gbk');
    if (iconv.decode(buf, 'gbk') !== text) throw new Error('text is not representable in GBK');
    bytes = buf;
  } else {
    bytes = new TextEncoder().encode(encoding === 'utf8-bom' ? `\uFEFF${text}` : text);
  }
  // A plain Uint8Array (not a Buffer subclass), so equality checks compare bytes only.
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
