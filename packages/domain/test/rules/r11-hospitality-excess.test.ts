import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { evaluateHospitalityExcess } from '../../src/rules/r11-hospitality-excess.js';
import { finance, shard } from './fixtures.js';

const meal = (date: string, yuan: number, voucher?: string, village = '石门村') =>
  finance({ date, yuan, category: '招待费', ...(voucher ? { voucher } : {}), village });

describe('R11 HOSPITALITY_EXCESS', () => {
  it('fires when a year’s hospitality exceeds 5,000', () => {
    const findings = evaluateHospitalityExcess(
      shard([
        meal('2023-01-10', 800),
        meal('2023-04-10', 1_000),
        ...['05', '06', '07', '08'].map((m) => meal(`2023-${m}-01`, 800)),
        meal('2023-12-30', 0.01),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount])).toEqual([['灰山港镇|石门村|2023', 500_001]]);
    expect(findings[0]?.reasons[0]).toContain('超过年度上限 ¥5,000.00');
  });

  it('fires when one voucher exceeds 1,000, adding up the lines of the voucher', () => {
    const findings = evaluateHospitalityExcess(
      shard([meal('2023-03-01', 600, '记-12'), meal('2023-03-01', 500, '记-12'), meal('2023-06-01', 200)]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => f.amount)).toEqual([130_000]);
    expect(findings[0]?.reasons[0]).toBe('凭证 记-12（2023-03-01）招待费 ¥1,100.00，超过单笔上限 ¥1,000.00');
  });

  it('does not fire at exactly 5,000 a year and 1,000 a voucher (strict caps), nor across years or villages', () => {
    const run = (...rows: Parameters<typeof shard>[0]) =>
      evaluateHospitalityExcess(shard(rows), DEFAULT_RULE_CONFIG);
    expect(run(...[1, 2, 3, 4, 5].map((m) => meal(`2023-0${m}-01`, 1_000)))).toEqual([]);
    // 5,400 over two calendar years, 2,700 in each.
    const split = ['2022-10-01', '2022-11-01', '2022-12-31', '2023-01-01', '2023-02-01', '2023-03-01'];
    expect(run(...split.map((date) => meal(date, 900)))).toEqual([]);
    expect(
      run(meal('2023-01-01', 900, undefined, '石门村'), meal('2023-01-02', 900, undefined, '白沙村')),
    ).toEqual([]);
    expect(
      run(
        finance({ date: '2023-01-01', yuan: 9_000, category: '办公费' }),
        finance({ date: '2023-01-01', yuan: 9_000, category: '招待费', direction: '收入' }),
      ),
    ).toEqual([]);
  });
});
