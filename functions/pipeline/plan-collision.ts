import { createRuntime } from '../runtimes/plan-collision.js';

/** Step Functions task `PlanCollision`: write the run manifest and fan out shards. */
export const handler = createRuntime(process.env).handler;
