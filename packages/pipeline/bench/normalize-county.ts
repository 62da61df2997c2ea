/**
 * Times the `Normalize` task alone over a benchmark county's files, on the in-memory ports:
 * per file its rows, seconds and rows/s, then the totals and the process's peak RSS. The
 * divisions file goes first (the other files resolve townships and villages against it).
 *
 *   node --import ./scripts/node-support.mjs --import tsx packages/pipeline/bench/normalize-county.ts \
 *     /work/bench-cache/county-p100000-sdefault-mdefault-v1/upload [--only <substring>]
 *
 * Per file: seconds, rows, rows/s, file size and the peak of V8 heap + buffers above what was
 * in use before the task (sampled every 10 ms, garbage included) and what it holds live when it
 * starts writing its shards (run with `--expose-gc` for both to be live memory). Add
 * `--cpu-prof` after `node` for a profile. Nothing here is asserted: figures only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { normalizeUpload } from '@jiandu/pipeline';
import {
  MemoryColumnMappings,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryVersions,
} from '@jiandu/store/memory';

const UPLOAD = 'uploads-bucket';
const folder = process.argv[2];
if (!folder) throw new Error('usage: normalize-county.ts <county upload folder> [--only <substring>]');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const files = filesUnder(folder)
  .map((path) => ({ path, key: `uploads/${relative(folder, path)}` }))
  .sort((a, b) => Number(b.key.includes('/divisions/')) - Number(a.key.includes('/divisions/')));

const deps = {
  versions: new MemoryVersions(),
  objects: new MemoryObjects(),
  buckets: { data: 'data-bucket' },
  columnMappings: new MemoryColumnMappings(),
  pending: new MemoryPendingCollisions(),
  log: { info: () => {}, warn: () => {} },
  now: () => new Date().toISOString(),
};

function inUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

// What a task holds when it starts writing its outputs (with --expose-gc: live memory only,
// not garbage awaiting collection): the rows or bytes it kept of the file.
let heldAtWrite: number | undefined;
const put = deps.objects.put.bind(deps.objects);
deps.objects.put = async (bucket: string, key: string, body: Uint8Array | string) => {
  if (heldAtWrite === undefined && bucket === deps.buckets.data) {
    global.gc?.();
    heldAtWrite = inUse();
  }
  return put(bucket, key, body);
};

let rows = 0;
let bytes = 0;
let seconds = 0;
const cpuStart = process.cpuUsage();
for (const file of files) {
  const body = readFileSync(file.path);
  await deps.objects.put(UPLOAD, file.key, body);
  if (only && !file.key.includes(only) && !file.key.includes('/divisions/')) continue;
  // Memory the task adds while it runs: V8 heap plus buffers, sampled (timers run between rows).
  global.gc?.();
  const base = inUse();
  let peak = base;
  heldAtWrite = undefined;
  const sampler = setInterval(() => {
    peak = Math.max(peak, inUse());
  }, 10);
  const started = performance.now();
  const out = await normalizeUpload(deps, {
    bucket: UPLOAD,
    key: file.key,
    eventTime: new Date().toISOString(),
  });
  const s = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, inUse());
  const n = out.accepted + out.rejected;
  rows += n;
  bytes += body.length;
  seconds += s;
  console.log(
    `${s.toFixed(2).padStart(7)} s ${String(n).padStart(8)} rows ${String(Math.round(n / s)).padStart(7)} rows/s ${(body.length / 2 ** 20).toFixed(1).padStart(6)} MiB  +${((peak - base) / 2 ** 20).toFixed(0).padStart(4)} MiB peak, +${(((heldAtWrite ?? base) - base) / 2 ** 20).toFixed(0).padStart(4)} MiB held at write  ${out.outcome} ${file.key}`,
  );
}
// CPU seconds too: on a shared machine the wall clock says more about the neighbours.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `total ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), ${rows} rows, ${Math.round(rows / seconds)} rows/s (${Math.round(rows / cpuSeconds)} per CPU second), ${(bytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
);
