/**
 * The collision stage alone (PlanCollision, every MatchShard one after another, ScoreAndStore)
 * on a cached benchmark county, in one process on the in-memory ports: CPU seconds per task,
 * what the plan writes, what each shard reads. On a shared machine CPU seconds are the figure
 * to compare, not wall seconds.
 *
 *   node --import ./scripts/node-support.mjs --import tsx packages/bench/src/collision-stage.ts \
 *     <county upload folder> <normalized cache folder> [shards] [--dynamodb] [--findings <file>]
 *     [--replan] [--plan-only] [--shard <n>] [--profile <file.cpuprofile>] [--plan-digest <file>]
 *
 * The first run normalizes the county (`normalizeUpload` per file) and keeps the data bucket
 * and the versions in the cache folder; later runs start from there. `--dynamodb` stores the
 * leads in a DynamoDB Local of its own (twice: new leads, then a rescore that changes nothing)
 * and counts its requests; `--findings` writes every shard's findings (to compare two builds
 * byte for byte). `--replan` first plans without the last monthly roster (a subsidy-payments
 * version), then puts it back and plans again as its upload would (what a re-upload of one
 * changed roster costs the plan; the shards match the second run); `--plan-only` stops after
 * the plan. Each plan prints its CPU seconds and the peak of its heap above where it started
 * (sampled every 5 ms while it waits; run with `--expose-gc` for a clean start). `--shard` runs
 * only that MatchShard (and no ScoreAndStore); `--plan-digest` writes a SHA-256 of every object
 * the (last) plan wrote, its run id blanked (to compare what two builds plan byte for byte); `--profile` writes a CPU profile of the
 * MatchShard tasks alone (with `--plan-only`: of the plan, or both plans with `--replan`; with
 * `--reupload --dynamodb`: of the re-upload's ScoreAndStore). With `--expose-gc`, each shard's heap is measured as it writes its
 * findings (rows, reference and findings all still held), after a full collection.
 * `--reupload` then re-uploads the county's first monthly roster changed as the county
 * benchmark changes it (one line out, another entered twice), plans it as its upload would and
 * matches every shard twice: as the platform does (shards whose inputs did not change re-cite
 * the first run's findings) and afresh (what every shard cost before incremental match). With
 * `--dynamodb` too, the first run's leads are stored before the re-upload, and after it the
 * standing leads are read alone, then the re-upload's ScoreAndStore runs on the re-cited
 * findings: wall and CPU seconds here and in DynamoDB Local (its JVM's, from /proc), the
 * seconds spent in lead writes and the requests — where a re-upload's ScoreAndStore goes.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { RULES, resolveRuleConfig } from '@jiandu/domain';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { createDynamoDbClient, ensureTable, startDynamoDbLocal } from '@jiandu/local/dynamodb';
import { freePort } from '@jiandu/local/ports';
import {
  type CollisionManifest,
  matchShard,
  NormalizeInput,
  normalizeUpload,
  type PlanInput,
  type PlanOutput,
  planCollision,
  type ScoreAndStoreDeps,
  type ShardResult,
  scoreAndStore,
} from '@jiandu/pipeline';
import { DynamoLeadRepository, DynamoRunRepository, documentClientOf } from '@jiandu/store';
import {
  MemoryColumnMappings,
  MemoryLeads,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryReports,
  MemoryRuns,
  MemoryVersions,
} from '@jiandu/store/memory';
import { editLines, rosterMonth } from './county/roster-change.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const [uploadDir, cacheDir, shardArg] = args.filter(
  (a, i) =>
    !a.startsWith('--') &&
    !['--findings', '--shard', '--profile', '--plan-digest'].includes(args[i - 1] ?? ''),
);
if (!uploadDir || !cacheDir)
  throw new Error('usage: collision-stage.ts <upload folder> <cache folder> [shards]');

const DATA = 'data-bucket';
const UPLOAD = 'uploads-bucket';
const objects = new MemoryObjects();
const versions = new MemoryVersions();
const base = {
  versions,
  objects,
  runs: new MemoryRuns(),
  leads: new MemoryLeads(),
  reports: new MemoryReports(),
  buckets: { data: DATA },
  ruleConfig: resolveRuleConfig(),
  columnMappings: new MemoryColumnMappings(),
  pending: new MemoryPendingCollisions(),
  log: { info: () => {}, warn: () => {} },
  now: () => '2024-01-15T00:00:00.000Z',
  leadIdKey: new Uint8Array(32).fill(7),
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** CPU seconds (user + system) of this process while `work` ran. */
async function cpuSeconds<T>(work: () => Promise<T>): Promise<{ result: T; cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { result, cpu: (used.user + used.system) / 1e6, wall: (performance.now() - started) / 1000 };
}
/** `work`'s peak heap above the heap when it started (sampled between its awaits). */
async function heapPeak<T>(work: () => Promise<T>): Promise<{ result: T; heap: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = getHeapStatistics().used_heap_size;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
    return { result, heap: peak - start };
  } finally {
    clearInterval(sampler);
  }
}
const s = (n: number) => `${n.toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

if (existsSync(join(cacheDir, 'versions.json'))) {
  for (const v of JSON.parse(readFileSync(join(cacheDir, 'versions.json'), 'utf8')) as DatasetVersion[])
    versions.items.set(v.versionId, v);
  for (const path of files(join(cacheDir, 'objects')))
    objects.items.set(relative(join(cacheDir, 'objects'), path), readFileSync(path));
} else {
  const { cpu } = await cpuSeconds(async () => {
    // The divisions first, as the CLI uploads them: other files' rows get their division codes.
    const paths = files(uploadDir).sort(
      (a, b) => Number(!a.includes('/divisions/')) - Number(!b.includes('/divisions/')),
    );
    for (const path of paths) {
      const key = `uploads/${relative(uploadDir, path)}`;
      await objects.put(UPLOAD, key, readFileSync(path));
      await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key, eventTime: base.now() }));
    }
  });
  console.log(`normalized in ${s(cpu)} CPU, kept in ${cacheDir}`);
  // A cache folder named for the first time does not exist yet.
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'versions.json'), JSON.stringify([...versions.items.values()]));
  for (const [key, bytes] of objects.items) {
    if (!key.startsWith(`${DATA}/`)) continue;
    const path = join(cacheDir, 'objects', key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
}

const shards = Number(shardArg ?? 16);
const deps = { ...base, shardSizing: { rowsPerShard: 1, minShards: shards, maxShards: shards } };

/** Plan a run and print what it cost and wrote. */
async function plan(label: string, input: PlanInput) {
  const before = new Set(objects.items.keys());
  const {
    result: { result, cpu, wall },
    heap,
  } = await heapPeak(() => cpuSeconds(() => planCollision(deps, input)));
  let written = 0;
  // Bytes written per kind of object (`derived/cuts`, `runs/<id>/routed`, …).
  const writes = new Map<string, number>();
  for (const [key, bytes] of objects.items)
    if (!before.has(key)) {
      written += bytes.length;
      const [, top, second, , routed] = key.split('/');
      const what = top === 'derived' ? `${second}` : routed === undefined ? 'manifest' : 'routed';
      writes.set(what, (writes.get(what) ?? 0) + bytes.length);
    }
  const manifest = JSON.parse(
    new TextDecoder().decode(objects.items.get(`${DATA}/${result.manifestKey}`)),
  ) as CollisionManifest;
  // A manifest of before this tool (no `reference` counts) still runs.
  const sent = manifest.reference ?? [];
  const digestFile = option('--plan-digest');
  if (digestFile) {
    // The run id (random) and its time blanked: the rest is what the plan derived.
    const blank = (text: string) => text.replaceAll(result.runId, '<run>').replaceAll(base.now(), '<now>');
    const lines = [...objects.items]
      .filter(([key]) => !before.has(key))
      .map(([key, bytes]) => {
        const body = key.endsWith('manifest.json') ? blank(new TextDecoder().decode(bytes)) : bytes;
        return `${blank(key)} ${createHash('sha256').update(body).digest('hex')}`;
      })
      .sort();
    writeFileSync(digestFile, `${lines.join('\n')}\n`);
  }
  console.log(
    `${label}: ${s(cpu)} CPU (${s(wall)} wall), heap peak +${mib(heap)}, wrote ${mib(written)} (${[...writes].map(([what, n]) => `${what} ${mib(n)}`).join(', ')}), ` +
      `reference rows sent per shard ${sent.length > 0 ? `${Math.min(...sent)}–${Math.max(...sent)}` : '?'}`,
  );
  return result;
}

const profileFile = option('--profile');
/** A CPU profile of what runs between its start and `stop()`, written to `--profile`. */
async function profile() {
  if (!profileFile) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
    },
  };
}

const scheduled: PlanInput = { trigger: 'Scheduled Event', eventTime: base.now() };
const planProfiler = flag('--plan-only') ? await profile() : undefined;
let planned: PlanOutput;
if (flag('--replan')) {
  const roster = [...versions.items.values()].filter((v) => v.kind === 'subsidy_payments').at(-1);
  if (!roster) throw new Error('--replan: the county has no subsidy-payments version');
  versions.items.delete(roster.versionId);
  await plan('PlanCollision without the last roster', scheduled);
  versions.items.set(roster.versionId, roster);
  planned = await plan('PlanCollision after its upload', {
    trigger: 'Object Created',
    eventTime: base.now(),
    detail: { bucket: { name: UPLOAD }, object: { key: roster.rawKey } },
  });
} else planned = await plan('PlanCollision', scheduled);
if (planProfiler) {
  await planProfiler.stop();
  process.exit(0);
}

const results: ShardResult[] = [];
const perShard: number[] = [];
const heaps: number[] = [];
// CPU seconds of the heap measurements, not counted in the shards'.
let measuring = 0;
const gc = (globalThis as { gc?: () => void }).gc;
const put = objects.put.bind(objects);
objects.put = async (bucket: string, key: string, body: Uint8Array | string) => {
  if (gc && key.includes('/findings/')) {
    const cpu = process.cpuUsage();
    gc();
    heaps.push(process.memoryUsage().heapUsed);
    const used = process.cpuUsage(cpu);
    measuring += (used.user + used.system) / 1e6;
  }
  return put(bucket, key, body);
};
const only = option('--shard');
// With --reupload the profile is of the re-upload's ScoreAndStore instead (below).
const profiler = flag('--reupload') ? { stop: async () => {} } : await profile();
for (const task of planned.shards) {
  if (only !== undefined && task.shard !== Number(only)) continue;
  gc?.();
  const measured = measuring;
  const { result, cpu } = await cpuSeconds(() => matchShard(deps, task));
  results.push(result);
  perShard.push(cpu - (measuring - measured));
}
await profiler.stop();
const rows = results.map((r) => r.rows ?? 0);
console.log(
  `MatchShard ×${results.length}: ${s(perShard.reduce((a, b) => a + b, 0))} CPU, per shard ${s(Math.min(...perShard))}–${s(Math.max(...perShard))}, ` +
    `rows per shard ${Math.min(...rows)}–${Math.max(...rows)}, heap ${heaps.length > 0 ? `${mib(Math.max(...heaps))} at most` : '? (node --expose-gc)'}`,
);
if (only !== undefined) process.exit(0);
const findingsFile = option('--findings');
if (findingsFile)
  writeFileSync(
    findingsFile,
    results.map((r) => new TextDecoder().decode(objects.items.get(`${DATA}/${r.findingsKey}`))).join('\n'),
  );

/** CPU seconds (user + system) of this process's descendants so far: DynamoDB Local's JVM. */
function childrenCpu(): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        // Fields after the command (which may hold spaces): state ppid … utime(14) stime(15).
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) }];
      } catch {
        return [];
      }
    });
  const mine = new Set([process.pid]);
  let ticks = 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of stats)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        ticks += p.ticks;
        grew = true;
      }
  }
  return ticks / 100;
}

/** A DynamoDB Local of the bench's own for the leads, counting requests by command. */
async function dynamoLeads() {
  const dir = mkdtempSync(join(tmpdir(), 'jiandu-collision-stage-'));
  const local = await startDynamoDbLocal({ dbPath: dir, port: await freePort() });
  const client = createDynamoDbClient(local.endpoint);
  const requests = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (request) => {
      const name = String(context.commandName);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return next(request);
    },
    { step: 'initialize' },
  );
  await ensureTable(client, 'collision-stage');
  const doc = documentClientOf(client);
  const dynamo: ScoreAndStoreDeps = {
    ...deps,
    leads: new DynamoLeadRepository(doc, 'collision-stage'),
    runs: new DynamoRunRepository(doc, 'collision-stage'),
  };
  return {
    deps: dynamo,
    requests,
    close: async () => {
      client.destroy();
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wall, this process's CPU and DynamoDB Local's CPU while `work` ran. */
async function withEmulator<T>(work: () => Promise<T>) {
  const emulator = childrenCpu();
  const measured = await cpuSeconds(work);
  return { ...measured, emulator: childrenCpu() - emulator };
}

if (flag('--reupload')) {
  // With --dynamodb: the first run's leads are stored, then the re-upload's (what ScoreAndStore
  // costs a re-upload: reads of the standing leads, writes of re-cited ones, the emulator's share).
  const dynamo = flag('--dynamodb') ? await dynamoLeads() : undefined;
  // Stopped whatever happens below: the emulator is a process of its own.
  try {
    if (dynamo) {
      const first = await withEmulator(() =>
        scoreAndStore(dynamo.deps, {
          runId: planned.runId,
          manifestKey: planned.manifestKey,
          shards: results,
        }),
      );
      console.log(
        `ScoreAndStore on DynamoDB Local (first run): ${s(first.wall)} wall, ${s(first.cpu)} CPU here, ` +
          `${s(first.emulator)} CPU in DynamoDB Local, ${first.result.leadsNew} new, ` +
          `requests ${JSON.stringify(Object.fromEntries(dynamo.requests))}`,
      );
    }
    const roster = [...versions.items.values()]
      .filter((v) => v.kind === 'subsidy_payments' && rosterMonth(v.fileName) !== undefined)
      .sort((a, b) => a.rawKey.localeCompare(b.rawKey))[0];
    if (!roster) throw new Error('--reupload: the county has no monthly roster');
    const bytes = readFileSync(join(uploadDir, roster.rawKey.slice('uploads/'.length)));
    const lines = bytes.toString('latin1').split('\n').length;
    await objects.put(UPLOAD, roster.rawKey, editLines(bytes, Math.floor(lines / 2), 20));
    const eventTime = '2024-01-16T00:00:00.000Z';
    await normalizeUpload(base, NormalizeInput.parse({ bucket: UPLOAD, key: roster.rawKey, eventTime }));
    const again = await plan(`PlanCollision after ${roster.fileName} re-uploaded`, {
      trigger: 'Object Created',
      eventTime,
      detail: { bucket: { name: UPLOAD }, object: { key: roster.rawKey } },
    });
    const recitedResults: ShardResult[] = [];
    for (const how of ['re-citing unchanged shards', 'every shard afresh']) {
      if (how !== 're-citing unchanged shards')
        for (const key of [...objects.items.keys()])
          if (key.includes('/derived/matches/')) objects.items.delete(key);
      const cpu: number[] = [];
      let recited = 0;
      for (const task of again.shards) {
        const { result, cpu: used } = await cpuSeconds(() => matchShard(deps, task));
        cpu.push(used);
        if (result.recited) recited++;
        if (how === 're-citing unchanged shards') recitedResults.push(result);
      }
      console.log(
        `MatchShard ×${cpu.length} after the re-upload, ${how}: ${s(cpu.reduce((a, b) => a + b, 0))} CPU, ` +
          `${recited} re-cited, per shard ${s(Math.min(...cpu))}–${s(Math.max(...cpu))}`,
      );
    }
    if (dynamo) {
      // The standing leads alone, every rule's partition read as ScoreAndStore reads them.
      dynamo.requests.clear();
      const reads = await withEmulator(async () => {
        let n = 0;
        for (const rule of RULES) n += (await dynamo.deps.leads.listOfRule(rule.code)).length;
        return n;
      });
      console.log(
        `standing leads read alone: ${reads.result} in ${s(reads.wall)} wall, ${s(reads.cpu)} CPU here, ` +
          `${s(reads.emulator)} CPU in DynamoDB Local, requests ${JSON.stringify(Object.fromEntries(dynamo.requests))}`,
      );
      // Then ScoreAndStore of the re-upload, its lead writes timed apart (they overlap across rules).
      const leads = dynamo.deps.leads;
      const putMany = leads.putMany.bind(leads);
      let putSeconds = 0;
      let put = 0;
      leads.putMany = async (writes) => {
        const started = performance.now();
        try {
          return await putMany(writes);
        } finally {
          putSeconds += (performance.now() - started) / 1000;
          put += writes.length;
        }
      };
      dynamo.requests.clear();
      const storeProfiler = await profile();
      const second = await withEmulator(() =>
        scoreAndStore(dynamo.deps, {
          runId: again.runId,
          manifestKey: again.manifestKey,
          shards: recitedResults,
        }),
      );
      await storeProfiler.stop();
      const r = second.result;
      console.log(
        `ScoreAndStore on DynamoDB Local (re-upload): ${s(second.wall)} wall, ${s(second.cpu)} CPU here, ` +
          `${s(second.emulator)} CPU in DynamoDB Local; ${r.leadsNew} new, ${r.leadsUpdated} updated, ` +
          `${r.leadsUnchanged} unchanged, ${r.leadsSuperseded} superseded; ${put} leads put in ${s(putSeconds)} ` +
          `of putMany calls (summed); requests ${JSON.stringify(Object.fromEntries(dynamo.requests))}`,
      );
    }
  } finally {
    await dynamo?.close();
  }
  process.exit(0);
}

const input = { runId: planned.runId, manifestKey: planned.manifestKey, shards: results };
if (!flag('--dynamodb')) {
  const store = await cpuSeconds(() => scoreAndStore(deps, input));
  console.log(`ScoreAndStore (in memory): ${s(store.cpu)} CPU, ${store.result.leadsNew} new leads`);
} else {
  const dynamo = await dynamoLeads();
  try {
    for (const round of ['new leads', 'rescore, nothing changed']) {
      dynamo.requests.clear();
      const store = await withEmulator(() => scoreAndStore(dynamo.deps, input));
      console.log(
        `ScoreAndStore on DynamoDB Local (${round}): ${s(store.wall)} wall, ${s(store.cpu)} CPU here, ` +
          `${s(store.emulator)} CPU in DynamoDB Local, ${store.result.leadsNew} new, ` +
          `requests ${JSON.stringify(Object.fromEntries(dynamo.requests))}`,
      );
    }
  } finally {
    await dynamo.close();
  }
}
