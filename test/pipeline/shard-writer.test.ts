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

  it('digests each shard by its rows’ content in order, whatever their row numbers and the batch size', () => {
    const digests = (placed: readonly (readonly [number, NormalizedRow])[], batch: number) => {
      const writer = new ShardWriter(batch);
      for (const [shard, r] of placed) writer.add(shard, r);
      for (let shard = 0; shard < SHARD_COUNT; shard++) writer.take(shard);
      return writer.digests();
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), row), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 1_000 }),
        (placed, batch, shift) => {
          const before = digests(placed, 3);
          // A title row inserted above the table: every row further down, nothing else changed.
          const shifted = placed.map(([s, r]) => [s, { ...r, row: r.row + shift }] as const);
          expect(digests(shifted, batch)).toEqual(before);
          // A changed value changes exactly its shard's digest.
          const [shard, first] = placed[0] as [number, NormalizedRow];
          const changed = [
            [
              shard,
              { ...first, values: { ...first.values, note: `${String(first.values.note)}改` } },
            ] as const,
            ...placed.slice(1),
          ];
          const after = digests(changed, batch);
          expect(after[shard]).not.toBe(before[shard]);
          expect(after.filter((_, s) => s !== shard)).toEqual(before.filter((_, s) => s !== shard));
          // Two rows of one shard in the other order: another digest.
          const same = placed.filter(([s]) => s === shard);
          if (
            same.length >= 2 &&
            JSON.stringify(same[0]?.[1].values) !== JSON.stringify(same[1]?.[1].values)
          ) {
            const swapped = [same[1], same[0], ...placed.filter(([s]) => s !== shard)] as [
              number,
              NormalizedRow,
            ][];
            const reordered = [same[0], same[1], ...placed.filter(([s]) => s !== shard)] as [
              number,
              NormalizedRow,
            ][];
            expect(digests(swapped, batch)[shard]).not.toBe(digests(reordered, batch)[shard]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a shard number outside the layout', () => {
    expect(() => new ShardWriter().add(SHARD_COUNT, { row: 1, idStatus: 'absent', values: {} })).toThrow(
      RangeError,
    );
  });
});
