import { createHash, type Hash } from 'node:crypto';
import type { NormalizedRow } from '@jiandu/domain/model';
import { encodeRows, SHARD_COUNT } from './shards.js';

// Rows per shard encoded at once: small enough that few row objects live at a time, large
// enough that the per-batch buffers stay few.
const BATCH_ROWS = 512;
const NEWLINE = Buffer.from('\n');
// A stored line's row number: `JSON.stringify` writes a normalized row's `row` first, as ingest builds it.
const ROW_NUMBER = /^\{"row":\d+,/gm;

/**
 * The shard files of one version, encoded as its rows arrive: each shard keeps UTF-8 bytes
 * (a few hundred per row, outside the V8 heap) instead of row objects (≈ 1 KB each in the
 * heap) until the file is written. A shard's bytes are exactly `encodeRows` of its rows in
 * order: `encodeRows` writes one line per row, so batches joined by a line break are the same
 * file (`test/pipeline/shard-writer.test.ts` holds it to that).
 *
 * It also digests each shard's rows by content (their lines without their row numbers),
 * in order, so that a match of a later version whose shard holds the same rows can be known
 * equal without reading it (`match-reuse.ts`).
 */
export class ShardWriter {
  /** Rows per shard so far (the version's `shardRows`). */
  readonly counts: number[] = Array.from({ length: SHARD_COUNT }, () => 0);
  readonly #pending: NormalizedRow[][] = Array.from({ length: SHARD_COUNT }, () => []);
  readonly #encoded: Buffer[][] = Array.from({ length: SHARD_COUNT }, () => []);
  readonly #content: Hash[] = Array.from({ length: SHARD_COUNT }, () => createHash('sha256'));
  #encodedBytes = 0;

  constructor(private readonly batchRows = BATCH_ROWS) {}

  /** Add a row to shard `shard` (0 … {@link SHARD_COUNT} − 1). */
  add(shard: number, row: NormalizedRow): void {
    const pending = this.#pending[shard];
    if (!pending) throw new RangeError(`No shard ${shard} of ${SHARD_COUNT}`);
    pending.push(row);
    this.counts[shard] = (this.counts[shard] ?? 0) + 1;
    if (pending.length >= this.batchRows) this.#flush(shard);
  }

  /** Bytes encoded so far (rows of a last, partial batch per shard not yet among them). */
  get encodedBytes(): number {
    return this.#encodedBytes;
  }

  /**
   * The file of shard `shard`, or `undefined` when it has no rows. Its bytes are handed over:
   * the writer lets go of them, so each shard is taken once.
   */
  take(shard: number): Buffer | undefined {
    this.#flush(shard);
    const parts = this.#encoded[shard] ?? [];
    this.#encoded[shard] = [];
    if (parts.length === 0) return undefined;
    return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [NEWLINE, part])));
  }

  /**
   * Per shard, a digest of its rows' content in order (the version's `shardDigests`): call it
   * once every row was added.
   */
  digests(): string[] {
    return this.#content.map((hash, shard) => {
      this.#flush(shard);
      return hash.digest('hex').slice(0, 32);
    });
  }

  #flush(shard: number): void {
    const pending = this.#pending[shard];
    if (!pending || pending.length === 0) return;
    const text = encodeRows(pending);
    // The lines without their leading row numbers, each ended by a line break (whatever the
    // batches). A line whose `row` is not first keeps it: that only makes the digest stricter.
    (this.#content[shard] as Hash).update(text.replace(ROW_NUMBER, '{')).update('\n');
    const bytes = Buffer.from(text);
    this.#encoded[shard]?.push(bytes);
    this.#encodedBytes += bytes.length;
    this.#pending[shard] = [];
  }
}
