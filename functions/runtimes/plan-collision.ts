import { type PlanDeps, PlanInput, planCollision } from '@jiandu/pipeline';
import { DynamoRunRepository, DynamoVersionRepository, S3ObjectStore } from '@jiandu/store';
import * as z from 'zod';
import {
  createLogger,
  DATA_BUCKET,
  DYNAMODB,
  documentClient,
  LOGGING,
  now,
  S3,
  s3Client,
  TABLE,
} from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** `PlanCollision` reads versions in force, records the run and writes its manifest. */
export const PlanCollisionEnv = z.object({ ...LOGGING, ...DYNAMODB, ...S3, ...TABLE, ...DATA_BUCKET });

/** Build the `PlanCollision` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('PlanCollision', PlanCollisionEnv, environment);
  const doc = documentClient(env);
  const deps: PlanDeps = {
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    objects: new S3ObjectStore(s3Client(env)),
    buckets: { data: env.DATA_BUCKET },
    log: createLogger(env),
    now,
  };
  return { handler: async (event: unknown) => planCollision(deps, PlanInput.parse(event)) };
}
