import { DATASET_KINDS } from '@jiandu/domain/kinds';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { demoUploadKey, generateDemoCounty } from '../src/index.js';
import { decode, ofKind, programCode, readAmount, readDate, readPeriod, readTable } from './helpers.js';

const county = generateDemoCounty();
const payments = ofKind(county.files, 'subsidy_payments').map(readTable);

describe('demo county files', () => {
  it('uses known departments and kinds and unique upload keys', () => {
    const keys = county.files.map(demoUploadKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of county.files) {
      expect(DATASET_KINDS).toContain(f.kind);
      // CONTRACT.md §1: short codes such as `civil-affairs` or `township-<code>`.
      expect(f.department).toMatch(/^[a-z][a-z-]*(-\d+)?$/);
      expect(f.fileName).toMatch(/\.csv$/);
      expect(f.fileName).not.toMatch(/[/\\\s]/);
    }
    const departments = new Set(ofKind(county.files, 'subsidy_payments').map((f) => f.department));
    expect([...departments].sort()).toEqual(['agriculture', 'civil-affairs', 'disabled-federation']);
    expect(new Set(ofKind(county.files, 'death_records').map((f) => f.department))).toEqual(
      new Set(['police', 'civil-affairs']),
    );
  });

  it('has GBK files that really are GBK', () => {
    const gbk = county.files.filter((f) => decode(f.body).encoding === 'gbk');
    expect(gbk.length).toBeGreaterThan(3);
    for (const f of gbk) {
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(f.body)).toThrow();
      const text = iconv.decode(Buffer.from(f.body), 'gbk');
      expect(text).toMatch(/姓名|领取人|法定代表人|机动车所有人/);
      expect(text).toMatch(/身份证号|公民身份号码|证件号码/);
    }
  });

  it('has UTF-8 files with and without a BOM', () => {
    const bom = county.files.filter((f) => f.body[0] === 0xef && f.body[1] === 0xbb && f.body[2] === 0xbf);
    const plain = county.files.filter((f) => decode(f.body).encoding === 'utf8');
    expect(bom.length).toBeGreaterThan(3);
    expect(plain.length).toBeGreaterThan(3);
  });

  it('has title rows, blank rows, total rows and notes around the tables', () => {
    expect(
      payments.some((t) =>
        t.above.some((r) => /青山县\d{4}年.*(花名册|明细表|台账|名册|清册)/.test(r[0] ?? '')),
      ),
    ).toBe(true);
    expect(payments.some((t) => t.above.length >= 2)).toBe(true);
    expect(payments.some((t) => t.above.length === 0)).toBe(true);
    expect(payments.some((t) => t.above.some((r) => r.every((c) => c === '')))).toBe(true);
    expect(payments.some((t) => t.below.some((r) => /^制表人：.+审核人：/.test(r[0] ?? '')))).toBe(true);
    expect(payments.some((t) => t.below.some((r) => r[0] === '总计'))).toBe(true);
  });

  it('has totals that equal the sum of their rows', () => {
    let checked = 0;
    for (const t of payments) {
      const totalRow = t.below.find((r) => r[0] === '合计' || r[0] === '总计');
      if (!totalRow) continue;
      const amountIndex = t.header.findIndex((h) => /金额/.test(h));
      const sum = t.rows.reduce((s, r) => s + readAmount(r.cells.amount ?? ''), 0);
      expect(readAmount(totalRow[amountIndex] ?? '')).toBe(sum);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('varies headers, dates, periods and amounts the way county exports do', () => {
    const headers = new Set(payments.flatMap((t) => t.header.map((h) => h.trim())));
    for (const h of [
      '身份证号',
      '公民身份号码',
      '身份证号码',
      '金额（元）',
      '发放金额',
      '乡镇（街道）',
      '村（社区）',
    ]) {
      expect(headers, h).toContain(h);
    }
    const dates = payments.flatMap((t) => t.rows.map((r) => r.cells.payDate ?? ''));
    expect(dates.some((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{4}\/\d{1,2}\/\d{1,2}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{8}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{5}$/.test(d))).toBe(true);
    for (const d of dates) expect(readDate(d)).toMatch(/^202[34]-/);
    const amounts = payments.flatMap((t) => t.rows.map((r) => r.cells.amount ?? ''));
    expect(amounts.some((a) => /^\d{1,3}(,\d{3})+\.\d\d$/.test(a))).toBe(true);
    expect(amounts.some((a) => /^[¥￥]\d/.test(a))).toBe(true);
    expect(amounts.some((a) => /元$/.test(a))).toBe(true);
    expect(amounts.some((a) => /万$/.test(a))).toBe(true);
    const periods = payments.flatMap((t) =>
      t.rows.map((r) => r.cells.period).filter((p): p is string => p !== undefined),
    );
    expect(new Set(periods.map((p) => p.replace(/\d/g, '9')))).toEqual(
      new Set(['9999-99', '9999.99', '9999年9月', '9999年99月']),
    );
    for (const p of periods) expect(readPeriod(p)).toMatch(/^2023-\d\d$/);
    const villages = payments.flatMap((t) => t.rows.map((r) => r.cells.village ?? ''));
    expect(villages.some((v) => v.endsWith('村委会'))).toBe(true);
    expect(villages.some((v) => v.endsWith('村'))).toBe(true);
    const names = payments.flatMap((t) => t.rows.map((r) => r.cells.name ?? ''));
    expect(names.some((n) => /\S[ \u3000]+\S/.test(n))).toBe(true);
  });

  it('writes one roster per program and month or quarter, every program of the brief included', () => {
    // Which alias a roster writes is drawn per file; every program must be there under one of them.
    const programs = new Set(payments.flatMap((t) => t.rows.map((r) => programCode(r.cells.program ?? ''))));
    expect([...programs].sort()).toEqual(['CANJI', 'DIBAO_RURAL', 'GAOLING', 'GENGDI', 'LINSHI', 'TEKUN']);
    expect(payments.filter((t) => /农村低保/.test(t.file.fileName))).toHaveLength(12);
  });
});
