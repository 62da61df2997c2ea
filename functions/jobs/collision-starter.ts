import { createRuntime } from '../runtimes/collision-starter.js';

/** Scheduled job entry: see `createRuntime` in `functions/runtimes/collision-starter.ts`. */
export const handler = createRuntime(process.env).handler;
