import type { NormalizedRow } from '@jiandu/domain/model';
import { ShardWriter } from '@jiandu/pipeline/shard-writer';
import { decodeRows, encodeRows, SHARD_COUNT } from '@jiandu/pipeline/shards';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const row = fc.record({
  row: fc.integer({ min: 1, max: 2_000_000 }),
  idStatus: fc.constantFrom('valid', 'repaired', 'lost', 'absent') as fc.Arbitrary<NormalizedRow['idStatus']>,
  values: fc.dictionary(
    fc.constantFrom('name', 'village', 'amount', 'note'),
    // Line breaks, quotes and backslashes inside values: JSON escapes them, a line stays a line.
    fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.integer(),
      fc.constant(null),
      fc.constantFrom('\n', '"\\', '王\r\n五'),
    ),
  ),
}) as fc.Arbitrary<NormalizedRow>;

describe('ShardWriter', () => {
  it('writes each shard exactly as encodeRows of its rows in order, whatever the batch size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: SHARD_COUNT - 1 }), row), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (placed, batch) => {
          const writer = new ShardWriter(batch);
          for (const [shard, r] of placed) writer.add(shard, r);
          // Whole batches are encoded as they fill: with batches of one row, every row, which is
          // the files' bytes less the line breaks between rows.
          if (batch === 1) {
            const files = Array.from({ length: SHARD_COUNT }, (_, s) =>
              placed.filter(([p]) => p === s).map(([, r]) => r),
            ).filter((rows) => rows.length > 0);
            const bytes = files.reduce((sum, rows) => sum + Buffer.byteLength(encodeRows(rows)), 0);
            expect(writer.encodedBytes).toBe(bytes - (placed.length - files.length));
          }
          for (let shard = 0; shard < SHARD_COUNT; shard++) {
            const rows = placed.filter(([s]) => s === shard).map(([, r]) => r);
            expect(writer.counts[shard]).toBe(rows.length);
            const bytes = writer.take(shard);
            if (rows.length === 0) expect(bytes).toBeUndefined();
            else {
              expect(bytes?.toString('utf8')).toBe(encodeRows(rows));
              expect(decodeRows(bytes?.toString('utf8') ?? '')).toEqual(JSON.parse(JSON.stringify(rows)));
            }
            // Handed over once: the writer keeps nothing of it.
            expect(writer.take(shard)).toBeUndefined();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a shard number outside the layout', () => {
    expect(() => new ShardWriter().add(SHARD_COUNT, { row: 1, idStatus: 'absent', values: {} })).toThrow(
      RangeError,
    );
  });
});
