import { matchShard, ShardTask } from '@jiandu/pipeline';
import { deps } from '../runtime.js';

/** Step Functions task `MatchShard` (inside the Map): run the rules over one ID-hash shard. */
export const handler = async (event: unknown) => matchShard(deps, ShardTask.parse(event));
