import { type PlanDeps, PlanInput, planCollision } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import { DynamoRunRepository, DynamoVersionRepository } from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, TASK_STORE } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** `PlanCollision` reads versions in force, records the run and writes its manifest. */
export const PlanCollisionEnv = z.object(TASK_STORE);

/** Build the `PlanCollision` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('PlanCollision', PlanCollisionEnv, environment);
  const { doc, ...store } = createTaskStore(env);
  const deps: PlanDeps = {
    ...store,
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) => planCollision(deps, PlanInput.parse(event))),
  };
}
