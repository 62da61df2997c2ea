import { createWriteStream, type WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HostRequest, HostResponse } from './functions-worker.js';
import { countSetting } from './settings.js';
import type { WebMount } from './web.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The real Lambda entries of one platform, each run in an environment of its own (worker
 * threads), as Lambda runs them in containers: the served API in one worker that nothing else
 * uses, every invocation in an idle worker of a pool, one invocation per worker at a time —
 * except background invocations ({@link BackgroundLane}), which run in workers of their own.
 */
export interface FunctionHost {
  /**
   * Call `handler(event, context)` of a repository-relative entry, as Lambda invokes it (JSON
   * in, JSON out), in an idle worker of the pool (a warm one when there is one; it waits when
   * all are busy). A worker that dies during the invocation fails it with its error and is
   * replaced by the next invocation. With `timeoutSeconds` (the function's Lambda timeout,
   * counted from when a worker takes the invocation), an invocation still running then fails
   * with `Sandbox.Timedout` and its worker is ended, as Lambda ends the container.
   */
  invoke(entry: string, functionName: string, event: unknown, timeoutSeconds?: number): Promise<unknown>;
  /**
   * Serve the `app` export of a repository-relative entry on 127.0.0.1:`port` (0: a free one)
   * under `/api/`, and the `web` apps elsewhere, from the API's own worker; resolves with the port.
   * When that worker dies later, a fresh one serves the same entry and web apps on the same
   * port (as Lambda starts a fresh container), with a log line; after
   * {@link ApiRestarts.maxQuickFailures} deaths in a row each soon after starting, it gives up.
   */
  serve(entry: string, port: number, web?: readonly WebMount[]): Promise<number>;
  /** End every worker: running and waiting invocations are rejected, the served app stops. */
  stop(): Promise<void>;
}

/** Options of {@link startFunctionHost}. */
export interface FunctionHostOptions {
  /** Entries are resolved against this folder (the repository root). */
  readonly repoRoot: string;
  /**
   * The functions' whole `process.env`, as a deployed function gets it from its
   * configuration: nothing of the platform's own environment leaks in, and the platform's
   * `process.env` is never written. Each worker gets its own copy.
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * How many invocations run at once, each in its own worker (Lambda's concurrency). Workers
   * start on demand and stay warm. @default {@link functionWorkerCount}()
   */
  readonly workers?: number;
  /**
   * Also append everything the functions write (their structured JSON logs) to this file. With
   * `console: false` it goes only there.
   */
  readonly logFile?: string;
  /** Whether the functions' output also reaches this process's stdout/stderr. @default true */
  readonly console?: boolean;
  /** The host's own lines (the API worker restarted, or given up). @default console.error */
  readonly log?: (line: string) => void;
  /** When the served API's worker is restarted. @default {@link DEFAULT_API_RESTARTS} */
  readonly apiRestarts?: ApiRestarts;
  /** Where background invocations run. @default none: every invocation shares the pool alike */
  readonly background?: BackgroundLane;
}

/**
 * Invocations nobody waits for (the disclosure sync beside the collision). In AWS every Lambda
 * has a CPU of its own; locally the functions share this machine's cores, so a background
 * invocation that held a pool worker for minutes would leave the tasks a user waits for (the
 * collision's shards) one worker fewer. Background invocations therefore run in workers of
 * their own besides the pool's, at a lower OS priority: they never take a pool worker, and the
 * cores go to the pool's workers whenever those want them (and to the background otherwise).
 */
export interface BackgroundLane {
  /** The functions (their names as invoked, e.g. `jiandu-SyncDisclosure`) whose invocations are background work. */
  readonly functions: readonly string[];
  /**
   * How many background invocations run at once, each in a worker of its own besides the pool's.
   * 0: no workers of their own; background invocations then share the pool, and a free pool
   * worker takes one only when no other invocation waits.
   */
  readonly workers: number;
  /**
   * The nice value (0–19) of the background workers' threads: 0 the pool's priority, 19 the
   * lowest. Linux only, where it applies to the worker's own thread; elsewhere it is ignored
   * (the OS would lower the whole platform).
   */
  readonly nice: number;
}

/** How the host restarts the served API's worker when it dies. */
export interface ApiRestarts {
  /** A worker dying within this many milliseconds of serving counts as a quick failure. */
  readonly quickMs: number;
  /** Give up after this many quick failures in a row (a worker that crashes at start). */
  readonly maxQuickFailures: number;
  /** The wait before restarting after the first quick failure, doubled after each further one. */
  readonly backoffMs: number;
}

/** Restart at once after a worker that ran a while; back off from 0.5 s; give up after 5 quick deaths. */
export const DEFAULT_API_RESTARTS: ApiRestarts = { quickMs: 30_000, maxQuickFailures: 5, backoffMs: 500 };

/** The environment variable that sets the pool's size (see {@link functionWorkerCount}). */
export const FUNCTION_WORKERS_ENV = 'JIANDU_FUNCTION_WORKERS';

/**
 * The pool's size: `option` when given, else {@link FUNCTION_WORKERS_ENV} when set, else one
 * worker per core this process may use (`os.availableParallelism()`): CPU-bound shards gain
 * nothing from more. Throws when the chosen value is not a whole number ≥ 1.
 */
export function functionWorkerCount(
  option?: number,
  env: string | undefined = process.env[FUNCTION_WORKERS_ENV],
): number {
  return countSetting({
    option,
    optionName: 'functionWorkers',
    envName: FUNCTION_WORKERS_ENV,
    env,
    fallback: availableParallelism(),
  });
}

/** The environment variable that sets how many background invocations run at once (see {@link backgroundLane}). */
export const BACKGROUND_WORKERS_ENV = 'JIANDU_BACKGROUND_WORKERS';
/** The environment variable that sets the background workers' nice value (see {@link backgroundLane}). */
export const BACKGROUND_NICE_ENV = 'JIANDU_BACKGROUND_NICE';

/**
 * The background lane for `functions`: `workers` (else {@link BACKGROUND_WORKERS_ENV}, else 1)
 * workers of its own at nice `nice` (else {@link BACKGROUND_NICE_ENV}, else 10: a nice-10 thread
 * gets about a tenth of the CPU a nice-0 one gets when they compete, all of it when the pool's
 * workers leave a core free). Throws when `workers` is not a whole number ≥ 0 or `nice` not one
 * from 0 to 19.
 */
export function backgroundLane(
  functions: readonly string[],
  settings: { readonly workers?: number; readonly nice?: number } = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): BackgroundLane {
  const workers = countSetting({
    option: settings.workers,
    optionName: 'backgroundWorkers',
    envName: BACKGROUND_WORKERS_ENV,
    env: env[BACKGROUND_WORKERS_ENV],
    fallback: 1,
    min: 0,
  });
  const nice = countSetting({
    option: settings.nice,
    optionName: 'backgroundNice',
    envName: BACKGROUND_NICE_ENV,
    env: env[BACKGROUND_NICE_ENV],
    fallback: 10,
    min: 0,
    max: 19,
  });
  return { functions, workers, nice };
}

/**
 * The worker runs TypeScript entries through tsx's ESM hooks (registered inside the worker,
 * so the parent may be plain Node, tsx or vitest). tsx's `esm/api` export resolves to its
 * CommonJS build for `require.resolve`; the ES module build sits next to it.
 */
function tsxRegisterUrl(): string {
  const commonJs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(commonJs.replace(/\.cjs$/, '.mjs')).href;
}

/** One worker thread: one Lambda container's environment, with its module cache (warm state). */
interface FunctionWorker {
  request(message: WithoutId<HostRequest>): Promise<unknown>;
  /** Set once the worker has exited or is being ended (crashed, timed out, stopped): it takes no more requests. */
  readonly exited: boolean;
  terminate(): Promise<void>;
}

/** Where every worker's output goes (one file shared by all, like one log group). */
interface Output {
  /** Whether the workers' output is piped through this process (else it goes straight to ours). */
  readonly tee: boolean;
  write(chunk: Buffer, target: NodeJS.WriteStream): void;
  /** Close the file once every worker has stopped; later output (a last flush) reaches the console only. */
  end(): Promise<void>;
}

function functionOutput(options: FunctionHostOptions): Output {
  let file: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile, { flags: 'a' })
    : undefined;
  return {
    tee: options.logFile !== undefined || options.console === false,
    write: (chunk, target) => {
      file?.write(chunk);
      if (options.console !== false) target.write(chunk);
    },
    end: () => {
      const closing = file;
      file = undefined;
      return new Promise((done) => (closing ? closing.end(done) : done()));
    },
  };
}

/** How the API's worker runs: at normal priority, collected as the pool's are. */
const API_LANE = { nice: 0, background: false } as const;

function startWorker(
  options: FunctionHostOptions,
  { nice, background }: Pick<Lane, 'nice' | 'background'>,
  output: Output,
  onExit: (worker: FunctionWorker, reason: Error) => void,
): FunctionWorker {
  const workerUrl = new URL('./functions-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxRegisterUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); });`;
  const worker = new Worker(bootstrap, {
    eval: true,
    // A copy each: a function writing its process.env changes only its own container's.
    env: { ...options.env },
    workerData: { repoRoot: options.repoRoot, nice, background },
    // Piped through this process only when it must go somewhere else too (or nowhere).
    stdout: output.tee,
    stderr: output.tee,
  });
  if (output.tee) {
    for (const [stream, target] of [
      [worker.stdout, process.stdout],
      [worker.stderr, process.stderr],
    ] as const) {
      stream.on('data', (chunk: Buffer) => output.write(chunk, target));
    }
  }
  // The worker must not keep a stopped platform's process alive.
  worker.unref();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let ended: Error | undefined;
  let ending = false;
  const failAll = (error: Error): void => {
    ended ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (response: HostResponse) => {
    const call = pending.get(response.id);
    if (!call) return;
    pending.delete(response.id);
    if (response.ok) call.resolve(response.value);
    else {
      const error = new Error(response.error.message);
      error.name = response.error.name;
      if (response.error.stack) error.stack = response.error.stack;
      call.reject(error);
    }
  });
  // An uncaught error kills the worker ('error', then 'exit'): the running invocation fails with it.
  worker.on('error', (error) => failAll(error));
  const handle: FunctionWorker = {
    request: (message) => {
      if (ended) return Promise.reject(ended);
      if (ending) return Promise.reject(new Error("The functions' worker is ending"));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...message, id });
      });
    },
    get exited() {
      return ended !== undefined || ending;
    },
    terminate: async () => {
      if (ended) return;
      ending = true; // at once: the pool must not hand it another invocation meanwhile
      await worker.terminate();
    },
  };
  worker.on('exit', (code) => {
    failAll(new Error(`The functions' worker exited (code ${code})`));
    onExit(handle, ended ?? new Error(`exit code ${code}`));
  });
  return handle;
}

/** An invocation waiting for an idle worker. */
interface Waiting {
  readonly message: WithoutId<HostRequest>;
  readonly timeoutSeconds: number | undefined;
  /** A background invocation in the pool: taken only when no other invocation waits. */
  readonly background: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * `work` of `worker`, failed with Lambda's `Sandbox.Timedout` when still running after
 * `timeoutSeconds`: the worker is ended then (a fresh one takes its place), so a hung function
 * never holds a pool worker for good.
 */
function withTimeout(
  worker: FunctionWorker,
  work: Promise<unknown>,
  timeoutSeconds: number | undefined,
): Promise<unknown> {
  if (timeoutSeconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void worker.terminate();
      const error = new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
      error.name = 'Sandbox.Timedout';
      reject(error);
    }, timeoutSeconds * 1000);
    // A pending timeout must not keep a stopped platform's process alive.
    timer.unref();
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}

/** Workers that take invocations from one queue: the pool, or the background's own. */
interface Lane {
  /** At most this many workers. */
  readonly size: number;
  /** Their threads' nice value. */
  readonly nice: number;
  /** The background lane's own workers: their heaps are kept near their live sets (`functions-worker.ts`). */
  readonly background: boolean;
  readonly workers: Set<FunctionWorker>;
  /** Most recently released last: the warmest worker is taken first, as Lambda reuses containers. */
  readonly idle: FunctionWorker[];
  readonly waiting: Waiting[];
}

function lane(size: number, nice: number, background = false): Lane {
  return { size, nice, background, workers: new Set(), idle: [], waiting: [] };
}

/** The next invocation to run: the first one waiting that is not background, else the first. */
function takeNext(waiting: Waiting[]): Waiting {
  const urgent = waiting.findIndex((call) => !call.background);
  return waiting.splice(Math.max(urgent, 0), 1)[0] as Waiting;
}

/**
 * Start the platform's functions: the API's worker when {@link FunctionHost.serve} is called,
 * pool workers as invocations need them (up to `workers`), and the background's own ones
 * (`background`), each with `env` as its environment.
 */
export function startFunctionHost(options: FunctionHostOptions): FunctionHost {
  const output = functionOutput(options);
  let stopped: Error | undefined;
  let stopping: Promise<void> | undefined;
  let api: FunctionWorker | undefined;
  const pool = lane(functionWorkerCount(options.workers), 0);
  const background = options.background;
  const backgroundFunctions = new Set(background?.functions ?? []);
  // Background invocations run in their own workers, or (with none) wait in the pool's queue.
  const backgroundLane = background?.workers ? lane(background.workers, background.nice, true) : pool;
  const log = options.log ?? ((line: string) => console.error(line));
  const restarts = options.apiRestarts ?? DEFAULT_API_RESTARTS;
  /** What the API worker serves, to serve it again from a fresh worker; `since`: when it last started serving. */
  let served: { entry: string; port: number; web: readonly WebMount[]; since: number } | undefined;
  let quickFailures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const forget = (from: Lane, worker: FunctionWorker): void => {
    from.workers.delete(worker);
    const at = from.idle.indexOf(worker);
    if (at >= 0) from.idle.splice(at, 1);
    dispatch(from); // a crashed worker's place is free for a fresh one
  };
  function dispatch(from: Lane): void {
    while (from.waiting.length > 0 && !stopped) {
      let worker = from.idle.pop();
      if (!worker && from.workers.size < from.size) {
        worker = startWorker(options, from, output, (exited) => forget(from, exited));
        from.workers.add(worker);
      }
      if (!worker) return;
      const call = takeNext(from.waiting);
      const taken = worker;
      // Idle again before the caller hears back: its next invocation finds this warm worker.
      const release = (): void => {
        if (!taken.exited && !stopped) from.idle.push(taken);
        dispatch(from);
      };
      withTimeout(taken, taken.request(call.message), call.timeoutSeconds).then(
        (value) => {
          release();
          call.resolve(value);
        },
        (error: Error) => {
          release();
          call.reject(error);
        },
      );
    }
  }

  /** The API's worker died (or a fresh one could not serve): start another, backing off when they die young. */
  function apiDown(reason: Error): void {
    if (stopped || !served) return;
    const { port, since } = served;
    quickFailures = Date.now() - since < restarts.quickMs ? quickFailures + 1 : 0;
    if (quickFailures >= restarts.maxQuickFailures) {
      log(
        `[local] the API worker died ${quickFailures} times in a row within ${restarts.quickMs / 1000} s of starting (last: ${reason.message}); not restarting it: the API on port ${port} stays down until the platform is restarted`,
      );
      return;
    }
    const delay = quickFailures === 0 ? 0 : restarts.backoffMs * 2 ** (quickFailures - 1);
    log(
      `[local] the API worker died (${reason.message}); starting a fresh one on port ${port}${delay ? ` in ${delay} ms` : ''}`,
    );
    restartTimer = setTimeout(() => void restartApi(), delay);
    restartTimer.unref();
  }
  function apiExited(worker: FunctionWorker, reason: Error): void {
    if (worker !== api) return;
    api = undefined;
    apiDown(reason);
  }
  async function restartApi(): Promise<void> {
    if (stopped || !served) return;
    const { entry, port, web } = served;
    const worker = startWorker(options, API_LANE, output, apiExited);
    api = worker;
    served.since = Date.now();
    try {
      await worker.request({ type: 'serve', entry, port, web });
      log(`[local] the API is served again on port ${port}`);
    } catch (error) {
      if (api !== worker) return; // it died meanwhile (handled as an exit) or the host stopped
      api = undefined;
      void worker.terminate();
      apiDown(error instanceof Error ? error : new Error(String(error)));
    }
  }

  return {
    invoke: (entry, functionName, event, timeoutSeconds) => {
      if (stopped) return Promise.reject(stopped);
      return new Promise((resolve, reject) => {
        const message = { type: 'invoke', entry, functionName, event } as const;
        const isBackground = backgroundFunctions.has(functionName);
        const into = isBackground ? backgroundLane : pool;
        into.waiting.push({ message, timeoutSeconds, background: isBackground, resolve, reject });
        dispatch(into);
      });
    },
    serve: async (entry, port, web = []) => {
      if (stopped) throw stopped;
      api ??= startWorker(options, API_LANE, output, apiExited);
      const actual = (await api.request({ type: 'serve', entry, port, web })) as number;
      // The same port again after a restart, also when `port` was 0.
      served = { entry, port: actual, web, since: Date.now() };
      return actual;
    },
    stop: () => {
      stopping ??= (async () => {
        stopped = new Error("The functions' worker exited (the platform stopped)");
        clearTimeout(restartTimer);
        const lanes = new Set([pool, backgroundLane]);
        const workers = [...(api ? [api] : [])];
        for (const each of lanes) {
          for (const call of each.waiting.splice(0)) call.reject(stopped);
          each.idle.length = 0;
          workers.push(...each.workers);
        }
        // Terminating rejects what the workers were running.
        await Promise.all(workers.map((worker) => worker.terminate()));
        await output.end();
      })();
      return stopping;
    },
  };
}
