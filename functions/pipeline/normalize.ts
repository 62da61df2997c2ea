import { createRuntime } from '../runtimes/normalize.js';

/** Step Functions task `Normalize`: one uploaded file → one dataset version. */
export const handler = createRuntime(process.env).handler;
