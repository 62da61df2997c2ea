import type { DatasetKind } from '@jiandu/domain/kinds';
import type { RecordPendingInput, RecordPendingOutput } from '../contracts.js';
import type { RecordPendingDeps } from '../deps.js';

/**
 * Workflow step after a registered upload: add the kinds it changed to the pending collision instead of
 * colliding now. One run covers the whole burst once it is over (`startPendingCollision`:
 * after the quiet period, or when the uploader says the folder is complete).
 */
export async function recordPending(
  deps: RecordPendingDeps,
  input: RecordPendingInput,
): Promise<RecordPendingOutput> {
  const pending = await deps.pending.mark(input.kinds as DatasetKind[], deps.now());
  deps.log.info('collision pending', {
    versionId: input.versionId,
    marked: input.kinds,
    kinds: pending.kinds,
    revision: pending.revision,
  });
  return { kinds: [...pending.kinds], revision: pending.revision, lastMarkedAt: pending.lastMarkedAt };
}
