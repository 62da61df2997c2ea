import { flagOverdueLeads } from '@jiandu/domain/leads/overdue';
import { ScheduledJobEvent } from '@jiandu/pipeline/schedules';
import { deps, logger } from '../runtime.js';

/**
 * Scheduled job `OverdueLeads` (daily): flag every assigned lead past its deadline as
 * overdue, with a history entry, so the assigning inspector's overdue list shows it.
 * Idempotent: flagged leads are skipped; an inspector's concurrent change is never
 * overwritten. Logs counts only (no lead content).
 */
export const handler = async (event: unknown) => {
  const { time } = ScheduledJobEvent.parse(event);
  const result = await flagOverdueLeads(deps.leads, deps.now());
  logger.info('overdue leads checked', { ...result, scheduledAt: time });
  return result;
};
