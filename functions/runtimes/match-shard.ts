import { resolveRuleConfig } from '@jiandu/domain';
import { type MatchShardDeps, matchShard, ShardTask } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import { S3ObjectStore } from '@jiandu/store';
import * as z from 'zod';
import { createLogger, DATA_BUCKET, LOGGING, S3, s3Client } from './aws.js';
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `MatchShard` reads one shard of every version and writes its findings: the data bucket only. */
export const MatchShardEnv = z.object({
  ...LOGGING,
  ...S3,
  ...DATA_BUCKET,
  /** JSON overrides of rule thresholds (CONTRACT.md §5 defaults otherwise). */
  RULE_CONFIG: jsonSetting(resolveRuleConfig),
});

/** Build the `MatchShard` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('MatchShard', MatchShardEnv, environment);
  const deps: MatchShardDeps = {
    objects: new S3ObjectStore(s3Client(env)),
    buckets: { data: env.DATA_BUCKET },
    ruleConfig: env.RULE_CONFIG,
    log: createLogger(env),
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) => matchShard(deps, ShardTask.parse(event))),
  };
}
