import { checkLateness } from '@jiandu/domain/datasets/board';
import { ScheduledJobEvent } from '@jiandu/pipeline/schedules';
import { cadence, deps, lateness, logger } from '../runtime.js';

/**
 * Scheduled job `DataLateness` (daily): flag every department and kind whose next upload is
 * overdue against its cadence, and resolve flags that no longer apply, so the progress board
 * shows "overdue since". Idempotent: a repeated or retried invocation writes nothing new.
 */
export const handler = async (event: unknown) => {
  const { time } = ScheduledJobEvent.parse(event);
  const result = await checkLateness({ versions: deps.versions, lateness }, cadence, deps.now());
  logger.info('data lateness checked', { ...result, scheduledAt: time });
  return result;
};
