/**
 * Keeps `npm run bench:county` from rotting: the real entry at 10,000 persons, end to end
 * (generate or reuse the county, empty local platform, CLI upload, workflows, CLI export,
 * DuckDB). Asserts that every stage printed its figures and that every rule's recall is at
 * least 99% — never a speed (speeds go to the README).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ALL_RULES } from '@jiandu/accuracy/compare';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PERSONS = 10_000;

/** The cells of the fixed-width table whose header starts with `first`. */
function tableRows(lines: readonly string[], first: string): string[][] {
  const header = lines.findIndex((l) => l.trim().startsWith(`${first} `));
  expect(header, `a table starting with '${first}'`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

describe(`npm run bench:county -- --persons ${PERSONS}`, () => {
  it(
    'prints every stage with figures and finds ≥ 99% of every rule’s planted leads',
    async () => {
      // Run to the end whatever the exit code, so a miss shows the report it printed.
      const { code, stdout, stderr } = await new Promise<{
        code: number | null;
        stdout: string;
        stderr: string;
      }>((done) => {
        execFile(
          process.execPath,
          [
            '--import',
            './scripts/node-support.mjs',
            '--import',
            'tsx',
            'packages/bench/src/county/main.ts',
            '--persons',
            String(PERSONS),
          ],
          { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 14 * 60_000 },
          (error, stdout, stderr) =>
            done({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
        );
      });
      const lines = stdout.split('\n');
      // The benchmark exits 1 on any missed target: none may be missed.
      expect(code, `exit code ${code}; output:\n${stdout}\n${stderr}`).toBe(0);

      const stages = tableRows(lines, 'stage');
      // Other figures may join the table; these stages must be in it.
      expect(stages.map((r) => r[0])).toEqual(
        expect.arrayContaining(['upload', 'normalize', 'collision', 'export', 're-upload']),
      );
      for (const [stage, seconds, rows, , perSecond, peak, node, java] of stages) {
        expect(Number(seconds), `${stage} seconds`).toBeGreaterThan(0);
        expect(Number(rows?.replaceAll(',', '')), `${stage} rows`).toBeGreaterThan(0);
        expect(perSecond, `${stage} rows/s`).toMatch(/^[\d,]+$/);
        for (const rss of [peak, node, java]) expect(rss, `${stage} peak RSS`).toMatch(/^\d+ MiB$/);
      }
      expect(stdout).toMatch(
        /upload → all workflows done [\d.]+ s; → leads exported [\d.]+ s \(\d+ workflow executions, 0 not succeeded/,
      );
      // The run's peak, with when it was sampled and what ran then.
      expect(stdout).toMatch(
        /peak RSS of the platform: \d+ MiB at [\d.]+ s after the upload began \(running: [^)]*\)/,
      );
      // The disclosure sync's own line: at least one sync, its payments written.
      expect(stdout).toMatch(
        /disclosure sync \([^)]*\): [1-9]\d* run\(s\), [\d.]+ s, [1-9][\d,]* payment records written/,
      );
      // The first load's collision stage, task by task (the disclosure sync beside it).
      const collisionTasks = stdout.match(/^collision stage \(first load\), its tasks: (.*)$/m)?.[1] ?? '';
      for (const task of ['PlanCollision', 'MatchShard', 'ScoreAndStore', 'SyncDisclosure'])
        expect(collisionTasks, `${task} in "${collisionTasks}"`).toMatch(new RegExp(`${task} [\\d.]+ s`));
      // A task invoked several times lists each invocation's seconds, in the order they started.
      for (const [, count, each] of collisionTasks.matchAll(/\((\d+)×: ([^)]*) s\)/g))
        expect(each?.split(', ')).toHaveLength(Number(count));
      // Both readiness times: leads stored, and the public projections synced beside them.
      expect(stdout).toMatch(/upload → leads stored [\d.]+ s; → disclosure synced [\d.]+ s \(SyncDisclosure/);

      // The re-upload of one changed monthly roster: timed, and exactly the expected leads moved.
      expect(stdout).toMatch(
        /re-upload → leads stored [\d.]+ s; → disclosure synced [\d.]+ s; → updated leads exported [\d.]+ s \(new; 0 workflow executions not succeeded\)/,
      );
      // Each of its shards' own seconds; the shards whose rows changed are matched, not re-cited.
      const shards = stdout.match(
        /^ {2}its shards, each one's own seconds in its worker \([^)]*\): (.*)$/m,
      )?.[1];
      expect(
        shards?.split(', ').every((s) => /^[\d.]+ [mr]$/.test(s)),
        shards,
      ).toBe(true);
      expect(shards).toMatch(/ m\b/);
      expect(stdout).toMatch(
        /^ {2}their steps, seconds summed \(read \/ fingerprint \/ recite \/ match \/ store\): .*matched [\d.]+ \/ [\d.]+ \/ [\d.]+ \/ [\d.]+ \/ [\d.]+ s$/m,
      );
      expect(stdout).toMatch(/^ {2}appeared: R06:\S+ \(expected R06:\S+\)$/m);
      expect(stdout).toMatch(/^ {2}disappeared: R06:\S+ \(expected R06:\S+\)$/m);
      expect(stdout).toContain('exactly the expected leads changed');

      // The accuracy table (Markdown): recall ≥ 99% for every rule, each with leads to find.
      const recall = lines.filter((l) => /^\| R\d\d /.test(l)).map((l) => l.split('|').map((c) => c.trim()));
      expect(recall.map((c) => c[1])).toEqual(ALL_RULES);
      for (const cells of recall) {
        expect(Number(cells[2]), `${cells[1]} expected leads`).toBeGreaterThan(0);
        expect(Number.parseFloat(cells[6] as string), `${cells[1]} recall`).toBeGreaterThanOrEqual(99);
      }

      // DuckDB on the same files: both times, the ratio and its recall per rule are printed.
      expect(stdout).toMatch(
        /DuckDB \(plain SQL on the raw ID strings, R01\/R04\/R06\/R08\): [\d.]+ s for \d+ files .* [\d.]+ s: ratio [\d.]+×/,
      );
      const duck = tableRows(lines, 'rule');
      expect(duck.map((r) => r[0])).toEqual(['R01', 'R04', 'R06', 'R08']);
      for (const row of duck) expect(row[5]).toMatch(/^\d+\.\d% \(\d+\/\d+\)$/);
      expect(stdout).toContain('recall ≥ 99% for every rule');
    },
    15 * 60_000,
  );
});
