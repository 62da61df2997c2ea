import { createRuntime } from '../runtimes/sync-disclosure.js';

/** Step Functions task `SyncDisclosure`: bring the public disclosure projections in step with the versions in force. */
export const handler = (await createRuntime(process.env)).handler;
