import { RecordPendingInput, recordPending } from '@jiandu/pipeline';
import { DynamoPendingCollisions } from '@jiandu/store';
import * as z from 'zod';
import { createLogger, DYNAMODB, documentClient, LOGGING, now, TABLE } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** `RecordPending` writes one item of the table: nothing else. */
export const RecordPendingEnv = z.object({ ...LOGGING, ...DYNAMODB, ...TABLE });

/** Build the `RecordPending` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('RecordPending', RecordPendingEnv, environment);
  const deps = {
    pending: new DynamoPendingCollisions(documentClient(env), env.TABLE_NAME),
    log: createLogger(env),
    now,
  };
  return { handler: async (event: unknown) => recordPending(deps, RecordPendingInput.parse(event)) };
}
