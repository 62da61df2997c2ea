/**
 * The county benchmark's re-upload change (`roster-change.ts`) on a generated county: the
 * changed roster, read by the platform's reader and judged by the platform's R06 rule, loses
 * exactly the lead it names and gains exactly the one it names; every other line keeps its bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planUpload } from '@jiandu/cli/layout';
import { DEFAULT_RULE_CONFIG } from '@jiandu/domain/config';
import type { NormalizedRow } from '@jiandu/domain/model';
import { evaluateDuplicatePayment } from '@jiandu/domain/rules/r06-duplicate-payment';
import type { SourceRow } from '@jiandu/domain/rules/types';
import { ingestFile } from '@jiandu/ingest';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedCounty } from '../src/county/county-cache.js';
import { changeOneMonthlyRoster, editLines, rosterMonth } from '../src/county/roster-change.js';

const dir = mkdtempSync(join(tmpdir(), 'jiandu-roster-change-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function r06Keys(fileName: string, body: Buffer): Promise<string[]> {
  const rows: SourceRow[] = [];
  await ingestFile(
    'subsidy_payments',
    { fileName, body },
    {
      accept: (row: NormalizedRow) => void rows.push({ ...row, kind: 'subsidy_payments', versionId: 'v' }),
      reject: () => undefined,
    },
  );
  return evaluateDuplicatePayment(
    { rows: (kind) => (kind === 'subsidy_payments' ? rows : []) },
    DEFAULT_RULE_CONFIG,
  )
    .map((f) => f.subjectKey)
    .sort();
}

describe('changeOneMonthlyRoster', () => {
  it('removes one planted R06 duplicate and enters one ordinary payment twice, nothing else', async () => {
    const county = cachedCounty(join(dir, 'cache'), { persons: 2_000 });
    const plan = planUpload(county.uploadFolder, {});
    const change = await changeOneMonthlyRoster({
      files: plan.files,
      expected: county.expected,
      decoys: county.decoys,
      outDir: join(dir, 'work'),
    });
    const original = plan.files.find((f) => f.relativePath === change.relativePath);
    expect(original?.kind).toBe('subsidy_payments');
    expect(rosterMonth(change.relativePath)).toMatch(/^\d{4}-\d{2}$/);
    const fileName = original?.fileName as string;
    const before = readFileSync(original?.path as string);
    const after = readFileSync(join(change.folder, change.relativePath));

    const was = await r06Keys(fileName, before);
    const is = await r06Keys(fileName, after);
    expect(change.disappear.map((l) => l.rule)).toEqual(['R06']);
    expect(change.appear.map((l) => l.rule)).toEqual(['R06']);
    expect(was.filter((k) => !is.includes(k))).toEqual(change.disappear.map((l) => l.subjectKey));
    expect(is.filter((k) => !was.includes(k))).toEqual(change.appear.map((l) => l.subjectKey));
    // The one it removes is the truth's, and the one it adds is nobody's in the truth.
    const truth = new Set(county.expected.map((l) => `${l.rule}|${l.subjectKey}`));
    expect(truth.has(`R06|${change.disappear[0]?.subjectKey}`)).toBe(true);
    expect(truth.has(`R06|${change.appear[0]?.subjectKey}`)).toBe(false);

    // One line fewer, one more: the same number of lines and, sorted, all but two the same.
    const lines = (b: Buffer) => b.toString('latin1').split('\n');
    expect(lines(after)).toHaveLength(lines(before).length);
    const unchanged = lines(before).filter((l) => lines(after).includes(l));
    expect(unchanged.length).toBeGreaterThanOrEqual(lines(before).length - 1);
  });
});

describe('editLines', () => {
  it('drops one line, doubles another, and terminates a last line that had no terminator', () => {
    const text = (b: Buffer) => b.toString('utf8');
    expect(text(editLines(Buffer.from('a\r\nb\r\nc'), 1, 3))).toBe('b\r\nc\r\nc\r\n');
    expect(text(editLines(Buffer.from('a\nb\nc\n'), 2, 1))).toBe('a\na\nc\n');
  });
});
