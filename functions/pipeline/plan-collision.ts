import { PlanInput, planCollision } from '@jiandu/pipeline';
import { deps } from '../runtime.js';

/** Step Functions task `PlanCollision`: write the run manifest and fan out shards. */
export const handler = async (event: unknown) => planCollision(deps, PlanInput.parse(event));
