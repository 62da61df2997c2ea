import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluateUnregisteredRecipient } from '../../src/rules/r08-unregistered-recipient.js';
import { death, payment, resident, shard, validId } from './fixtures.js';

const REGISTERED = validId('19800808', 81);
const STRANGER = validId('19810909', 82);
const DECEASED = validId('19300101', 83);
const OTHER_RESIDENT = resident({ id: validId('19900101', 90), name: '王五' });

describe('R08 UNREGISTERED_RECIPIENT', () => {
  it('fires for a valid ID missing from the registry, summing its payments per program', () => {
    const findings = evaluateUnregisteredRecipient(
      shard([
        OTHER_RESIDENT,
        payment({ id: STRANGER, name: '赵六', period: '2023-01', yuan: 300 }),
        payment({ id: STRANGER, name: '赵六', period: '2023-02', yuan: 300 }),
        payment({ id: STRANGER, name: '赵六', period: '2023-02', program: 'CANJI', yuan: 80 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.subject, f.amount, f.match, f.evidence.length])).toEqual([
      [`${STRANGER}|CANJI`, '赵六 · 残疾人两项补贴', 8_000, 'id', 1],
      [`${STRANGER}|DIBAO_RURAL`, '赵六 · 农村最低生活保障', 60_000, 'id', 2],
    ]);
    expect(findings[1]?.reasons).toEqual([
      '身份证号不在户籍人口库中，领取 农村最低生活保障 2 笔，共 ¥600.00',
    ]);
  });

  it('fires when the name differs from the registry, with the registry row as evidence', () => {
    const findings = evaluateUnregisteredRecipient(
      shard([
        resident({ id: REGISTERED, name: '李四' }),
        payment({ id: REGISTERED, name: '李四', period: '2023-01', yuan: 100 }),
        payment({ id: REGISTERED, name: '李思', period: '2023-02', yuan: 200, idStatus: 'repaired' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ amount: 20_000, match: 'repaired_id', name: '李思' });
    expect(findings[0]?.evidence.map((e) => e.kind)).toEqual(['household_registry', 'subsidy_payments']);
    expect(findings[0]?.reasons).toEqual([
      '领取人姓名「李思」与户籍登记姓名「李四」不一致，领取 农村最低生活保障 1 笔，共 ¥200.00',
    ]);
  });

  it('compares names after blank, middle-dot and traditional-character normalization', () => {
    const id = validId('19750101', 71);
    const findings = evaluateUnregisteredRecipient(
      shard([
        resident({ id: REGISTERED, name: '李四' }),
        resident({ id, name: '阿依古丽·买买提' }),
        payment({ id: REGISTERED, name: '李 四', period: '2023-01' }),
        payment({ id: REGISTERED, name: '李\u3000四', period: '2023-02' }),
        payment({ id, name: '阿依古丽•买买提', period: '2023-01' }),
        payment({ id, name: '阿依古丽・买买提', period: '2023-02' }),
        // Traditional characters are the same name.
        payment({ id: REGISTERED, name: '李四', period: '2023-03' }),
        resident({ id: STRANGER, name: '陈国华' }),
        payment({ id: STRANGER, name: '陳國華', period: '2023-03' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });

  it('treats people in death_records as registered and never fires on lost or absent IDs', () => {
    const findings = evaluateUnregisteredRecipient(
      shard([
        OTHER_RESIDENT,
        death({ id: DECEASED, date: '2023-01-01' }),
        payment({ id: DECEASED, name: '张三', period: '2023-01' }),
        payment({ id: STRANGER, idStatus: 'lost', period: '2023-01' }),
        payment({ period: '2023-01' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });

  it('stays silent when no household registry was uploaded', () => {
    const rows = [payment({ id: STRANGER, period: '2023-01' })];
    expect(evaluateUnregisteredRecipient(shard(rows), DEFAULT_RULE_CONFIG)).toEqual([]);
    expect(evaluateUnregisteredRecipient(shard(rows, ['subsidy_payments']), DEFAULT_RULE_CONFIG)).toEqual([]);
    // The registry exists, only not in this shard: the person is really missing from it.
    const found = evaluateUnregisteredRecipient(
      shard(rows, ['household_registry', 'subsidy_payments']),
      DEFAULT_RULE_CONFIG,
    );
    expect(found).toHaveLength(1);
    expect(
      evaluateUnregisteredRecipient(
        shard(rows, ['household_registry']),
        resolveRuleConfig({ R08: { enabled: false } }),
      ),
    ).toEqual([]);
  });
});
