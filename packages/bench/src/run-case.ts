/**
 * One benchmark case, run in its own process so its peak memory is its own:
 *
 *   node --import tsx packages/bench/src/run-case.ts <file> <kind>
 *
 * Streams the file through `ingestFile` into a sink that only counts, samples
 * `process.memoryUsage()` while it runs, and prints one JSON line of figures.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { isDatasetKind } from '@jiandu/domain/kinds';
import { ingestFile } from '@jiandu/ingest';

/** The figures one case reports. */
export interface CaseFigures {
  readonly rowsRead: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly idsRepaired: number;
  readonly idsLost: number;
  readonly seconds: number;
  /** CPU seconds (user + system) the read took: on a shared machine, steadier than the wall clock. */
  readonly cpuSeconds: number;
  /** Resident set size before reading (runtime and modules loaded), bytes. */
  readonly baseRss: number;
  /** Peak resident set size of the process (the OS's own maximum), bytes. */
  readonly peakRss: number;
  /** Highest V8 heap use sampled while reading, bytes. */
  readonly peakHeap: number;
}

async function run(file: string, kind: string): Promise<CaseFigures> {
  if (!isDatasetKind(kind)) throw new Error(`unknown kind ${kind}`);
  const baseRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 25);
  let accepted = 0;
  let rejected = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = await ingestFile(
    kind,
    { fileName: basename(file), body: createReadStream(file, { highWaterMark: 256 * 1024 }) },
    {
      accept: () => {
        accepted++;
      },
      reject: () => {
        rejected++;
      },
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(timer);
  sample();
  if (accepted !== result.quality.accepted || rejected !== result.quality.rejected)
    throw new Error('sink counts differ from the quality report');
  return {
    rowsRead: result.quality.rowsRead,
    accepted,
    rejected,
    idsRepaired: result.quality.idsRepaired,
    idsLost: result.quality.idsLost,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    baseRss,
    // maxRSS is in kibibytes.
    peakRss: process.resourceUsage().maxRSS * 1024,
    peakHeap,
  };
}

const [file, kind = 'subsidy_payments'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: run-case.ts <file> [kind]\n');
  process.exitCode = 2;
} else {
  run(file, kind).then(
    (figures) => process.stdout.write(`${JSON.stringify(figures)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
