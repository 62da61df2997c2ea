import type { NormalizedRow } from '@jiandu/domain/model';
import {
  decodeLineBatches,
  decodeRowBatchesWhere,
  decodeRowSketches,
  decodeRowStream,
  encodeRows,
  hashToShard,
  shardOf,
} from '@jiandu/pipeline/shards';
import { lineOfIdIn, mayHaveLostId } from '@jiandu/pipeline/source-rows';
import fc from 'fast-check';
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

  async function decode(chunks: Uint8Array[], wanted?: (line: string) => boolean): Promise<NormalizedRow[]> {
    const result: NormalizedRow[] = [];
    for await (const r of decodeRowStream(
      (async function* () {
        yield* chunks;
      })(),
      wanted,
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

  it('parses only the lines a reader wants, however the bytes are cut', async () => {
    const wanted = (line: string) => line.includes('石门乡');
    for (let cut = 0; cut <= bytes.length; cut += 7)
      expect(await decode([bytes.subarray(0, cut), bytes.subarray(cut)], wanted)).toEqual([rows[2]]);
    // A line turned down is not parsed at all.
    const broken = new TextEncoder().encode(`{not json\n${encodeRows(rows)}`);
    expect(await decode([broken], (line) => line.startsWith('{"'))).toEqual(rows);
  });
});

describe('decodeLineBatches', () => {
  it('gives the same non-empty lines however the bytes are cut (a name index: key, tab, IDs)', async () => {
    const lines = ['欧阳娜|红星村\t430102199001011234', '𠀀王五|石门乡\t', '张伟|青山镇\t1,2'];
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n\n`);
    const read = async (chunks: Uint8Array[]) => {
      const out: string[] = [];
      for await (const batch of decodeLineBatches(
        (async function* () {
          yield* chunks;
        })(),
      ))
        out.push(...batch);
      return out;
    };
    for (let cut = 0; cut <= bytes.length; cut++)
      for (const second of [cut, Math.min(bytes.length, cut + 3)])
        expect(
          await read([bytes.subarray(0, cut), bytes.subarray(cut, second), bytes.subarray(second)]),
        ).toEqual(lines);
  });
});

describe('reading stored lines without parsing them', () => {
  const lost: NormalizedRow = {
    row: 3,
    idStatus: 'lost',
    values: { recipient_name: '王五', village: '红星村' },
  };
  // A value that spells the status or the key: escaped in its line, never mistaken for them.
  const tricky: NormalizedRow = {
    row: 4,
    idStatus: 'as_given',
    idNumber: '430102199001011234',
    values: { summary: '"idStatus":"lost" "idNumber":"430102199001019999"', recipient_name: '李四' },
  };
  /** The rows `decodeRowBatchesWhere` parses of `text` sent in the given chunks. */
  async function where(chunks: readonly Uint8Array[], field: Parameters<typeof decodeRowBatchesWhere>[1]) {
    const rows: NormalizedRow[] = [];
    for await (const batch of decodeRowBatchesWhere(
      (async function* () {
        yield* chunks;
      })(),
      field,
    ))
      rows.push(...batch);
    return rows;
  }

  it('finds the rows whose ID was lost by their line, and only those', async () => {
    const bytes = new TextEncoder().encode(encodeRows([tricky, lost, tricky]));
    expect(await where([bytes], mayHaveLostId)).toEqual([lost]);
  });

  it('parses exactly the lines whose ID is sought, whatever the chunking, without decoding the others', async () => {
    const other: NormalizedRow = { ...tricky, row: 5, idNumber: '43010219900101999X' };
    const noId: NormalizedRow = {
      row: 6,
      idStatus: 'absent',
      values: { id_number: null, village: '青山村' },
    };
    // No ID of its own, a sought one spelled in a value only.
    const { idNumber: _id, ...valueOnly } = { ...tricky, row: 8, idStatus: 'absent' as const };
    const rows = [tricky, lost, other, noId, valueOnly, { ...tricky, row: 7 }];
    const bytes = new TextEncoder().encode(`${encodeRows(rows)}\n`);
    const sought = lineOfIdIn(new Set(['430102199001011234', '430102199001019999']));
    const expected = [tricky, { ...tricky, row: 7 }];
    // Every split, inside a line, inside a Chinese character's bytes, at a line break.
    for (let cut = 0; cut <= bytes.length; cut += 1)
      expect(await where([bytes.subarray(0, cut), bytes.subarray(cut)], sought)).toEqual(expected);
    // One byte at a time, and without the last line break.
    expect(
      await where(
        [...bytes.subarray(0, -1)].map((b) => Uint8Array.of(b)),
        sought,
      ),
    ).toEqual(expected);
    expect(await where([bytes], lineOfIdIn(new Set(['43010219900101999X'])))).toEqual([other]);
    expect(await where([bytes], lineOfIdIn(new Set()))).toEqual([]);
  });
});

describe('decodeRowSketches', () => {
  const columns = ['name', 'village', 'township', 'household_no'];
  /** What a sketch must hold of a row: its top-level fields and the asked columns it has. */
  const expected = (row: NormalizedRow) => {
    const { values, ...top } = row as NormalizedRow & Record<string, unknown>;
    const asked = Object.fromEntries(columns.filter((c) => c in values).map((c) => [c, values[c]]));
    const fields = ['row', 'sheet', 'idNumber', 'idStatus', 'identifiedBy'];
    return { ...Object.fromEntries(Object.entries(top).filter(([k]) => fields.includes(k))), values: asked };
  };
  const rows: NormalizedRow[] = [
    {
      row: 25,
      idNumber: '43119919940131297X',
      idStatus: 'as_given',
      values: {
        id_number: '43119919940131297X',
        name: '王永浩',
        household_no: '1000010007',
        township: '青山镇',
        village: '青山社区',
        address: '解放路71号',
      },
    },
    // A sheet, a null column, an escaped quote in a column not asked for.
    {
      row: 3,
      sheet: '第一页',
      idStatus: 'absent',
      values: { name: '李四', village: '红星村', township: null, address: '他说"好"' },
    },
    // An escape in an asked column, and a number where text is usual: read whole, still exact.
    {
      row: 4,
      idStatus: 'as_given',
      idNumber: '430102199001011234',
      values: { name: 'A\\B "C"', village: '红星村' },
    },
    {
      row: 5,
      idStatus: 'repaired',
      idNumber: '430102199001019999',
      values: { household_no: 1002, village: '红星村' },
    },
    // Keys spelled inside texts, an empty values object.
    { row: 6, idStatus: 'lost', values: { address: '"name":"假","village":"假"' } },
    { row: 7, idStatus: 'absent', values: {} },
  ];
  const text = `${encodeRows(rows)}\n`;
  const bytes = new TextEncoder().encode(text);

  async function sketches(chunks: readonly Uint8Array[]) {
    const found: { row: NormalizedRow; whole: NormalizedRow }[] = [];
    for await (const batch of decodeRowSketches(
      (async function* () {
        yield* chunks;
      })(),
      columns,
    ))
      for (const sketch of batch) found.push({ row: sketch.row, whole: sketch.whole() });
    return found;
  }

  it('reads exactly the fields and asked columns JSON.parse would, and the whole row when asked', async () => {
    const found = await sketches([bytes]);
    expect(found.map(({ row }) => expected(row))).toEqual(rows.map(expected));
    expect(found.map(({ whole }) => whole)).toEqual(rows);
  });

  it('is exact whatever the chunking', async () => {
    for (let cut = 0; cut <= bytes.length; cut += 7)
      expect(
        (await sketches([bytes.subarray(0, cut), bytes.subarray(cut)])).map(({ row }) => expected(row)),
      ).toEqual(rows.map(expected));
  });
});

describe('reading stored lines from a stream that reuses its memory', () => {
  // Chinese text (3-byte characters), a 4-byte character, escapes: lines cut anywhere.
  const rows: NormalizedRow[] = Array.from({ length: 40 }, (_, i) => ({
    row: i + 2,
    idStatus: i % 5 === 0 ? 'lost' : 'as_given',
    ...(i % 5 === 0 ? {} : { idNumber: `4301021990010${String(10000 + i).slice(1)}` }),
    values: {
      name: ['王永浩', '李𠀀', '张"三"', '赵\\四'][i % 4] as string,
      village: '红星村',
      household_no: String(1000 + (i % 7)),
    },
  }));
  const bytes = new TextEncoder().encode(`${encodeRows(rows)}\n`);

  /**
   * `bytes` in chunks cut at `cuts`, each handed out in the same scratch buffer, overwritten
   * when the next chunk is asked for (as a stream may reuse its memory).
   */
  async function* reused(cuts: readonly number[]): AsyncGenerator<Uint8Array> {
    const bounds = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
      (a, b) => a - b,
    );
    const scratch = new Uint8Array(bytes.length);
    for (let i = 1; i < bounds.length; i++) {
      const [from, to] = [bounds[i - 1] as number, bounds[i] as number];
      scratch.set(bytes.subarray(from, to));
      yield scratch.subarray(0, to - from);
      scratch.fill(0x7b);
    }
  }

  it('sketches and sought lines are the same as from one buffer, whatever the chunks', async () => {
    const sought = lineOfIdIn(
      new Set(rows.flatMap((r, i) => (i % 3 === 0 && r.idNumber ? [r.idNumber] : []))),
    );
    const read = async (chunks: AsyncIterable<Uint8Array>) => {
      const found: NormalizedRow[] = [];
      for await (const batch of decodeRowSketches(chunks, ['name', 'village']))
        for (const sketch of batch) found.push(sketch.whole());
      return found;
    };
    const where = async (chunks: AsyncIterable<Uint8Array>) => {
      const found: NormalizedRow[] = [];
      for await (const batch of decodeRowBatchesWhere(chunks, sought)) found.push(...batch);
      return found;
    };
    const whole = (async function* () {
      yield bytes;
    })();
    const expectedWhere = await where(
      (async function* () {
        yield bytes;
      })(),
    );
    expect(await read(whole)).toEqual(rows);
    expect(expectedWhere.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 60 }), async (cuts) => {
        expect(await read(reused(cuts))).toEqual(rows);
        expect(await where(reused(cuts))).toEqual(expectedWhere);
      }),
      { numRuns: 300 },
    );
  });
});
