import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluateEmployedRecipient } from '../../src/rules/r07-employed-recipient.js';
import { insurance, payment, shard, validId } from './fixtures.js';

const ID = validId('19800101', 41);

describe('R07 EMPLOYED_RECIPIENT', () => {
  it('fires for means-tested payments in months with a contribution base ≥ 3,000 (inclusive)', () => {
    const findings = evaluateEmployedRecipient(
      shard([
        insurance({ id: ID, period: '2023-01', baseYuan: 3_000 }),
        insurance({ id: ID, period: '2023-02', baseYuan: 2_999.99 }),
        insurance({ id: ID, period: '2023-04', baseYuan: 4_500 }),
        payment({ id: ID, period: '2023-01', yuan: 450 }),
        payment({ id: ID, period: '2023-02', yuan: 450 }),
        payment({ id: ID, period: '2023-03', yuan: 450 }),
        payment({ id: ID, payDate: '2023-04-10', yuan: 450 }),
        payment({ id: ID, period: '2023-04', yuan: 900, program: 'GENGDI' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ subjectKey: `${ID}|DIBAO_RURAL`, amount: 90_000, match: 'id' });
    expect(findings[0]?.evidence.map((e) => e.kind)).toEqual([
      'social_insurance',
      'social_insurance',
      'subsidy_payments',
      'subsidy_payments',
    ]);
    expect(findings[0]?.reasons[0]).toContain('2 个发放月份同时缴纳社保');
  });

  it('stays silent without insurance in the paid month, and follows the configured base', () => {
    const rows = [
      insurance({ id: ID, period: '2023-05', baseYuan: 2_500 }),
      payment({ id: ID, period: '2023-05' }),
    ];
    expect(evaluateEmployedRecipient(shard(rows), DEFAULT_RULE_CONFIG)).toEqual([]);
    expect(
      evaluateEmployedRecipient(shard(rows), resolveRuleConfig({ R07: { minContributionBase: 2_000_00 } })),
    ).toHaveLength(1);
  });
});
