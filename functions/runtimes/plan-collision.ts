import {
  DEFAULT_SHARD_SIZING,
  isPowerOfTwo,
  type PlanDeps,
  PlanInput,
  planCollision,
} from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import { DynamoRunRepository, DynamoVersionRepository } from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, TASK_STORE } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** A shard count bound: a power of two up to 1,024 (the state's item list stays far below 256 KiB). */
function shardBound(fallback: number) {
  return z.coerce
    .number({ error: '必须是分片数' })
    .int('必须是整数')
    .refine(isPowerOfTwo, '必须是 2 的幂（1、2、4、8、16…）')
    .refine((n) => n <= 1024, '最多 1024')
    .default(fallback);
}

/** How the run's shard count follows the rows in force (`shardCountFor`); unset means the defaults. */
export const SHARD_SIZING = {
  COLLISION_ROWS_PER_SHARD: z.coerce
    .number({ error: '必须是行数' })
    .int('必须是整数')
    .min(1_000, '至少 1000 行')
    .default(DEFAULT_SHARD_SIZING.rowsPerShard),
  COLLISION_MIN_SHARDS: shardBound(DEFAULT_SHARD_SIZING.minShards),
  COLLISION_MAX_SHARDS: shardBound(DEFAULT_SHARD_SIZING.maxShards),
};

/** `PlanCollision` reads versions in force, records the run and writes its manifest. */
export const PlanCollisionEnv = z
  .object({ ...TASK_STORE, ...SHARD_SIZING })
  .refine((env) => env.COLLISION_MIN_SHARDS <= env.COLLISION_MAX_SHARDS, {
    message: '不能大于 COLLISION_MAX_SHARDS',
    path: ['COLLISION_MIN_SHARDS'],
  });

/** Build the `PlanCollision` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('PlanCollision', PlanCollisionEnv, environment);
  const { doc, ...store } = createTaskStore(env);
  const deps: PlanDeps = {
    ...store,
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    shardSizing: {
      rowsPerShard: env.COLLISION_ROWS_PER_SHARD,
      minShards: env.COLLISION_MIN_SHARDS,
      maxShards: env.COLLISION_MAX_SHARDS,
    },
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) => planCollision(deps, PlanInput.parse(event))),
  };
}
