/**
 * The hostile-input corpus (issue 13): each file of `test/fixtures/hostile/files/` is read in
 * a child process of its own with a 512 MB heap and 30 s, as the pipeline's Lambda would
 * stream it. Each is read correctly or refused with its specific Chinese reason — never a
 * crash, a timeout, an English library message or a file left in $TMPDIR — and the raw file
 * is unchanged afterwards.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, type HostileCase, type ReadSummary, type Refusal } from '../fixtures/hostile/cases.js';
import { HOSTILE_DIR, storedName } from '../fixtures/hostile/make-hostile.js';

const HEAP_MB = 512;
const TIMEOUT_MS = 30_000;
// Two cores are shared: two readers at a time.
const PARALLEL = 2;

let work: string;
let runner: string;
const outcomes = new Map<string, Promise<Outcome>>();

type Outcome = (ReadSummary | Refusal | { outcome: 'crash'; detail: string }) & {
  readonly ms: number;
  readonly tmpLeft: string[];
};

/** Read one case in a child process: bounded heap, bounded time, a $TMPDIR of its own. */
function readInChild(c: HostileCase): Promise<Outcome> {
  const tmp = mkdtempSync(join(work, 'tmp-'));
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, runner, c.kind, join(HOSTILE_DIR, storedName(c)), c.file],
      { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, TMPDIR: tmp } },
      (error, stdout, stderr) => {
        const ms = Date.now() - started;
        const tmpLeft = readdirSync(tmp);
        rmSync(tmp, { recursive: true, force: true });
        if (error)
          resolve({
            outcome: 'crash',
            detail: `${error.signal ?? error.code}: ${stderr.slice(-2000)}`,
            ms,
            tmpLeft,
          });
        else resolve({ ...(JSON.parse(stdout) as ReadSummary | Refusal), ms, tmpLeft });
      },
    );
  });
}

/** Start every read up front, `PARALLEL` at a time; each test awaits its own. */
function schedule(): void {
  const lanes: Promise<unknown>[] = Array.from({ length: PARALLEL }, () => Promise.resolve());
  CASES.forEach((c, i) => {
    const lane = i % PARALLEL;
    const result = (lanes[lane] as Promise<unknown>).then(() => readInChild(c));
    lanes[lane] = result;
    outcomes.set(c.file, result);
  });
}

const hashes = new Map<string, string>();
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'jiandu-hostile-'));
  runner = join(work, 'read-one.mjs');
  // Bundled once: a child then starts in a fraction of a second instead of compiling TypeScript.
  await build({
    entryPoints: [fileURLToPath(new URL('../fixtures/hostile/read-one.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: runner,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  for (const c of CASES) hashes.set(c.file, sha(join(HOSTILE_DIR, storedName(c))));
  schedule();
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('hostile files', () => {
  it('the corpus has at least 60 files, one per case, a few MB in all', () => {
    const files = readdirSync(HOSTILE_DIR).sort();
    expect(files).toEqual(CASES.map(storedName).sort());
    expect(files.length).toBeGreaterThanOrEqual(60);
    const bytes = files.reduce((sum, f) => sum + readFileSync(join(HOSTILE_DIR, f)).length, 0);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it.each(CASES.map((c) => [c.file, c] as const))(
    '%s',
    async (_file, c) => {
      const outcome = await outcomes.get(c.file);
      if (!outcome) throw new Error('not scheduled');
      expect(outcome.outcome, `${c.what}: ${JSON.stringify(outcome).slice(0, 1500)}`).not.toBe('crash');
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS);
      // Nothing spilled to disk and left there.
      expect(outcome.tmpLeft).toEqual([]);
      // The raw file is only read.
      expect(sha(join(HOSTILE_DIR, storedName(c)))).toBe(hashes.get(c.file));
      if ('reject' in c.expect) {
        expect(outcome, c.what).toMatchObject({ outcome: 'rejected', code: c.expect.reject });
        const message = (outcome as Refusal).message;
        expect(message).toMatch(c.expect.message);
        // A reason for the department, in Chinese, without a library's English in it.
        expect(message).toMatch(/[\u4e00-\u9fff]/);
        expect(message).not.toMatch(
          /ENOSPC|Invalid string length|FILE_ENDED|undefined entity|Cannot read|Error:/,
        );
      } else {
        expect(outcome.outcome, `${c.what}: ${JSON.stringify(outcome).slice(0, 1500)}`).toBe('read');
        c.expect.read(outcome as ReadSummary);
      }
    },
    TIMEOUT_MS * (CASES.length / PARALLEL + 2),
  );
});
