import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HostRequest, HostResponse } from './functions-worker.js';
import type { WebMount } from './web.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The real Lambda entries of one platform, run in their own environment (a worker thread). */
export interface FunctionHost {
  /** Call `handler(event, context)` of a repository-relative entry, as Lambda invokes it (JSON in, JSON out). */
  invoke(entry: string, functionName: string, event: unknown): Promise<unknown>;
  /**
   * Serve the `app` export of a repository-relative entry on 127.0.0.1:`port` (0: a free one)
   * under `/api/`, and the `web` apps elsewhere; resolves with the port.
   */
  serve(entry: string, port: number, web?: readonly WebMount[]): Promise<number>;
  /** End the worker: running invocations are rejected, the served app stops. */
  stop(): Promise<void>;
}

/** Options of {@link startFunctionHost}. */
export interface FunctionHostOptions {
  /** Entries are resolved against this folder (the repository root). */
  readonly repoRoot: string;
  /**
   * The functions' whole `process.env`, as a deployed function gets it from its
   * configuration: nothing of the platform's own environment leaks in, and the platform's
   * `process.env` is never written.
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Also append everything the functions write (their structured JSON logs) to this file. With
   * `console: false` it goes only there.
   */
  readonly logFile?: string;
  /** Whether the functions' output also reaches this process's stdout/stderr. @default true */
  readonly console?: boolean;
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

/** Start a worker with `env` as its environment that runs the functions' entries on request. */
export function startFunctionHost(options: FunctionHostOptions): FunctionHost {
  const workerUrl = new URL('./functions-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxRegisterUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); });`;
  const tee = options.logFile !== undefined || options.console === false;
  const worker = new Worker(bootstrap, {
    eval: true,
    env: { ...options.env },
    workerData: { repoRoot: options.repoRoot },
    // Piped through this process only when it must go somewhere else too (or nowhere).
    stdout: tee,
    stderr: tee,
  });
  if (tee) {
    const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    for (const [stream, target] of [
      [worker.stdout, process.stdout],
      [worker.stderr, process.stderr],
    ] as const) {
      stream.on('data', (chunk: Buffer) => {
        file?.write(chunk);
        if (options.console !== false) target.write(chunk);
      });
    }
    worker.once('exit', () => file?.end());
  }
  // The worker must not keep a stopped platform's process alive.
  worker.unref();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let ended: Error | undefined;
  const failAll = (error: Error): void => {
    ended = error;
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
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`The functions' worker exited (code ${code})`)));

  const request = (message: WithoutId<HostRequest>): Promise<unknown> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };
  return {
    invoke: (entry, functionName, event) => request({ type: 'invoke', entry, functionName, event }),
    serve: async (entry, port, web = []) => (await request({ type: 'serve', entry, port, web })) as number,
    stop: async () => {
      if (!ended) await worker.terminate();
    },
  };
}
