import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { deceasedRecipientRule, evaluateDeceasedRecipient } from '../../src/rules/r01-deceased-recipient.js';
import { death, payment, shard, validId } from './fixtures.js';

const ID = validId('19400101', 11);
const OTHER = validId('19450202', 22);

describe('R01 DECEASED_RECIPIENT', () => {
  it('fires from death month + 2 on, with one finding per person + program', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-03-15', source: '公安注销' }),
        payment({ id: ID, period: '2023-02', yuan: 500 }),
        payment({ id: ID, period: '2023-03', yuan: 500 }),
        payment({ id: ID, period: '2023-04', yuan: 500 }),
        payment({ id: ID, period: '2023-05', yuan: 500 }),
        payment({ id: ID, period: '2023-06', yuan: 500 }),
        payment({ id: ID, period: '2023-07', yuan: 500 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      rule: 'R01',
      subjectKey: `${ID}|DIBAO_RURAL`,
      subject: '张三 · 农村最低生活保障',
      idNumber: ID,
      name: '张三',
      township: '灰山港镇',
      village: '石门村',
      amount: 150_000,
      match: 'id',
    });
    expect(finding?.reasons[0]).toBe(
      '2023-03-15 死亡（公安注销），2023-05 起仍领取 农村最低生活保障 3 笔，共 ¥1,500.00',
    );
    expect(finding?.evidence.map((e) => [e.kind, e.values.period ?? e.values.death_date])).toEqual([
      ['death_records', '2023-03-15'],
      ['subsidy_payments', '2023-05'],
      ['subsidy_payments', '2023-06'],
      ['subsidy_payments', '2023-07'],
    ]);
    expect(finding?.evidence[1]).toMatchObject({
      versionId: 'v-subsidy_payments',
      values: { id_number: ID, amount: 50_000 },
    });
  });

  it('uses the period before the pay date, and the pay-date month when there is no period', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-03-31' }),
        // Paid late for April: still inside the grace month.
        payment({ id: ID, period: '2023-04', payDate: '2023-06-10', yuan: 100 }),
        // No period: April by pay date, fine; May by pay date, fires.
        payment({ id: ID, payDate: '2023-04-30', yuan: 200 }),
        payment({ id: ID, payDate: '2023-05-01', yuan: 300 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => f.amount)).toEqual([30_000]);
    expect(findings[0]?.reasons[0]).toBe(
      '2023-03-31 死亡，2023-05 起仍领取 农村最低生活保障 1 笔，共 ¥300.00',
    );
  });

  it('crosses the year boundary', () => {
    const rows = [
      death({ id: ID, date: '2022-11-30' }),
      payment({ id: ID, period: '2022-12', yuan: 1 }),
      payment({ id: ID, period: '2023-01', yuan: 2 }),
    ];
    expect(evaluateDeceasedRecipient(shard(rows), DEFAULT_RULE_CONFIG).map((f) => f.amount)).toEqual([200]);
  });

  it('uses the earliest of several death rows and keeps them all as evidence', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-04-02', source: '公安注销', versionId: 'v-police' }),
        death({ id: ID, date: '2023-03-28', source: '火化', versionId: 'v-crematorium' }),
        payment({ id: ID, period: '2023-05', yuan: 500 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.map((e) => e.versionId)).toEqual([
      'v-crematorium',
      'v-police',
      'v-subsidy_payments',
    ]);
    expect(findings[0]?.reasons).toEqual([
      '2023-03-28 死亡（火化），2023-05 起仍领取 农村最低生活保障 1 笔，共 ¥500.00',
      '另有死亡记录（公安注销）：2023-04-02',
    ]);
  });

  it('splits programs and marks repaired IDs', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-01-10', idStatus: 'repaired' }),
        payment({ id: ID, period: '2023-06', program: 'DIBAO_RURAL', yuan: 400 }),
        payment({ id: ID, period: '2023-06', program: 'GAOLING', yuan: 100 }),
        payment({ id: ID, period: '2023-06', program: '独生子女奖励', yuan: 50 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.subject, f.amount, f.match])).toEqual([
      [`${ID}|DIBAO_RURAL`, '张三 · 农村最低生活保障', 40_000, 'repaired_id'],
      [`${ID}|GAOLING`, '张三 · 高龄津贴', 10_000, 'repaired_id'],
      [`${ID}|独生子女奖励`, '张三 · 独生子女奖励', 5_000, 'repaired_id'],
    ]);
  });

  it('marks repaired_id when only a payment ID was repaired', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-01-10' }),
        payment({ id: ID, period: '2023-06', idStatus: 'repaired' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings[0]?.match).toBe('repaired_id');
  });

  it('ignores the living, payments before death, and payments without a usable ID', () => {
    const findings = evaluateDeceasedRecipient(
      shard([
        death({ id: ID, date: '2023-03-15' }),
        death({ id: OTHER, date: 'unknown' }),
        payment({ id: OTHER, period: '2024-01' }),
        payment({ id: validId('19500303', 33), period: '2024-01' }),
        payment({ id: ID, period: '2022-12' }),
        payment({ id: ID, period: '2023-03' }),
        payment({ id: ID, period: '2023-04' }),
        // Destroyed ID (4.30521E+17): the name + village fallback is a later rule's job.
        payment({ id: ID, idStatus: 'lost', period: '2023-09' }),
        payment({ period: '2023-09' }),
        payment({ id: ID }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });

  it('follows the configured grace and can be switched off', () => {
    const rows = [death({ id: ID, date: '2023-03-15' }), payment({ id: ID, period: '2023-04', yuan: 10 })];
    expect(evaluateDeceasedRecipient(shard(rows), DEFAULT_RULE_CONFIG)).toEqual([]);
    expect(
      evaluateDeceasedRecipient(shard(rows), resolveRuleConfig({ R01: { graceMonths: 0 } })),
    ).toHaveLength(1);
    const off = resolveRuleConfig({ R01: { enabled: false, graceMonths: 0 } });
    expect(evaluateDeceasedRecipient(shard(rows), off)).toEqual([]);
  });

  it('is deterministic whatever the row order', () => {
    const rows = [
      death({ id: ID, date: '2023-03-15', row: 2 }),
      death({ id: OTHER, date: '2022-01-01', row: 3 }),
      payment({ id: ID, period: '2023-08', row: 10, village: '新桥村' }),
      payment({ id: ID, period: '2023-07', row: 11 }),
      payment({ id: ID, period: '2023-06', row: 12 }),
      payment({ id: OTHER, period: '2022-05', row: 13, name: '李四' }),
    ];
    const forward = deceasedRecipientRule.evaluate(shard(rows), DEFAULT_RULE_CONFIG);
    const backward = deceasedRecipientRule.evaluate(shard([...rows].reverse()), DEFAULT_RULE_CONFIG);
    expect(backward).toEqual(forward);
    expect(forward.map((f) => f.name)).toEqual([ID, OTHER].sort().map((id) => (id === ID ? '张三' : '李四')));
    // Two of three payments were in 石门村.
    expect(forward.find((f) => f.idNumber === ID)?.village).toBe('石门村');
  });
});
