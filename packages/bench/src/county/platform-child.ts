/**
 * The platform under benchmark, in a process of its own so that its memory is measured alone:
 * `startPlatform` (empty, free ports, quiet) with the data folder given as the first argument.
 * Talks to the benchmark over the IPC channel: `ready` once started (the endpoint file is then
 * written), `task` after every task invocation; it stops on `stop` or when the parent goes.
 */
import { join } from 'node:path';
import { startPlatform, type TaskTiming } from '@jiandu/local/platform';
import { FUNCTIONS_LOG } from './disclosure-sync.js';

/** Messages this process sends. */
export type PlatformChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'task'; readonly timing: TaskTiming }
  | { readonly type: 'error'; readonly message: string };

const send = (message: PlatformChildMessage): void => {
  process.send?.(message);
};

async function run(dataDir: string): Promise<void> {
  const platform = await startPlatform({
    dataDir,
    port: 0,
    empty: true,
    quiet: true,
    // The data path only: the web pages are not part of what is measured.
    web: [],
    onTask: (timing) => send({ type: 'task', timing }),
    // The functions' log, for the disclosure sync's line (`disclosure-sync.ts`).
    logFile: join(dataDir, FUNCTIONS_LOG),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    platform.stop().finally(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  send({ type: 'ready' });
}

const dataDir = process.argv[2];
if (!dataDir || !process.send) {
  console.error('usage: forked by the county benchmark with the data folder as argument');
  process.exit(2);
}
run(dataDir).catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
