import { createRuntime } from '../runtimes/record-pending.js';

/** Step Functions task `RecordPending`: add a registered upload's kind to the pending collision. */
export const handler = createRuntime(process.env).handler;
