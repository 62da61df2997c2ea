/**
 * The second, independent fixture set (issue 9 §4): for every kind, five header sets as the
 * national systems' exports name their columns (test/fixtures/real-headers/{kind}/), written
 * from those systems rather than from the demo generator. Every one must read into the same
 * canonical rows, with every column recognised and no row rejected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_KINDS } from '@jiandu/domain/kinds';
import { describe, expect, it } from 'vitest';
import { collect } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/real-headers/', import.meta.url));

describe.each(DATASET_KINDS.map((kind) => [kind]))('real headers of %s', (kind) => {
  const files = readdirSync(join(ROOT, kind))
    .filter((f) => f.endsWith('.csv'))
    .sort();

  it('has at least five header sets', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('reads every header set into the same canonical rows', async () => {
    const results = await Promise.all(
      files.map(async (file) => ({
        file,
        ...(await collect(kind, readFileSync(join(ROOT, kind, file)), file)),
      })),
    );
    const [first, ...others] = results;
    if (!first) throw new Error(`no fixtures for ${kind}`);
    const header =
      readFileSync(join(ROOT, kind, first.file), 'utf8')
        .split('\n')[0]
        ?.split(',') ?? [];
    for (const r of results) {
      expect(r.rejected, r.file).toEqual([]);
      expect(r.accepted.length, r.file).toBe(
        readFileSync(join(ROOT, kind, r.file), 'utf8')
          .trim()
          .split('\n').length - 1,
      );
      // Every column of the file found a canonical column, by its header alone.
      expect(r.result.quality.columns?.length, r.file).toBe(header.length);
      expect(
        r.result.quality.columns?.every((c) => c.how === 'alias'),
        r.file,
      ).toBe(true);
      expect(
        r.result.quality.warnings.filter((w) => w.includes('未识别')),
        r.file,
      ).toEqual([]);
    }
    for (const other of others) {
      expect(
        other.accepted.map((row) => ({ idNumber: row.idNumber, values: row.values })),
        `${other.file} vs ${first.file}`,
      ).toEqual(first.accepted.map((row) => ({ idNumber: row.idNumber, values: row.values })));
    }
  });
});
