import {
  DEFAULT_COLLISION_QUIET_SECONDS,
  MAX_COLLISION_QUIET_SECONDS,
  startPendingCollision,
} from '@jiandu/domain/collision-burst';
import { ScheduledJobEvent } from '@jiandu/pipeline/schedules';
import { DynamoPendingCollisions, StepFunctionsCollisionStarter } from '@jiandu/store';
import * as z from 'zod';
import {
  createLogger,
  DYNAMODB,
  documentClient,
  LOGGING,
  now,
  SFN,
  STATE_MACHINE,
  sfnClient,
  TABLE,
} from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** The quiet period: seconds without a new upload before a burst's collision starts. */
export const COLLISION_QUIET = {
  COLLISION_QUIET_SECONDS: z.coerce
    .number({ error: '必须是秒数' })
    .int('必须是整数秒')
    .min(0, '不能为负数')
    .max(MAX_COLLISION_QUIET_SECONDS, `最多 ${MAX_COLLISION_QUIET_SECONDS} 秒`)
    .default(DEFAULT_COLLISION_QUIET_SECONDS),
};

/** `CollisionStarter` reads and claims the pending item and starts the workflow. */
export const CollisionStarterEnv = z.object({
  ...LOGGING,
  ...DYNAMODB,
  ...TABLE,
  ...SFN,
  ...STATE_MACHINE,
  ...COLLISION_QUIET,
});

/**
 * Build the scheduled job `CollisionStarter` (every minute): when uploads have been quiet for
 * `COLLISION_QUIET_SECONDS`, claim the pending collision (conditional delete) and start ONE
 * collision run over every kind the burst touched. A tick with nothing pending reads one item.
 */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('CollisionStarter', CollisionStarterEnv, environment);
  const deps = {
    pending: new DynamoPendingCollisions(documentClient(env), env.TABLE_NAME),
    collisions: new StepFunctionsCollisionStarter(sfnClient(env), env.STATE_MACHINE_ARN),
    now,
  };
  const logger = createLogger(env);
  return {
    handler: async (event: unknown) => {
      const { time } = ScheduledJobEvent.parse(event);
      const outcome = await startPendingCollision(deps, { quietSeconds: env.COLLISION_QUIET_SECONDS });
      if (outcome.status !== 'idle')
        logger.info('pending collision checked', { ...outcome, scheduledAt: time });
      return outcome;
    },
  };
}
