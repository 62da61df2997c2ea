/**
 * The functions' own environment: one worker thread started by {@link startFunctionHost} with
 * the platform's handler environment as its `process.env`, as a Lambda container gets its
 * configuration. It imports the real entries (`functions/…`) on first use — once per worker,
 * so their module-level clients are reused by every later invocation, as in a warm container —
 * and answers invocations from the platform (a pool worker gets one at a time), or serves the
 * API app on its own port (the API's own worker).
 */
import { setPriority } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { type WebMount, withWebPages } from './web.js';

/** What the platform asks the worker to do. */
export type HostRequest =
  | {
      readonly id: number;
      readonly type: 'invoke';
      readonly entry: string;
      readonly functionName: string;
      readonly event: unknown;
    }
  | {
      readonly id: number;
      readonly type: 'serve';
      readonly entry: string;
      readonly port: number;
      /** Web apps served next to the API on the same port. */
      readonly web: readonly WebMount[];
    };

/** The answer to one {@link HostRequest}. */
export type HostResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { name: string; message: string; stack?: string };
    };

type LambdaHandler = (event: unknown, context: Context) => unknown;
type FetchApp = { fetch(request: Request): Response | Promise<Response> };

const { repoRoot, nice, background } = workerData as {
  repoRoot: string;
  nice: number;
  background?: boolean;
};
// A background worker's thread yields the cores to the others: on Linux the nice value belongs
// to the calling thread, so this lowers only this worker's JavaScript thread (not the
// platform's, nor the threads V8 and libuv share between workers). Elsewhere `setPriority(0)`
// would lower the whole process, so there the worker keeps its priority.
if (nice > 0 && process.platform === 'linux') setPriority(0, nice);
const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * V8's full collection, taken without `--expose-gc` on the command line: the flag is switched on
 * to fetch the function from a fresh context, and left on — V8 flags are the whole process's and
 * workers start at once, so switching it off again could land between another worker's two
 * calls (it only exposes `gc` to contexts created later). No function: no collection.
 */
const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  return gc ?? (() => undefined);
})();

/** Heaps above this are collected once the worker has been idle a while (see {@link collectGarbageLater}). */
const LARGE_HEAP_BYTES = 256 * 1024 * 1024;
/** Heaps above this are collected as soon as the answer is out (see {@link collectGarbageLater}). */
const HUGE_HEAP_BYTES = 512 * 1024 * 1024;
/** How long a worker waits for its next invocation before it collects a large heap. */
const IDLE_MS = 1000;
let idleCollection: NodeJS.Timeout | undefined;

/**
 * After an invocation its garbage would stay in this worker's heap until the next one allocates
 * enough to trigger a collection: a worker that ran the plan or a shard held hundreds of MB to
 * GBs while the other workers ran theirs. A full collection (the live set is small by then)
 * gives the pages back: at once for a huge heap (the plan's, before the shards that follow it
 * in the same worker add theirs), else once the worker has been idle for {@link IDLE_MS}.
 * Collecting every heap after every invocation was measured slower: before answering, each
 * Normalize waited for it (100,000 persons: normalize 20.6 → 28–30 s); after answering, a heap
 * shrunk between two back-to-back invocations was grown again by the next (1,000,000 persons:
 * normalize ≈ 96 → 110–116 s, collision and sync slower too).
 */
function collectGarbageLater(): void {
  clearTimeout(idleCollection);
  const heap = getHeapStatistics().total_heap_size;
  if (heap > HUGE_HEAP_BYTES) collectGarbage();
  else if (heap > LARGE_HEAP_BYTES) {
    idleCollection = setTimeout(() => {
      if (getHeapStatistics().total_heap_size > LARGE_HEAP_BYTES) collectGarbage();
    }, IDLE_MS);
    idleCollection.unref();
  }
}

/**
 * How far a background invocation's heap may grow past what its last full collection left. The
 * disclosure sync runs for minutes beside the collision and allocates gigabytes; between full
 * collections V8 lets a heap grow to several times its live set, and that garbage of one long
 * invocation was the platform's peak RSS (1,000,000 persons: 3.9–4.3 GiB, sampled while the sync
 * ran alone, swinging by hundreds of MB from run to run). A background worker collects whenever
 * its heap has grown this much (checked between the invocation's awaits).
 */
const BACKGROUND_HEAP_GROWTH_BYTES = 512 * 1024 * 1024;
const BACKGROUND_CHECK_MS = 250;

/** `work`, with this worker's heap kept within {@link BACKGROUND_HEAP_GROWTH_BYTES} of its live set while it runs. */
function withBoundedHeap<T>(work: Promise<T>): Promise<T> {
  let floor = getHeapStatistics().total_heap_size;
  const timer = setInterval(() => {
    if (getHeapStatistics().total_heap_size <= floor + BACKGROUND_HEAP_GROWTH_BYTES) return;
    collectGarbage();
    floor = getHeapStatistics().total_heap_size;
  }, BACKGROUND_CHECK_MS);
  timer.unref();
  return work.finally(() => clearInterval(timer));
}

function load(entry: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(entry);
  if (!loaded) {
    loaded = import(pathToFileURL(resolve(repoRoot, entry)).href) as Promise<Record<string, unknown>>;
    // A module that failed to load is retried next time (the file may be fixed meanwhile).
    loaded.catch(() => modules.delete(entry));
    modules.set(entry, loaded);
  }
  return loaded;
}

async function invoke(entry: string, functionName: string, event: unknown): Promise<unknown> {
  const { handler } = await load(entry);
  if (typeof handler !== 'function') throw new Error(`${entry} has no 'handler' export`);
  // JSON in and out, as Lambda's invoke does.
  return JSON.parse(
    JSON.stringify((await (handler as LambdaHandler)(event, lambdaContext(functionName))) ?? null),
  );
}

async function serveApp(entry: string, port: number, web: readonly WebMount[]): Promise<number> {
  const { app } = await load(entry);
  if (!app || typeof (app as FetchApp).fetch !== 'function') {
    throw new Error(`${entry} has no 'app' export with a fetch handler`);
  }
  return new Promise((done, fail) => {
    const site = withWebPages(app as FetchApp, web);
    const server = serve({ fetch: site.fetch, port, hostname: '127.0.0.1' }, (info) => done(info.port));
    server.once('error', fail);
  });
}

parentPort?.on('message', (request: HostRequest) => {
  clearTimeout(idleCollection);
  const work =
    request.type === 'invoke'
      ? background
        ? withBoundedHeap(invoke(request.entry, request.functionName, request.event))
        : invoke(request.entry, request.functionName, request.event)
      : serveApp(request.entry, request.port, request.web);
  work.then(
    (value) => parentPort?.postMessage({ id: request.id, ok: true, value } satisfies HostResponse),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
      } satisfies HostResponse);
    },
  );
  if (request.type === 'invoke') void work.then(collectGarbageLater, collectGarbageLater);
});
