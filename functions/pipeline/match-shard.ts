import { createRuntime } from '../runtimes/match-shard.js';

/** Step Functions task `MatchShard` (inside the Map): run the rules over one ID-hash shard. */
export const handler = createRuntime(process.env).handler;
