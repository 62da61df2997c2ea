import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluateBusinessOwnerRecipient } from '../../src/rules/r05-business-owner-recipient.js';
import { entity, payment, povertyMember, shard, validId } from './fixtures.js';

const OWNER = validId('19700101', 31);
const POOR = validId('19720202', 32);

describe('R05 BUSINESS_OWNER_RECIPIENT', () => {
  it('fires for a means-tested recipient who runs an entity with capital ≥ 100,000 (inclusive)', () => {
    const findings = evaluateBusinessOwnerRecipient(
      shard([
        entity({ id: OWNER, capitalYuan: 100_000 }),
        payment({ id: OWNER, period: '2023-01', yuan: 500 }),
        payment({ id: OWNER, period: '2023-02', yuan: 500 }),
        payment({ id: OWNER, period: '2023-02', yuan: 800, program: 'GENGDI' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount, f.match])).toEqual([
      [`${OWNER}|DIBAO_RURAL`, 100_000, 'id'],
    ]);
    expect(findings[0]?.reasons[0]).toContain('青山县兴旺建材有限公司（存续，注册资本 ¥100,000.00）');
  });

  it('does not fire just under the threshold, for closed entities, or for non-means-tested payments', () => {
    const run = (...rows: Parameters<typeof shard>[0]) =>
      evaluateBusinessOwnerRecipient(shard(rows), DEFAULT_RULE_CONFIG);
    expect(
      run(entity({ id: OWNER, capitalYuan: 99_999.99 }), payment({ id: OWNER, period: '2023-01' })),
    ).toEqual([]);
    expect(run(entity({ id: OWNER, status: '注销' }), payment({ id: OWNER, period: '2023-01' }))).toEqual([]);
    expect(run(entity({ id: OWNER, status: '吊销' }), payment({ id: OWNER, period: '2023-01' }))).toEqual([]);
    expect(run(entity({ id: OWNER }), payment({ id: OWNER, period: '2023-01', program: 'CANJI' }))).toEqual(
      [],
    );
    expect(run(entity({ id: OWNER }))).toEqual([]);
  });

  it('fires for a poverty member as {id}|POVERTY, with all their means-tested payments', () => {
    const findings = evaluateBusinessOwnerRecipient(
      shard([
        povertyMember({ id: POOR, household: 'P9', name: '孙武' }),
        entity({ id: POOR, status: '在业', capitalYuan: 200_000 }),
        payment({ id: POOR, period: '2023-01', yuan: 100, program: 'LINSHI' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount])).toEqual([
      [`${POOR}|LINSHI`, 10_000],
      [`${POOR}|POVERTY`, 10_000],
    ]);
    expect(findings[1]?.reasons[0]).toContain('建档立卡贫困户成员（户号 P9）');
  });

  it('takes the threshold from the configuration', () => {
    const config = resolveRuleConfig({ R05: { minRegisteredCapital: 50_000_00 } });
    const rows = [entity({ id: OWNER, capitalYuan: 60_000 }), payment({ id: OWNER, period: '2023-01' })];
    expect(evaluateBusinessOwnerRecipient(shard(rows), config)).toHaveLength(1);
    expect(evaluateBusinessOwnerRecipient(shard(rows), DEFAULT_RULE_CONFIG)).toEqual([]);
  });
});
