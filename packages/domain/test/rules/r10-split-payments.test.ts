import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluateSplitPayments } from '../../src/rules/r10-split-payments.js';
import { finance, shard } from './fixtures.js';

const works = (date: string, yuan: number, payee = '青山县路通工程队', village = '石门村') =>
  finance({ date, yuan, category: '工程款', payee, village });

describe('R10 SPLIT_PAYMENTS', () => {
  it('fires for ≥ 2 works payments each below 50,000 within 60 days that reach 50,000 together', () => {
    const findings = evaluateSplitPayments(
      shard([works('2023-03-01', 30_000), works('2023-04-30', 20_000), works('2023-09-01', 10_000)]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'R10',
      subjectKey: '灰山港镇|石门村|青山县路通工程队',
      amount: 5_000_000,
      match: 'id',
    });
    expect(findings[0]?.reasons).toEqual([
      '2023-03-01 至 2023-04-30 向同一收款人支付工程款 2 笔，单笔均低于 ¥50,000.00，合计 ¥50,000.00，达到 ¥50,000.00',
    ]);
  });

  it('sums every expense that belongs to some cluster', () => {
    const findings = evaluateSplitPayments(
      shard([
        works('2023-01-01', 26_000),
        works('2023-02-15', 25_000),
        works('2023-03-20', 25_000), // 63 days after Jan 1 but 33 after Feb 15
        works('2023-12-01', 49_000), // alone
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings[0]?.amount).toBe(7_600_000);
  });

  it('does not fire for payments 61 days apart, a single payment, payments of 50,000 each, or other categories', () => {
    const run = (...rows: Parameters<typeof shard>[0]) =>
      evaluateSplitPayments(shard(rows), DEFAULT_RULE_CONFIG);
    expect(run(works('2023-03-01', 30_000), works('2023-05-01', 30_000))).toEqual([]); // 61 days
    expect(run(works('2023-03-01', 49_999))).toEqual([]);
    expect(run(works('2023-03-01', 50_000), works('2023-03-02', 50_000))).toEqual([]);
    expect(run(works('2023-03-01', 20_000), works('2023-03-02', 29_999.99))).toEqual([]); // below total
    expect(
      run(
        finance({ date: '2023-03-01', yuan: 30_000, category: '劳务费', payee: 'x队' }),
        finance({ date: '2023-03-02', yuan: 30_000, category: '劳务费', payee: 'x队' }),
      ),
    ).toEqual([]);
    // Different payees and different villages are separate.
    expect(run(works('2023-03-01', 30_000, '甲队'), works('2023-03-02', 30_000, '乙队'))).toEqual([]);
    expect(
      run(works('2023-03-01', 30_000, '甲队', '石门村'), works('2023-03-02', 30_000, '甲队', '白沙村')),
    ).toEqual([]);
  });

  it('takes window and thresholds from the configuration', () => {
    const rows = [works('2023-03-01', 30_000), works('2023-05-01', 30_000)];
    expect(evaluateSplitPayments(shard(rows), resolveRuleConfig({ R10: { windowDays: 61 } }))).toHaveLength(
      1,
    );
  });
});
