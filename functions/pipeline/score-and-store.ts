import { createRuntime } from '../runtimes/score-and-store.js';

/** Step Functions task `ScoreAndStore`: score findings and upsert leads under keyed ids. */
export const handler = (await createRuntime(process.env)).handler;
