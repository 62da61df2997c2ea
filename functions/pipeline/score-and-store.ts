import { ScoreAndStoreInput, scoreAndStore } from '@jiandu/pipeline';
import { deps, platformKeys, reports } from '../runtime.js';

/** Step Functions task `ScoreAndStore`: score findings and upsert leads under keyed ids. */
export const handler = async (event: unknown) =>
  scoreAndStore(
    { ...deps, leadIdKey: (await platformKeys()).leadIds, reports },
    ScoreAndStoreInput.parse(event),
  );
