/**
 * Keeps `npm run bench` from rotting: the real entry, at a CI-sized row count. Asserts the
 * shape of the report and that no row went missing — never a speed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { messyRoster } from '../src/messy-rows.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jiandu-bench-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench --rows 2000', () => {
  it('prints one line per case with every data row read, accepted or rejected', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'packages/bench/src/main.ts', '--rows', '2000', '--dir', dir],
      { cwd: ROOT },
    );
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => /^\s*case\s+file\s+rows read/.test(l));
    expect(header).toBeGreaterThan(-1);
    expect(lines[header]).toMatch(/rows\/s\s+CPU s\s+rows\/CPU s\s+base RSS\s+peak RSS\s+peak heap$/);
    const rows = lines.slice(header + 2).filter((l) => l.trim() !== '');
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(['csv-utf8', 'csv-gbk', 'xlsx']);

    // The generator's data rows and the ones it spoils on purpose (an unreadable amount).
    const data = [...messyRoster(2000)].filter((l) => l.kind === 'data');
    const spoiled = data.filter((l) => l.cells[6] === '待核').length;
    expect(data).toHaveLength(2000);
    expect(spoiled).toBeGreaterThan(0);
    for (const row of rows) {
      // case, file size, unit, rows read, accepted, rejected, seconds, rows/s, CPU figures, then MiB figures.
      const [, , , read, accepted, rejected, seconds, perSecond] = row.trim().split(/\s+/);
      expect(Number(read)).toBe(2000);
      expect(Number(accepted) + Number(rejected)).toBe(2000);
      expect(Number(rejected)).toBeGreaterThanOrEqual(spoiled);
      expect(Number(seconds)).toBeGreaterThan(0);
      expect(Number(perSecond)).toBeGreaterThan(0);
      expect(row).toMatch(/\d+ MiB\s+\d+ MiB\s+\d+ MiB$/);
    }
  }, 120_000);
});
