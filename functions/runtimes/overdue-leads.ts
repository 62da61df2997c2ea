import { flagOverdueLeads } from '@jiandu/domain/leads/overdue';
import { ScheduledJobEvent } from '@jiandu/pipeline/schedules';
import { DynamoLeadRepository } from '@jiandu/store';
import * as z from 'zod';
import { createLogger, DYNAMODB, documentClient, LOGGING, now, TABLE } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** `OverdueLeads` reads and flags leads: the table only. */
export const OverdueLeadsEnv = z.object({ ...LOGGING, ...DYNAMODB, ...TABLE });

/**
 * Build the scheduled job `OverdueLeads` (daily): flag every assigned lead past its deadline
 * as overdue, with a history entry, so the assigning inspector's overdue list shows it.
 * Idempotent: flagged leads are skipped; an inspector's concurrent change is never
 * overwritten. Logs counts only (no lead content).
 */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('OverdueLeads', OverdueLeadsEnv, environment);
  const leads = new DynamoLeadRepository(documentClient(env), env.TABLE_NAME);
  const logger = createLogger(env);
  return {
    handler: async (event: unknown) => {
      const { time } = ScheduledJobEvent.parse(event);
      const result = await flagOverdueLeads(leads, now());
      logger.info('overdue leads checked', { ...result, scheduledAt: time });
      return result;
    },
  };
}
