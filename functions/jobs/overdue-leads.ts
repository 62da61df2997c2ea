import { createRuntime } from '../runtimes/overdue-leads.js';

/** Scheduled job entry: see `createRuntime` in `functions/runtimes/overdue-leads.ts`. */
export const handler = createRuntime(process.env).handler;
