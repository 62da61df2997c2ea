/**
 * `npm run bench:disclosure`: the disclosure projection sync (`syncDisclosure`) on a benchmark
 * county, apart from the rest of the workflow. The county's files are normalized in memory by
 * the real Normalize task, then the sync runs three times:
 *
 * 1. `first`: everything comes into force (an empty platform's first collision run);
 * 2. `roster`: one monthly roster uploaded again with one amount changed (a correction);
 * 3. `shifted`: the county benchmark's re-upload (`changeOneMonthlyRoster`): a monthly roster
 *    again with one row removed and another entered twice, so every row after the change has
 *    another row number (needs the county's `truth.json` beside its upload folder);
 * 4. `idle`: nothing changed (the nightly run).
 *
 * For each: seconds, CPU seconds, items written (puts + deletes of projection items) and the
 * process's peak RSS and heap growth during the sync. `--dynamodb` runs the sync against a DynamoDB Local of its own (started
 * and stopped here) instead of the in-memory projections.
 *
 *   npm run bench:disclosure -- --county /work/bench-cache/county-p100000-sdefault-mdefault-v1 [--dynamodb] [--normalized <dir>]
 *
 * `--normalized <dir>` keeps the normalized county (data bucket and versions) in `dir` and reads
 * it from there the next time, so repeated runs skip normalizing.
 */
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
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Decoy, ExpectedLead } from '@jiandu/demo';
import { DEFAULT_DISCLOSURE_CONFIG } from '@jiandu/domain/disclosure/config';
import type { DisclosureStore } from '@jiandu/domain/disclosure/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { createDynamoDbClient, ensureTable, startDynamoDbLocal } from '@jiandu/local/dynamodb';
import { type DisclosureSyncDeps, type DisclosureSyncSummary, syncDisclosure } from '@jiandu/pipeline';
import { normalizeUpload } from '@jiandu/pipeline/tasks/normalize';
import { DynamoDisclosureStore } from '@jiandu/store';
import {
  MemoryColumnMappings,
  MemoryDisclosureStore,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryVersions,
} from '@jiandu/store/memory';
import { changeOneMonthlyRoster } from './county/roster-change.js';

const UPLOAD = 'upload';
const DATA = 'data';
const KEY = new Uint8Array(32).fill(7);

/** Upload order: divisions first (other kinds resolve places against them), then the registry. */
function order(key: string): number {
  if (key.includes('/divisions/')) return 0;
  if (key.includes('/household_registry/')) return 1;
  return 2;
}

function filesOf(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesOf(path));
    else out.push(path);
  }
  return out;
}

/** Peak RSS and heap used while `work` runs (sampled every 20 ms). */
async function measured<T>(work: () => Promise<T>): Promise<{
  result: T;
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  growthMb: number;
  heapGrowthMb: number;
}> {
  const before = process.memoryUsage();
  let peak = before.rss;
  let heap = before.heapUsed;
  const cpu = process.cpuUsage();
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const start = performance.now();
  try {
    const result = await work();
    sample();
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds: (performance.now() - start) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakMb: Math.round(peak / 2 ** 20),
      growthMb: Math.round((peak - before.rss) / 2 ** 20),
      heapGrowthMb: Math.round((heap - before.heapUsed) / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

/** A DynamoDB document client that counts the items it puts and deletes, and the bytes it puts. */
function countingDoc(doc: DynamoDBDocumentClient): {
  doc: DynamoDBDocumentClient;
  writes: () => number;
  bytes: () => number;
} {
  let writes = 0;
  let bytes = 0;
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  (doc as { send: unknown }).send = async (command: { constructor: { name: string }; input: unknown }) => {
    const name = command.constructor.name;
    if (name === 'BatchWriteCommand') {
      const input = command.input as { RequestItems: Record<string, { PutRequest?: { Item: unknown } }[]> };
      for (const list of Object.values(input.RequestItems))
        for (const w of list) if (w.PutRequest) bytes += Buffer.byteLength(JSON.stringify(w.PutRequest.Item));
      const out = (await send(command)) as { UnprocessedItems?: Record<string, unknown[]> };
      const sent = Object.values(input.RequestItems).reduce((s, l) => s + l.length, 0);
      const left = Object.values(out.UnprocessedItems ?? {}).reduce((s, l) => s + l.length, 0);
      writes += sent - left;
      return out;
    }
    if (name === 'PutCommand' || name === 'DeleteCommand' || name === 'UpdateCommand') writes += 1;
    return send(command);
  };
  return { doc, writes: () => writes, bytes: () => bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      county: { type: 'string' },
      dynamodb: { type: 'boolean', default: false },
      normalized: { type: 'string' },
    },
  });
  if (!values.county) throw new Error('--county <folder of a generated county> is required');
  const root = join(values.county, 'upload');
  const objects = new MemoryObjects();
  const versions = new MemoryVersions();
  let clock = Date.parse('2024-01-10T00:00:00Z');
  const now = () => new Date(clock).toISOString();
  const log = { info: () => {}, warn: () => {} };
  const normalizeDeps = {
    versions,
    objects,
    buckets: { data: DATA },
    log,
    now,
    columnMappings: new MemoryColumnMappings(),
    pending: new MemoryPendingCollisions(),
  };
  const upload = async (key: string, bytes: Uint8Array) => {
    clock += 1000;
    await objects.put(UPLOAD, key, bytes);
    await normalizeUpload(normalizeDeps, { bucket: UPLOAD, key, eventTime: now() });
  };

  const files = filesOf(root)
    .map((path) => ({ path, key: `uploads/${relative(root, path).split(sep).join('/')}` }))
    .sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key));
  const saved = values.normalized;
  if (saved && existsSync(join(saved, 'versions.json'))) {
    for (const v of JSON.parse(readFileSync(join(saved, 'versions.json'), 'utf8')) as DatasetVersion[])
      versions.items.set(v.versionId, v);
    for (const name of readdirSync(join(saved, 'objects')))
      objects.items.set(decodeURIComponent(name), readFileSync(join(saved, 'objects', name)));
    clock = Math.max(...[...versions.items.values()].map((v) => Date.parse(v.receivedAt))) + 1000;
    console.log(`read the normalized county from ${saved}`);
  } else {
    const normalized = await measured(async () => {
      for (const f of files) await upload(f.key, readFileSync(f.path));
    });
    console.log(`normalized ${files.length} files in memory: ${normalized.seconds.toFixed(1)} s`);
    if (saved) {
      mkdirSync(join(saved, 'objects'), { recursive: true });
      writeFileSync(join(saved, 'versions.json'), JSON.stringify([...versions.items.values()]));
      for (const [key, bytes] of objects.items)
        writeFileSync(join(saved, 'objects', encodeURIComponent(key)), bytes);
    }
  }

  let store: DisclosureStore;
  let writes: () => number;
  let bytes: () => number = () => Number.NaN;
  let stop = async () => {};
  if (values.dynamodb) {
    const dbPath = mkdtempSync(join(tmpdir(), 'jiandu-disclosure-bench-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const local = await startDynamoDbLocal({ dbPath, port });
    const client = createDynamoDbClient(local.endpoint);
    await ensureTable(client, 'bench');
    const counted = countingDoc(
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    );
    store = new DynamoDisclosureStore(counted.doc, 'bench');
    writes = counted.writes;
    bytes = counted.bytes;
    stop = async () => {
      client.destroy();
      await local.stop();
      rmSync(dbPath, { recursive: true, force: true });
    };
  } else {
    const memory = new MemoryDisclosureStore();
    store = memory;
    writes = () => memory.writes;
  }

  const deps: DisclosureSyncDeps = {
    versions,
    objects,
    buckets: { data: DATA },
    log,
    now,
    disclosure: store,
    disclosureConfig: DEFAULT_DISCLOSURE_CONFIG,
    lookupKey: KEY,
  };
  const run = async (label: string) => {
    const before = writes();
    const bytesBefore = bytes();
    const m = await measured(() => syncDisclosure(deps));
    const s: DisclosureSyncSummary = m.result;
    const mb = (bytes() - bytesBefore) / 1e6;
    console.log(
      `${label.padEnd(7)} ${m.seconds.toFixed(1).padStart(7)} s (CPU ${m.cpuSeconds.toFixed(1)} s)  ${String(writes() - before).padStart(9)} items written${Number.isNaN(mb) ? '' : ` (${mb.toFixed(1)} MB)`}  peak RSS ${m.peakMb} MB (+${m.growthMb} MB over the loaded county, heap +${m.heapGrowthMb} MB)  ${JSON.stringify(s)}`,
    );
  };

  try {
    await run('first');
    // One monthly roster again, with one amount changed (the first data row's).
    const roster = files.find((f) => f.key.includes('/subsidy_payments/') && f.key.includes('03月'));
    if (roster) {
      const lines = readFileSync(roster.path, 'utf8').split('\n');
      const row = lines.findIndex((l) => /,\d+\.\d\d,/.test(l));
      lines[row] = (lines[row] as string).replace(
        /,(\d+)\.(\d\d),/,
        (_m, n: string, f: string) => `,${Number(n) + 1}.${f},`,
      );
      await upload(roster.key, new TextEncoder().encode(lines.join('\n')));
      await run('roster');
    }
    const truthFile = join(values.county, 'truth.json');
    if (existsSync(truthFile)) {
      const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as {
        leads: ExpectedLead[];
        decoys?: Decoy[];
      };
      const outDir = mkdtempSync(join(tmpdir(), 'jiandu-disclosure-shift-'));
      try {
        const change = await changeOneMonthlyRoster({
          files: files.map((f) => ({
            path: f.path,
            relativePath: f.key.slice('uploads/'.length),
            kind: f.key.split('/')[2] as string,
          })),
          expected: truth.leads,
          decoys: truth.decoys ?? [],
          outDir,
        });
        console.log(`shifted: ${change.description}`);
        await upload(
          `uploads/${change.relativePath}`,
          readFileSync(join(change.folder, change.relativePath)),
        );
        await run('shifted');
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    }
    await run('idle');
  } finally {
    await stop();
  }
}

await main();
