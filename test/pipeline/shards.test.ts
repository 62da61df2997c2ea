import type { NormalizedRow } from '@jiandu/domain/model';
import { hashToShard, shardOf } from '@jiandu/pipeline/shards';
import { describe, expect, it } from 'vitest';

const row = (values: NormalizedRow['values'], idNumber?: string): NormalizedRow => ({
  row: 2,
  idStatus: idNumber ? 'as_given' : 'absent',
  ...(idNumber ? { idNumber } : {}),
  values,
});

describe('shardOf', () => {
  it('puts rows without an ID by their kind’s name column and village', () => {
    const payment = row({ recipient_name: '王五', village: '红星村', township: '青山镇' });
    expect(shardOf(payment, 'subsidy_payments')).toBe(hashToShard('王五|红星村'));
    const project = row({ name: '红星村道路硬化', village: '红星村', contractor_name: '李四' });
    expect(shardOf(project, 'livelihood_projects')).toBe(hashToShard('红星村道路硬化|红星村'));
    // Books have a payee but no subject name: every row of a village meets in one shard.
    const expense = row({ counterparty: '赵六', village: '红星村' });
    expect(shardOf(expense, 'village_finance')).toBe(hashToShard('|红星村'));
  });

  it('puts rows with an ID by the ID, whatever their kind', () => {
    const id = '430102199001011234';
    expect(shardOf(row({ recipient_name: '王五' }, id), 'subsidy_payments')).toBe(hashToShard(id));
  });
});
