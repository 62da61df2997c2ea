import { resolveRuleConfig } from '@jiandu/domain';
import { type ScoreAndStoreDeps, ScoreAndStoreInput, scoreAndStore } from '@jiandu/pipeline';
import {
  DynamoLeadRepository,
  DynamoRunRepository,
  DynamoVersionRepository,
  S3ObjectStore,
} from '@jiandu/store';
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
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `ScoreAndStore` reads the run's findings and writes leads. */
export const ScoreAndStoreEnv = z.object({
  ...LOGGING,
  ...DYNAMODB,
  ...S3,
  ...TABLE,
  ...DATA_BUCKET,
  /** JSON overrides of rule thresholds (CONTRACT.md §5 defaults otherwise). */
  RULE_CONFIG: jsonSetting(resolveRuleConfig),
});

/** Build the `ScoreAndStore` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('ScoreAndStore', ScoreAndStoreEnv, environment);
  const doc = documentClient(env);
  const deps: ScoreAndStoreDeps = {
    leads: new DynamoLeadRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    objects: new S3ObjectStore(s3Client(env)),
    buckets: { data: env.DATA_BUCKET },
    log: createLogger(env),
    now,
    ruleConfig: env.RULE_CONFIG,
  };
  return { handler: async (event: unknown) => scoreAndStore(deps, ScoreAndStoreInput.parse(event)) };
}
