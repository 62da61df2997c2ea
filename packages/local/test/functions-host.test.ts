import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BACKGROUND_NICE_ENV,
  BACKGROUND_WORKERS_ENV,
  backgroundLane,
  FUNCTION_WORKERS_ENV,
  type FunctionHost,
  type FunctionHostOptions,
  functionWorkerCount,
  startFunctionHost,
} from '../src/functions-host.js';
import { BACKGROUND_TASKS, taskFunctionName } from '../src/workflow.js';
import type { Seen } from './fixtures/pool-function.js';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const ENTRY = 'fixtures/env-function.ts';
const POOL_ENTRY = 'fixtures/pool-function.ts';
const HEAP_ENTRY = 'fixtures/heap-function.ts';
/** The disclosure sync's function: what the platform runs in the background lane. */
const SYNC = taskFunctionName('SyncDisclosure');

describe('function host', () => {
  const environment = { ...process.env };
  const hosts: FunctionHost[] = [];
  const host = (table: string, workers?: number, more: Partial<FunctionHostOptions> = {}): FunctionHost => {
    const started = startFunctionHost({
      repoRoot,
      env: { TABLE_NAME: table },
      ...(workers !== undefined ? { workers } : {}),
      ...more,
    });
    hosts.push(started);
    return started;
  };

  const dirs: string[] = [];
  const scratch = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'jiandu-pool-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("gives each host's functions exactly its environment, and leaves this process's alone", async () => {
    const [a, b] = [host('table-a'), host('table-b')];
    await expect(a.invoke(ENTRY, 'jiandu-A', {})).resolves.toEqual({
      table: 'table-a',
      path: null, // nothing of the platform's own environment leaks in
      function: 'jiandu-A',
    });
    await expect(b.invoke(ENTRY, 'jiandu-B', {})).resolves.toMatchObject({ table: 'table-b' });
    expect(process.env).toEqual(environment);
  });

  it('fails an invocation with the error name and message the function threw', async () => {
    const a = host('t');
    await expect(a.invoke(ENTRY, 'jiandu-A', { fail: 'FileRejected' })).rejects.toMatchObject({
      name: 'FileRejected',
      message: '失败：FileRejected',
    });
    await expect(a.invoke('fixtures/missing.ts', 'jiandu-A', {})).rejects.toThrow(/missing/);
  });

  it('serves an app export on a free port with its own environment, until stopped', async () => {
    const a = host('served-table');
    const port = await a.serve(ENTRY, 0);
    const response = await fetch(`http://127.0.0.1:${port}/table`);
    expect(await response.json()).toMatchObject({ table: 'served-table' });
    await a.stop();
    await expect(fetch(`http://127.0.0.1:${port}/table`)).rejects.toThrow();
    await expect(a.invoke(ENTRY, 'jiandu-A', {})).rejects.toThrow(/worker exited/);
  });

  /** Poll until `ready` holds (the worker restarts in the background). */
  const eventually = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (const until = Date.now() + 30_000; Date.now() < until; ) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('restarts the API worker on the same port with the same app when it dies, and says so', async () => {
    const lines: string[] = [];
    const a = host('served-table', 1, { log: (line) => lines.push(line) });
    const port = await a.serve(ENTRY, 0);
    const url = `http://127.0.0.1:${port}`;
    const before = (await (await fetch(`${url}/table`)).json()) as { threadId: number };
    expect(await (await fetch(`${url}/crash`)).json()).toEqual({ crashing: true });
    const after = await eventually(async () => {
      const answer = (await (await fetch(`${url}/table`)).json()) as { table: string; threadId: number };
      return answer.threadId !== before.threadId ? answer : undefined;
    }, 'a fresh API worker');
    expect(after.table).toBe('served-table');
    expect(lines).toEqual([
      // Within 30 s of starting: a quick failure, so after the first back-off step.
      `[local] the API worker died (API 崩溃); starting a fresh one on port ${port} in 500 ms`,
      `[local] the API is served again on port ${port}`,
    ]);
    // Pool invocations are untouched by the API's restart.
    await expect(a.invoke(ENTRY, 'jiandu-A', {})).resolves.toMatchObject({ table: 'served-table' });
  });

  it('gives up restarting an API worker that dies right after every start, with a clear line', async () => {
    const lines: string[] = [];
    const a = host('t', 1, {
      log: (line) => lines.push(line),
      apiRestarts: { quickMs: 20_000, maxQuickFailures: 3, backoffMs: 20 },
    });
    const port = await a.serve('fixtures/crash-at-start.ts', 0);
    await eventually(
      async () => (lines.some((l) => l.includes('not restarting')) ? true : undefined),
      'give-up',
    );
    expect(lines).toEqual([
      `[local] the API worker died (启动后即崩溃); starting a fresh one on port ${port} in 20 ms`,
      `[local] the API is served again on port ${port}`,
      `[local] the API worker died (启动后即崩溃); starting a fresh one on port ${port} in 40 ms`,
      `[local] the API is served again on port ${port}`,
      `[local] the API worker died 3 times in a row within 20 s of starting (last: 启动后即崩溃); not restarting it: the API on port ${port} stays down until the platform is restarted`,
    ]);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('runs two CPU-bound invocations at the same time, each in its own worker', async () => {
    const a = host('t', 2);
    const dir = scratch();
    // Each spins without yielding until the other has started: only parallel threads both see it.
    const [first, second] = (await Promise.all([
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'one', waitFor: 'two' }),
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'two', waitFor: 'one' }),
    ])) as Seen[];
    expect(first?.sawOther).toBe(true);
    expect(second?.sawOther).toBe(true);
    expect(first?.threadId).not.toBe(second?.threadId);
  });

  it('runs one invocation per worker: with one worker the next waits, then reuses the warm worker', async () => {
    const a = host('t', 1);
    const dir = scratch();
    const [first, second] = (await Promise.all([
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'one', waitFor: 'two', spinMs: 300 }),
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'two', waitFor: 'one', spinMs: 300 }),
    ])) as Seen[];
    // The first ran alone to its end; the second started after it, in the same (warm) worker.
    expect(first).toMatchObject({ sawOther: false, invocations: 1 });
    expect(second).toMatchObject({ sawOther: true, invocations: 2, threadId: first?.threadId });
  });

  it('takes a warm worker before starting another one', async () => {
    const a = host('t', 2);
    const first = (await a.invoke(POOL_ENTRY, 'jiandu-A', {})) as Seen;
    const second = (await a.invoke(POOL_ENTRY, 'jiandu-A', {})) as Seen;
    expect(second).toMatchObject({ threadId: first.threadId, invocations: 2 });
  });

  it('keeps the API answering while a long task holds a pool worker', async () => {
    const a = host('api-table', 1);
    const dir = scratch();
    const port = await a.serve(ENTRY, 0);
    const long = a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'long', waitFor: 'release' });
    while (!existsSync(join(dir, 'long'))) await new Promise((r) => setTimeout(r, 20));
    // The task spins without yielding; the API is served from its own worker.
    const response = await fetch(`http://127.0.0.1:${port}/table`);
    expect(await response.json()).toMatchObject({ table: 'api-table' });
    writeFileSync(join(dir, 'release'), '');
    await expect(long).resolves.toMatchObject({ sawOther: true });
  });

  it("fails the invocation whose worker died with the worker's error, and replaces the worker", async () => {
    const a = host('t', 1);
    const before = (await a.invoke(POOL_ENTRY, 'jiandu-A', {})) as Seen;
    await expect(a.invoke(POOL_ENTRY, 'jiandu-A', { crash: '容器崩溃' })).rejects.toThrow('容器崩溃');
    const after = (await a.invoke(POOL_ENTRY, 'jiandu-A', {})) as Seen;
    expect(after.threadId).not.toBe(before.threadId);
    expect(after.invocations).toBe(1); // a cold start: the dead worker's module state is gone
  });

  it('ends an invocation at its timeout as Sandbox.Timedout, and its worker with it, as Lambda does', async () => {
    const a = host('t', 1);
    const dir = scratch();
    const spinning = { dir, name: 'spin', waitFor: 'never', spinMs: 60_000 };
    const timedOut = a.invoke(POOL_ENTRY, 'jiandu-MatchShard', spinning, 1);
    const next = a.invoke(POOL_ENTRY, 'jiandu-A', {});
    await expect(timedOut).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 1.00 seconds',
    });
    // The one worker was spinning for a minute: the next invocation ran in a fresh one.
    expect(await next).toMatchObject({ invocations: 1 });
  });

  /** Resolves once `<dir>/<name>` exists (the fixture's invocation has started). */
  const started = async (dir: string, name: string): Promise<void> => {
    while (!existsSync(join(dir, name))) await new Promise((r) => setTimeout(r, 20));
  };

  it("runs the disclosure sync in a worker of its own at a lower priority: the collision's tasks keep every pool worker", async () => {
    // The platform's own lane: the sync is background work, at nice 10 by default.
    const a = host('t', 2, { background: backgroundLane(BACKGROUND_TASKS.map(taskFunctionName), {}, {}) });
    const dir = scratch();
    const sync = a.invoke(POOL_ENTRY, SYNC, { dir, name: 'sync', waitFor: 'release' });
    await started(dir, 'sync');
    // Two shards arrive while the sync spins: both run at once, in the pool's two workers.
    const [one, two] = (await Promise.all([
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'one', waitFor: 'two' }),
      a.invoke(POOL_ENTRY, 'jiandu-MatchShard', { dir, name: 'two', waitFor: 'one' }),
    ])) as Seen[];
    writeFileSync(join(dir, 'release'), '');
    const synced = (await sync) as Seen;
    expect(one).toMatchObject({ sawOther: true, nice: 0 });
    expect(two).toMatchObject({ sawOther: true, nice: 0 });
    expect(synced).toMatchObject({ sawOther: true, nice: process.platform === 'linux' ? 10 : 0 });
    expect(new Set([one?.threadId, two?.threadId, synced.threadId]).size).toBe(3);
    // The priority is the background thread's alone, not the platform's.
    expect(getPriority(0)).toBe(0);
  });

  it('without background workers, a free pool worker takes a waiting task before a background invocation that waited longer', async () => {
    const a = host('t', 1, { background: { functions: [SYNC], workers: 0, nice: 10 } });
    const dir = scratch();
    const first = a.invoke(POOL_ENTRY, 'jiandu-PlanCollision', { dir, name: 'plan', waitFor: 'release' });
    await started(dir, 'plan');
    const sync = a.invoke(POOL_ENTRY, SYNC, {});
    const shard = a.invoke(POOL_ENTRY, 'jiandu-MatchShard', {});
    writeFileSync(join(dir, 'release'), '');
    await first;
    // One warm worker: the shard was its second invocation, the sync its third (at the pool's priority).
    expect(await shard).toMatchObject({ invocations: 2, nice: 0 });
    expect(await sync).toMatchObject({ invocations: 3, nice: 0 });
  });

  it("gives an invocation's garbage back once idle, and keeps the worker's module state", async () => {
    const a = host('t', 1);
    const MB = 1024 * 1024;
    await a.invoke(HEAP_ENTRY, 'jiandu-MatchShard', { allocateMb: 300, keepMb: 40 });
    // Idle for a while (the worker collects once idle, not between back-to-back invocations).
    await new Promise((done) => setTimeout(done, 1500));
    // The same warm worker: its heap holds the 40 MB kept in module state, not the 300 MB of garbage.
    const { heapAtStart } = (await a.invoke(HEAP_ENTRY, 'jiandu-MatchShard', {})) as { heapAtStart: number };
    expect(heapAtStart).toBeGreaterThan(40 * MB);
    expect(heapAtStart).toBeLessThan(150 * MB);
  });

  it('rejects running and waiting invocations when stopped', async () => {
    const a = host('t', 1);
    const dir = scratch();
    const running = a.invoke(POOL_ENTRY, 'jiandu-A', { dir, name: 'run', waitFor: 'never', spinMs: 60_000 });
    const waiting = a.invoke(POOL_ENTRY, 'jiandu-A', {});
    while (!existsSync(join(dir, 'run'))) await new Promise((r) => setTimeout(r, 20));
    const failures = [running, waiting].map((call) => expect(call).rejects.toThrow(/worker exited/));
    await a.stop();
    await Promise.all(failures);
  });
});

describe('function worker count', () => {
  it('takes the option, else the environment variable, else the cores', () => {
    expect(functionWorkerCount(3, '5')).toBe(3);
    expect(functionWorkerCount(undefined, '5')).toBe(5);
    expect(functionWorkerCount(undefined, undefined)).toBe(availableParallelism());
    expect(functionWorkerCount(undefined, ' ')).toBe(availableParallelism());
  });

  it('refuses anything but a whole number of at least one, naming where it came from', () => {
    expect(() => functionWorkerCount(0)).toThrow(/functionWorkers 应为不小于 1 的整数.*'0'/);
    expect(() => functionWorkerCount(undefined, 'two')).toThrow(
      new RegExp(`${FUNCTION_WORKERS_ENV} 应为不小于 1 的整数.*'two'`),
    );
    expect(() => functionWorkerCount(undefined, '1.5')).toThrow(FUNCTION_WORKERS_ENV);
  });
});

describe('background lane', () => {
  const functions = [SYNC];

  it('takes the settings, else the environment variables, else one worker at nice 10', () => {
    expect(backgroundLane(functions, {}, {})).toEqual({ functions, workers: 1, nice: 10 });
    expect(
      backgroundLane(functions, {}, { [BACKGROUND_WORKERS_ENV]: '0', [BACKGROUND_NICE_ENV]: '19' }),
    ).toEqual({ functions, workers: 0, nice: 19 });
    expect(
      backgroundLane(
        functions,
        { workers: 2, nice: 0 },
        { [BACKGROUND_WORKERS_ENV]: '0', [BACKGROUND_NICE_ENV]: '5' },
      ),
    ).toEqual({ functions, workers: 2, nice: 0 });
  });

  it('refuses a nice value outside 0–19 or a negative worker count, naming where it came from', () => {
    expect(() => backgroundLane(functions, {}, { [BACKGROUND_NICE_ENV]: '20' })).toThrow(
      new RegExp(`${BACKGROUND_NICE_ENV} 应为 0 到 19 之间的整数.*'20'`),
    );
    expect(() => backgroundLane(functions, { nice: -1 }, {})).toThrow(
      /backgroundNice 应为 0 到 19 之间的整数/,
    );
    expect(() => backgroundLane(functions, {}, { [BACKGROUND_WORKERS_ENV]: '-1' })).toThrow(
      new RegExp(`${BACKGROUND_WORKERS_ENV} 应为不小于 0 的整数.*'-1'`),
    );
  });
});
