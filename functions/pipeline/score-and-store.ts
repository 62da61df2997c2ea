import { ScoreAndStoreInput, scoreAndStore } from '@jiandu/pipeline';
import { deps } from '../runtime.js';

/** Step Functions task `ScoreAndStore`: score findings and upsert leads. */
export const handler = async (event: unknown) => scoreAndStore(deps, ScoreAndStoreInput.parse(event));
