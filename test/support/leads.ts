import { subjectFrom } from '@jiandu/domain/leads/subject';
import type { Lead } from '@jiandu/domain/model';

/** What varies between the tests that need a stored R01 lead. */
export interface SampleLeadIds {
  readonly leadId: string;
  readonly idNumber: string;
  /** Versions the death record and the payment come from. */
  readonly deathVersionId: string;
  readonly paymentVersionId: string;
}

/**
 * A stored R01 lead (张三丰, 农村低保, 青山镇红星村, ¥1,234.56, score 72, status new) for API
 * tests; `overrides` change any field.
 */
export function sampleLead(ids: SampleLeadIds, overrides: Partial<Lead> = {}): Lead {
  const { idNumber } = ids;
  return {
    leadId: ids.leadId,
    rule: 'R01',
    subjectKey: `${idNumber}|DIBAO_RURAL`,
    ...subjectFrom([{ person: '张三丰' }, ' · 农村最低生活保障']),
    idNumber,
    name: '张三丰',
    township: '青山镇',
    village: '红星村',
    amount: 123_456,
    match: 'id',
    evidence: [
      {
        kind: 'death_records',
        versionId: ids.deathVersionId,
        row: 3,
        values: { id_number: idNumber, death_date: '2023-01-15' },
      },
      {
        kind: 'subsidy_payments',
        versionId: ids.paymentVersionId,
        row: 7,
        values: { id_number: idNumber, amount: 123_456 },
      },
    ],
    reasons: ['2023-01-15 死亡，2023-03 起仍领取补贴'],
    score: 72,
    scoreBreakdown: [{ factor: 'amount', points: 72, reason: '金额' }],
    status: 'new',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastRunId: 'run-1',
    revision: 1,
    ...overrides,
  };
}
