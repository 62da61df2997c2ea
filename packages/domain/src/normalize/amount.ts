/**
 * Money as departments write it (CONTRACT.md §3), to integer fen (1 元 = 100 fen).
 */

/** The unit a bare number is in: 元 (default) or 万元 (registered capital, some budgets). */
export type AmountUnit = 'yuan' | 'wan';

/** Options of {@link normalizeAmount}. */
export interface AmountOptions {
  /** Unit of a bare number; an explicit `元` / `万` in the value wins. Default `yuan`. */
  readonly unit?: AmountUnit;
}

// Decimal places of fen per unit: 1 元 = 10^2 fen, 1 万元 = 10^6 fen.
const SCALE: Readonly<Record<AmountUnit, number>> = { yuan: 2, wan: 6 };

const NOISE = /[\s,，_'’¥￥]|RMB|CNY|人民币/gi;
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Scale a decimal string by 10^scale exactly (no binary floating point), rounding half away
 * from zero beyond the last kept digit.
 */
function decimalToInteger(sign: string, intPart: string, fracPart: string, scale: number): number | null {
  if (intPart === '' && fracPart === '') return null;
  const digits = `${intPart}${fracPart.slice(0, scale).padEnd(scale, '0')}`.replace(/^0+(?=\d)/, '');
  let value = BigInt(digits === '' ? '0' : digits);
  const next = fracPart.charAt(scale);
  if (next !== '' && Number(next) >= 5) value += 1n;
  if (sign === '-') value = -value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Normalize an amount to integer fen, or `null` when it is empty or not an amount.
 *
 * Accepts `1,200.00`, `¥1200`, `￥1,200`, `1200元`, `100元整`, `0.12万`, `1.2万元`, full-width digits,
 * negative amounts (refunds, also written `(1,200.00)`) and numbers from spreadsheet cells.
 * Decimal text is scaled exactly, so `0.1 + 0.2`-style float drift never reaches the fen.
 */
export function normalizeAmount(
  raw: string | number | null | undefined,
  options: AmountOptions = {},
): number | null {
  if (raw === null || raw === undefined) return null;
  let unit: AmountUnit = options.unit ?? 'yuan';
  let s: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return null;
    // The shortest round-trip text of a float is the decimal the user typed (0.12, not 0.11999…).
    s = String(raw);
    if (/e/i.test(s)) {
      const fen = Math.round(raw * 10 ** SCALE[unit]);
      return Number.isSafeInteger(fen) ? fen : null;
    }
  } else {
    s = raw.normalize('NFKC').replace(/−/g, '-').replace(NOISE, '');
    if (s === '') return null;
    // Accounting notation for negative amounts: (1,200.00)
    const paren = /^\((.*)\)$/.exec(s);
    if (paren) s = `-${paren[1]}`;
    // `100元整` / `100.00元正`: 整 (正) closes an amount written out on a voucher.
    const suffix = /(万元|万|元)[整正]?$/.exec(s);
    if (suffix) {
      unit = suffix[1] === '元' ? 'yuan' : 'wan';
      s = s.slice(0, suffix.index);
    }
  }
  const m = NUMBER.exec(s);
  if (!m) return null;
  return decimalToInteger(m[1] ?? '', m[2] ?? '', m[3] ?? '', SCALE[unit]);
}

/** Format integer fen as yuan with two decimals (`120000` → `1200.00`), for messages and exports. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parse a plain decimal quantity (area, counts): blanks, commas and trailing units removed. */
export function normalizeNumber(raw: string | number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  const s = raw
    .normalize('NFKC')
    .replace(/[\s,，]/g, '')
    .replace(/(平方米|平米|m2|m²|㎡|亩|张|份|个|辆|套|间)$/i, '');
  if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  return Number(s);
}
