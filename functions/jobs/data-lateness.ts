import { createRuntime } from '../runtimes/data-lateness.js';

/** Scheduled job entry: see `createRuntime` in `functions/runtimes/data-lateness.ts`. */
export const handler = createRuntime(process.env).handler;
