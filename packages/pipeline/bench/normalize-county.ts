/**
 * Times the `Normalize` task alone over a benchmark county's files, on the in-memory ports:
 * per file its rows, seconds and rows/s, then the totals and the process's peak RSS. The
 * divisions file goes first (the other files resolve townships and villages against it).
 *
 *   node --import ./scripts/node-support.mjs --import tsx packages/pipeline/bench/normalize-county.ts \
 *     /work/bench-cache/county-p100000-sdefault-mdefault-v1/upload [--only <substring>]
 *
 * Add `--cpu-prof` after `node` for a profile. Nothing here is asserted: figures only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { normalizeUpload } from '@jiandu/pipeline';
import { MemoryColumnMappings, MemoryObjects, MemoryVersions } from '@jiandu/store/memory';

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
  log: { info: () => {}, warn: () => {} },
  now: () => new Date().toISOString(),
};

let rows = 0;
let bytes = 0;
let seconds = 0;
for (const file of files) {
  const body = readFileSync(file.path);
  await deps.objects.put(UPLOAD, file.key, body);
  if (only && !file.key.includes(only) && !file.key.includes('/divisions/')) continue;
  const started = performance.now();
  const out = await normalizeUpload(deps, {
    bucket: UPLOAD,
    key: file.key,
    eventTime: new Date().toISOString(),
  });
  const s = (performance.now() - started) / 1000;
  const n = out.accepted + out.rejected;
  rows += n;
  bytes += body.length;
  seconds += s;
  console.log(
    `${s.toFixed(2).padStart(7)} s ${String(n).padStart(8)} rows ${String(Math.round(n / s)).padStart(7)} rows/s ${(body.length / 2 ** 20).toFixed(1).padStart(6)} MiB  ${out.outcome} ${file.key}`,
  );
}
console.log(
  `total ${seconds.toFixed(2)} s, ${rows} rows, ${Math.round(rows / seconds)} rows/s, ${(bytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
);
