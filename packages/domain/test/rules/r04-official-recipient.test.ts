import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { employedDuring, evaluateOfficialRecipient } from '../../src/rules/r04-official-recipient.js';
import { official, payment, payroll, resident, shard, validId } from './fixtures.js';

const MOTHER = validId('19500101', 21);
const SON = validId('19780202', 22);
const NEIGHBOUR = validId('19780303', 23);

const family = [
  resident({ id: MOTHER, name: '赵秀兰', household: 'H100', relation: '户主' }),
  resident({ id: SON, name: '赵强', household: 'H100', relation: '子' }),
  resident({ id: NEIGHBOUR, name: '赵强', household: 'H200', relation: '户主' }),
];
const months = ['2023-01', '2023-02', '2023-03', '2023-04'];
const pay = (id: string, program = 'DIBAO_RURAL') =>
  months.map((period) => payment({ id, period, yuan: 400, program }));

describe('R04 OFFICIAL_RECIPIENT', () => {
  it('fires for the months a household member was employed as an official', () => {
    const findings = evaluateOfficialRecipient(
      shard([
        ...family,
        official({ id: SON, name: '赵强', start: '2023-02-15', end: '2023-03-01' }),
        ...pay(MOTHER),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'R04',
      subjectKey: `${MOTHER}|DIBAO_RURAL`,
      idNumber: MOTHER,
      amount: 2 * 40_000, // February and March only
      match: 'id',
    });
    expect(findings[0]?.reasons[0]).toContain('家庭成员赵强为公职人员');
    expect(
      findings[0]?.evidence.filter((e) => e.kind === 'subsidy_payments').map((e) => e.values.period),
    ).toEqual(['2023-02', '2023-03']);
  });

  it('fires for the official themself and for payroll rows of the same month only', () => {
    const findings = evaluateOfficialRecipient(
      shard([
        ...family,
        payroll({ id: SON, period: '2023-04' }),
        payroll({ id: SON, period: '2022-12' }),
        ...pay(SON),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount])).toEqual([[`${SON}|DIBAO_RURAL`, 40_000]]);
  });

  it('ignores officials who left before the month, same-name officials of other households, and non-means-tested programs', () => {
    expect(
      evaluateOfficialRecipient(
        shard([
          ...family,
          official({ id: SON, start: '2010-01-01', end: '2022-12-31' }),
          official({ id: NEIGHBOUR, name: '赵强' }),
          ...pay(MOTHER),
          ...pay(SON, 'GAOLING'),
        ]),
        DEFAULT_RULE_CONFIG,
      ),
    ).toEqual([]);
  });

  it('reads "employed during M" as start ≤ end of M and end ≥ start of M', () => {
    expect(employedDuring(official({ start: '2023-03-31' }), '2023-03')).toBe(true);
    expect(employedDuring(official({ start: '2023-04-01' }), '2023-03')).toBe(false);
    expect(employedDuring(official({ end: '2023-03-01' }), '2023-03')).toBe(true);
    expect(employedDuring(official({ end: '2023-02-28' }), '2023-03')).toBe(false);
    expect(employedDuring(official({}), '2023-03')).toBe(true);
  });
});
