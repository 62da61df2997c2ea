import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { demoUploadKey, generateDemoCounty } from '../src/index.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe('demo CLI', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('writes every file under department/kind and a truth.json matching the generator', () => {
    const out = mkdtempSync(join(tmpdir(), 'jiandu-demo-'));
    dirs.push(out);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(main(['--out', out, '--seed', '5', '--persons', '400'])).toBe(0);
    const expected = generateDemoCounty({ seed: 5, persons: 400 });
    const written = walk(out)
      .map((p) => relative(out, p))
      .sort();
    expect(written).toEqual(
      [...expected.files.map((f) => `${f.department}/${f.kind}/${f.fileName}`), 'truth.json'].sort(),
    );
    for (const f of expected.files) {
      expect(readFileSync(join(out, f.department, f.kind, f.fileName)).equals(Buffer.from(f.body))).toBe(
        true,
      );
    }
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
    expect(truth.leads).toEqual(expected.truth.leads);
    expect(truth.decoys).toEqual(expected.truth.decoys);
    expect(truth.stats).toEqual(expected.stats);
    expect(truth.files.map((f: { key: string }) => f.key)).toEqual(expected.files.map(demoUploadKey));
    // The summary line carries counts only, never names or ID numbers.
    const line = String(log.mock.calls[0]?.[0]);
    expect(line).toContain('400 persons');
    expect(line).not.toMatch(/\d{15,}/);
  });

  it('refuses bad arguments with exit code 2', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(main([])).toBe(2);
    expect(main(['--out', '/tmp/x', '--persons', 'many'])).toBe(2);
    expect(main(['--bogus'])).toBe(2);
    expect(err).toHaveBeenCalled();
  });
});
