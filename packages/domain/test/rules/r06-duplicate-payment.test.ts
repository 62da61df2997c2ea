import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluateDuplicatePayment } from '../../src/rules/r06-duplicate-payment.js';
import { payment, shard, validId } from './fixtures.js';

const ID = validId('19700505', 55);

describe('R06 DUPLICATE_PAYMENT', () => {
  it('fires for the same person, program and month paid in two villages; amount = total minus the largest', () => {
    const findings = evaluateDuplicatePayment(
      shard([
        payment({ id: ID, period: '2023-05', yuan: 500, village: '石门村' }),
        payment({ id: ID, period: '2023-05', yuan: 300, township: '花明楼镇', village: '新桥村' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'R06',
      subjectKey: `${ID}|DIBAO_RURAL|2023-05`,
      subject: '张三 · 农村最低生活保障 · 2023-05',
      amount: 30_000,
      match: 'id',
    });
    expect(findings[0]?.evidence).toHaveLength(2);
    expect(findings[0]?.reasons).toEqual([
      '2023-05 农村最低生活保障 发放 2 笔（灰山港镇石门村、花明楼镇新桥村），共 ¥800.00，多发 ¥300.00',
    ]);
  });

  it('counts a period and a pay date of the same month as the same month, and three payments as two extra', () => {
    const findings = evaluateDuplicatePayment(
      shard([
        payment({ id: ID, period: '2023-05', yuan: 200 }),
        payment({ id: ID, payDate: '2023-05-20', yuan: 200 }),
        payment({ id: ID, payDate: '2023-05-28', yuan: 200, idStatus: 'repaired' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.amount, f.match, f.evidence.length])).toEqual([[40_000, 'repaired_id', 3]]);
  });

  it('does not fire for different months, programs or people, nor for lost IDs', () => {
    const findings = evaluateDuplicatePayment(
      shard([
        payment({ id: ID, period: '2023-05' }),
        payment({ id: ID, period: '2023-06' }),
        // Paid in May for April: its month is April.
        payment({ id: ID, period: '2023-04', payDate: '2023-05-03' }),
        payment({ id: ID, period: '2023-05', program: 'GAOLING' }),
        payment({ id: validId('19700505', 56), period: '2023-05' }),
        payment({ id: ID, idStatus: 'lost', period: '2023-05' }),
        payment({ period: '2023-05' }),
        payment({ id: ID }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });

  it('can be switched off', () => {
    const rows = [payment({ id: ID, period: '2023-05' }), payment({ id: ID, period: '2023-05' })];
    expect(evaluateDuplicatePayment(shard(rows), DEFAULT_RULE_CONFIG)).toHaveLength(1);
    expect(evaluateDuplicatePayment(shard(rows), resolveRuleConfig({ R06: { enabled: false } }))).toEqual([]);
  });
});
