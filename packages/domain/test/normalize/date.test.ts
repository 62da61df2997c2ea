import {
  excelSerialToIso,
  monthStart,
  normalizeDate,
  normalizeMonth,
  normalizeYear,
} from '@jiandu/domain/normalize/date';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('normalizeDate', () => {
  it.each([
    ['2018-07-01', '2018-07-01'],
    ['2018/7/1', '2018-07-01'],
    ['20180701', '2018-07-01'],
    ['2018年7月1日', '2018-07-01'],
    ['2018.7.1', '2018-07-01'],
    [' 2018-7-1 0:00:00 ', '2018-07-01'],
    ['2018-07-01T00:00:00Z', '2018-07-01'],
    ['２０１８年７月１日', '2018-07-01'],
    ['43282', '2018-07-01'],
  ])('%s → %s', (raw, iso) => {
    expect(normalizeDate(raw)).toBe(iso);
  });

  it('reads Excel serials and 8-digit numbers from numeric cells', () => {
    expect(normalizeDate(43282)).toBe('2018-07-01');
    expect(normalizeDate(43282.75)).toBe('2018-07-01');
    expect(normalizeDate(20180701)).toBe('2018-07-01');
  });

  it('reads Date objects by their UTC date, as exceljs builds them', () => {
    expect(normalizeDate(new Date(Date.UTC(2018, 6, 1)))).toBe('2018-07-01');
    expect(normalizeDate(new Date(Number.NaN))).toBeNull();
  });

  it('rejects impossible and implausible dates', () => {
    expect(normalizeDate('2018-02-30')).toBeNull();
    expect(normalizeDate('2019-02-29')).toBeNull();
    expect(normalizeDate('2020-02-29')).toBe('2020-02-29');
    expect(normalizeDate('1899-12-31')).toBeNull();
    expect(normalizeDate('2018-13-01')).toBeNull();
    expect(normalizeDate('不详')).toBeNull();
    expect(normalizeDate('')).toBeNull();
    // A year is not a date.
    expect(normalizeDate(2018)).toBeNull();
  });
});

describe('excelSerialToIso (1900 date system)', () => {
  it('counts the nonexistent 1900-02-29 like Excel does', () => {
    expect(excelSerialToIso(1)).toBe('1900-01-01');
    expect(excelSerialToIso(59)).toBe('1900-02-28');
    expect(excelSerialToIso(60)).toBeNull();
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(excelSerialToIso(43282)).toBe('2018-07-01');
    expect(excelSerialToIso(0)).toBeNull();
  });

  it('agrees with the Unix epoch offset for every serial after 1900-03-01', () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 73050 }), (serial) => {
        const expected = new Date((serial - 25569) * 86_400_000).toISOString().slice(0, 10);
        expect(excelSerialToIso(serial)).toBe(expected);
      }),
    );
  });
});

describe('normalizeMonth', () => {
  it.each([
    ['2018.07', '2018-07'],
    ['2018-07', '2018-07'],
    ['2018/7', '2018-07'],
    ['201807', '2018-07'],
    ['2018年7月', '2018-07'],
    ['2018年07月份', '2018-07'],
    ['2018-07-15', '2018-07'],
    ['2018年7月1日', '2018-07'],
    ['20180701', '2018-07'],
  ])('%s → %s', (raw, month) => {
    expect(normalizeMonth(raw)).toBe(month);
  });

  it('reads numeric cells and dates', () => {
    expect(normalizeMonth(201807)).toBe('2018-07');
    expect(normalizeMonth(2018.07)).toBe('2018-07');
    expect(normalizeMonth(43282)).toBe('2018-07');
    expect(normalizeMonth(new Date(Date.UTC(2018, 6, 31)))).toBe('2018-07');
  });

  it('rejects non-months', () => {
    expect(normalizeMonth('2018-13')).toBeNull();
    expect(normalizeMonth('七月')).toBeNull();
    expect(normalizeMonth(null)).toBeNull();
  });
});

describe('monthStart', () => {
  it('reads a date column holding only the month (CONTRACT.md §3) as its first day', () => {
    expect(monthStart('2018.07')).toBe('2018-07-01');
    expect(monthStart('2024年1月')).toBe('2024-01-01');
    expect(monthStart('2024年12月份')).toBe('2024-12-01');
    expect(monthStart('2018/7')).toBe('2018-07-01');
    expect(monthStart('201807')).toBe('2018-07-01');
    expect(monthStart(2018.07)).toBe('2018-07-01');
  });

  it('refuses what is not a month', () => {
    expect(monthStart('2018.13')).toBeNull();
    expect(monthStart('2018')).toBeNull();
    expect(monthStart(2018)).toBeNull();
    expect(monthStart('七月')).toBeNull();
    expect(monthStart(new Date(Date.UTC(2018, 6, 1)))).toBeNull();
    expect(monthStart(null)).toBeNull();
  });
});

describe('normalizeYear', () => {
  it('reads years written in several ways', () => {
    expect(normalizeYear(2016)).toBe(2016);
    expect(normalizeYear('2016')).toBe(2016);
    expect(normalizeYear('2016年')).toBe(2016);
    expect(normalizeYear('2016-12-31')).toBe(2016);
    expect(normalizeYear('')).toBeNull();
    expect(normalizeYear('去年')).toBeNull();
  });
});
