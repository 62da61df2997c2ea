import type { NormalizedRow } from '@jiandu/domain/model';
import { decodeRowStream, encodeRows, hashToShard, shardOf } from '@jiandu/pipeline/shards';
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

describe('decodeRowStream', () => {
  const rows: NormalizedRow[] = [
    row({ recipient_name: '王五', village: '红星村', summary: '第一行\n含换行' }, '430102199001011234'),
    row({ recipient_name: '𠀀欧阳·娜', village: '青山镇', amount: 150_000 }),
    row({ counterparty: '"引号"与\\反斜杠', village: '石门乡' }),
  ];
  const bytes = new TextEncoder().encode(encodeRows(rows));

  async function decode(chunks: Uint8Array[]): Promise<NormalizedRow[]> {
    const result: NormalizedRow[] = [];
    for await (const r of decodeRowStream(
      (async function* () {
        yield* chunks;
      })(),
    ))
      result.push(r);
    return result;
  }

  it('reads the same rows however the bytes are cut, inside lines and characters alike', async () => {
    for (let cut = 0; cut <= bytes.length; cut++)
      expect(await decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(rows);
    const single = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await decode(single)).toEqual(rows);
  });

  it('reads nothing from an empty object and ignores a trailing line break', async () => {
    expect(await decode([])).toEqual([]);
    expect(await decode([new TextEncoder().encode(`${encodeRows(rows)}\n`)])).toEqual(rows);
  });
});
