/**
 * `npm run bench:county -- --persons N [--seed n] [--months n] [--cache dir]`: the whole
 * county benchmark (see `run.ts`). Exits 1 when a rule's recall is below 99%, a workflow
 * execution did not succeed or the re-upload did not change exactly the expected leads, so a
 * smoke run can fail; speeds are printed, never judged.
 */
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TARGETS, missedTargets } from '@jiandu/accuracy/compare';
import { countyReport } from './format.js';
import { runCountyBench } from './run.js';

const USAGE = 'usage: npm run bench:county -- --persons N [--seed n] [--months n] [--cache <dir>]';

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    throw new Error(`--${name} must be a positive integer, got '${raw}'\n${USAGE}`);
  return Number(raw);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      months: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const persons = positive('persons', values.persons);
  if (persons === undefined) throw new Error(USAGE);
  const seed = positive('seed', values.seed);
  const months = positive('months', values.months);
  const machine = `${cpus().length} CPUs, ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}`;
  const run = await runCountyBench({
    persons,
    ...(seed !== undefined ? { seed } : {}),
    ...(months !== undefined ? { months } : {}),
    ...(values.cache !== undefined ? { cacheDir: resolve(values.cache) } : {}),
    log: (line) => console.log(`[bench:county] ${line}`),
  });
  console.log(`\n${countyReport(run, machine)}`);
  const missed = missedTargets(run.report, { ...DEFAULT_TARGETS, precision: 0, fallbackRecall: 0 });
  if (run.executions.failed > 0)
    missed.push(`${run.executions.failed} workflow execution(s) did not succeed`);
  for (const f of run.notInForce) missed.push(`${f.file}: ${f.outcome}`);
  if (!run.reupload.asExpected)
    missed.push(
      `re-upload: leads appeared ${run.reupload.found.appeared.length} (expected ${run.reupload.expected.appeared.length}), ` +
        `disappeared ${run.reupload.found.disappeared.length} (expected ${run.reupload.expected.disappeared.length}), ` +
        `${run.reupload.failed} execution(s) failed, outcome ${run.reupload.outcome}`,
    );
  if (missed.length > 0) {
    console.log(`\nTARGETS MISSED:\n  ${missed.join('\n  ')}`);
    return 1;
  }
  console.log('\nrecall ≥ 99% for every rule');
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 2;
    },
  );
}
