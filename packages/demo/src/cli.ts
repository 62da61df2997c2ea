/**
 * Write the demo county to a folder, the way departments would drop the files:
 *
 *   node --import tsx packages/demo/src/cli.ts --out <dir> [--seed n] [--persons n] [--first-month YYYY-MM] [--months n]
 *
 * Files land under `<dir>/{department}/{kind}/{fileName}`; `<dir>/truth.json` holds the expected
 * leads of every rule, the decoys, what was planted, the stats and the upload key of every file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type DemoOptions, demoUploadKey, generateDemoCounty } from './index.js';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer`);
  return Number(raw);
}

/** Run the CLI with the given arguments; returns the process exit code. */
export function main(argv: readonly string[]): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        persons: { type: 'string' },
        'first-month': { type: 'string' },
        months: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const usage = 'usage: cli.ts --out <dir> [--seed n] [--persons n] [--first-month YYYY-MM] [--months n]';
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const out = values.out;
  if (typeof out !== 'string' || out === '') {
    console.error(usage);
    return 2;
  }
  let options: DemoOptions;
  try {
    options = {};
    const seed = integer('seed', values.seed as string | undefined);
    const persons = integer('persons', values.persons as string | undefined);
    const months = integer('months', values.months as string | undefined);
    if (seed !== undefined) options.seed = seed;
    if (persons !== undefined) options.persons = persons;
    if (months !== undefined) options.months = months;
    if (typeof values['first-month'] === 'string') options.firstMonth = values['first-month'];
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  const county = generateDemoCounty(options);
  for (const file of county.files) {
    const path = join(out, file.department, file.kind, file.fileName);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.body);
  }
  const truth = {
    countyName: county.countyName,
    options,
    stats: county.stats,
    files: county.files.map((f) => ({ key: demoUploadKey(f), bytes: f.body.byteLength })),
    leads: county.truth.leads,
    decoys: county.truth.decoys,
    plants: county.truth.plants,
  };
  writeFileSync(join(out, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  // Counts only: the files themselves hold (fictional) names and ID numbers.
  console.log(
    `${county.countyName}: ${county.files.length} files, ${county.stats.persons} persons, ` +
      `${county.stats.households} households, ${county.stats.payments} payments, ` +
      `${county.truth.leads.length} expected leads → ${out}`,
  );
  return 0;
}

// Run only when executed directly, not when imported (tests call main()).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
