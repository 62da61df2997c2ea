import { formatFen, normalizeAmount, normalizeNumber } from '@jiandu/domain/normalize/amount';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('normalizeAmount', () => {
  it.each([
    ['1,200.00', 120_000],
    ['¥1200', 120_000],
    ['￥1,200', 120_000],
    ['1200元', 120_000],
    ['0.12万', 120_000],
    ['1.2万元', 1_200_000],
    ['１，２００．５０', 120_050],
    ['  300 ', 30_000],
    ['-150.5', -15_050],
    ['(1,200.00)', -120_000],
    ['0.1', 10],
    ['.5', 50],
    ['1.005', 101],
    ['RMB 88', 8_800],
    ['100元整', 10_000],
    ['1,200.00元正', 120_000],
    ['2万元整', 2_000_000],
  ])('%s → %i fen', (raw, fen) => {
    expect(normalizeAmount(raw)).toBe(fen);
  });

  it('reads numeric cells without float drift', () => {
    expect(normalizeAmount(1200)).toBe(120_000);
    expect(normalizeAmount(0.1 + 0.2)).toBe(30);
    expect(normalizeAmount(1234.56)).toBe(123_456);
    expect(normalizeAmount(-35.1)).toBe(-3_510);
  });

  it('uses 万元 for bare numbers in 万元 columns, unless the value says otherwise', () => {
    expect(normalizeAmount('50', { unit: 'wan' })).toBe(50_000_000);
    expect(normalizeAmount(10.5, { unit: 'wan' })).toBe(10_500_000);
    expect(normalizeAmount('500000元', { unit: 'wan' })).toBe(50_000_000);
  });

  it('rejects what is not an amount', () => {
    expect(normalizeAmount('')).toBeNull();
    expect(normalizeAmount(null)).toBeNull();
    expect(normalizeAmount('无')).toBeNull();
    expect(normalizeAmount('1.2.3')).toBeNull();
    expect(normalizeAmount('-')).toBeNull();
    expect(normalizeAmount('整')).toBeNull();
    expect(normalizeAmount('100整')).toBeNull();
    expect(normalizeAmount(Number.NaN)).toBeNull();
  });

  it('parses any yuan amount with two decimals exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(normalizeAmount(formatFen(fen))).toBe(fen);
        const withCommas = formatFen(fen).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        expect(normalizeAmount(`¥${withCommas}`)).toBe(fen);
      }),
    );
  });
});

describe('normalizeNumber', () => {
  it('reads quantities with units', () => {
    expect(normalizeNumber('120.5㎡')).toBe(120.5);
    expect(normalizeNumber('1,200平方米')).toBe(1200);
    expect(normalizeNumber('3张')).toBe(3);
    expect(normalizeNumber(7)).toBe(7);
    expect(normalizeNumber('很多')).toBeNull();
  });
});
