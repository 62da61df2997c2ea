/**
 * `npm run bench`: ingestion throughput and peak memory for `subsidy_payments` files of
 * `--rows` data rows (default 1,000,000) as CSV in UTF-8, CSV in GBK and XLSX.
 *
 *   npm run bench -- [--rows n] [--dir .bench] [--cases csv-utf8,csv-gbk,xlsx]
 *
 * Input files are generated once into `--dir` (git-ignored) and reused; every case runs in a
 * child process of its own, so the peak RSS it reports is that case's alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { writeCsv, writeXlsx } from './files.js';
import { messyRoster } from './messy-rows.js';
import type { CaseFigures } from './run-case.js';
import { textTable } from './table.js';

/** The cases: a name, the file extension and how to write it. */
export const CASES = {
  'csv-utf8': {
    ext: 'csv',
    write: (path: string, rows: number) => writeCsv(path, messyRoster(rows), 'utf-8'),
  },
  'csv-gbk': {
    ext: 'csv',
    write: (path: string, rows: number) => writeCsv(path, messyRoster(rows, { encoding: 'gbk' }), 'gbk'),
  },
  xlsx: { ext: 'xlsx', write: (path: string, rows: number) => writeXlsx(path, messyRoster(rows)) },
} as const;
export type CaseName = keyof typeof CASES;

// Bump when the generator changes, so stale inputs in .bench/ are not reused.
const INPUT_VERSION = 1;
const RUN_CASE = fileURLToPath(new URL('./run-case.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The input file of a case (generated if missing). */
export async function inputFile(dir: string, name: CaseName, rows: number): Promise<string> {
  const spec = CASES[name];
  const path = join(dir, `subsidy_payments-${rows}-${name}-v${INPUT_VERSION}.${spec.ext}`);
  if (!existsSync(path)) await spec.write(path, rows);
  return path;
}

/** Run one case in a child process and return its figures. */
export async function runCase(file: string): Promise<CaseFigures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', RUN_CASE, file, 'subsidy_payments'],
    { cwd: REPO_ROOT, maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as CaseFigures;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The results as a fixed-width table. */
export function table(rows: readonly { name: string; bytes: number; figures: CaseFigures }[]): string {
  const head = [
    'case',
    'file',
    'rows read',
    'accepted',
    'rejected',
    'seconds',
    'rows/s',
    'CPU s',
    'rows/CPU s',
    'base RSS',
    'peak RSS',
    'peak heap',
  ];
  const body = rows.map(({ name, bytes, figures: f }) => [
    name,
    mib(bytes),
    String(f.rowsRead),
    String(f.accepted),
    String(f.rejected),
    f.seconds.toFixed(1),
    String(Math.round(f.rowsRead / f.seconds)),
    f.cpuSeconds.toFixed(1),
    String(Math.round(f.rowsRead / f.cpuSeconds)),
    mib(f.baseRss),
    mib(f.peakRss),
    mib(f.peakHeap),
  ]);
  return textTable(head, body);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '1000000' },
      dir: { type: 'string', default: join(REPO_ROOT, '.bench') },
      cases: { type: 'string', default: Object.keys(CASES).join(',') },
    },
    strict: true,
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`--rows must be a positive integer, got '${values.rows}'`);
  const names = values.cases.split(',').map((c) => c.trim());
  for (const name of names)
    if (!(name in CASES)) throw new Error(`unknown case '${name}' (${Object.keys(CASES).join(', ')})`);

  const dir = resolve(values.dir);
  console.log(
    `ingestFile benchmark: subsidy_payments, ${rows} data rows; ${cpus().length} CPUs, ${mib(totalmem())} RAM, Node ${process.version}`,
  );
  const results: { name: string; bytes: number; figures: CaseFigures }[] = [];
  // Benchmark case names (csv-utf8, …) and generated file paths: no personal data.
  for (const caseName of names as CaseName[]) {
    const file = await inputFile(dir, caseName, rows);
    const { size } = statSync(file);
    console.log(`… ${caseName}: ${file}`);
    results.push({ name: caseName, bytes: size, figures: await runCase(file) });
  }
  console.log(`\n${table(results)}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
