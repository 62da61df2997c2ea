import { derivePlatformKeys } from '../../src/keys.js';
import type { Evidence, Finding } from '../../src/model.js';

export const PERSON = '430521194001010110';

export function paymentEvidence(count: number, versionId = 'v-pay'): Evidence[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'subsidy_payments' as const,
    versionId,
    row: i + 3,
    values: { period: `2023-${String(i + 1).padStart(2, '0')}`, amount: 50_000 },
  }));
}

/** A finding as a rule would produce it, with overridable parts. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'R01',
    subjectKey: `${PERSON}|DIBAO_RURAL`,
    subject: '张三 · 农村最低生活保障',
    idNumber: PERSON,
    name: '张三',
    township: '灰山港镇',
    village: '石门村',
    amount: 150_000,
    match: 'id',
    evidence: [
      { kind: 'death_records', versionId: 'v-death', row: 2, values: { death_date: '2023-03-15' } },
      ...paymentEvidence(3),
    ],
    reasons: ['2023-03-15 死亡（公安注销），2023-05 起仍领取 农村最低生活保障 3 笔，共 ¥1,500.00'],
    ...overrides,
  };
}

/** The platform keys of the domain tests (a fixed master secret, never a deployment's). */
export const TEST_KEYS = derivePlatformKeys('domain-test-master-secret-0123456789abcdef');
/** Options of `scoreFindings` under {@link TEST_KEYS}. */
export const SCORING = { leadIdKey: TEST_KEYS.leadIds } as const;
