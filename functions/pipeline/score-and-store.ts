import { createRuntime } from '../runtimes/score-and-store.js';

/** Step Functions task `ScoreAndStore`: score findings and upsert leads. */
export const handler = createRuntime(process.env).handler;
