import { checkLateness } from '@jiandu/domain/datasets/board';
import { resolveCadenceConfig } from '@jiandu/domain/datasets/cadence';
import { ScheduledJobEvent } from '@jiandu/pipeline/schedules';
import { DynamoLatenessRepository, DynamoVersionRepository } from '@jiandu/store';
import * as z from 'zod';
import { createLogger, DYNAMODB, documentClient, LOGGING, now, TABLE } from './aws.js';
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `DataLateness` reads versions and writes lateness flags: the table only. */
export const DataLatenessEnv = z.object({
  ...LOGGING,
  ...DYNAMODB,
  ...TABLE,
  /** JSON overrides of the expected upload cadence per kind (`resolveCadenceConfig`). */
  CADENCE_CONFIG: jsonSetting(resolveCadenceConfig),
});

/**
 * Build the scheduled job `DataLateness` (daily): flag every department and kind whose next
 * upload is overdue against its cadence, and resolve flags that no longer apply, so the
 * progress board shows "overdue since". Idempotent: a repeated or retried invocation writes
 * nothing new.
 */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('DataLateness', DataLatenessEnv, environment);
  const doc = documentClient(env);
  const ports = {
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    lateness: new DynamoLatenessRepository(doc, env.TABLE_NAME),
  };
  const logger = createLogger(env);
  return {
    handler: async (event: unknown) => {
      const { time } = ScheduledJobEvent.parse(event);
      const result = await checkLateness(ports, env.CADENCE_CONFIG, now());
      logger.info('data lateness checked', { ...result, scheduledAt: time });
      return result;
    },
  };
}
