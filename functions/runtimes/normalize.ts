import { type NormalizeDeps, normalizeTask } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import {
  DynamoColumnMappingRepository,
  DynamoPendingCollisions,
  DynamoVersionRepository,
} from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, TASK_STORE, UPLOAD_BUCKET } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/**
 * `Normalize` reads the uploaded file, registers the version and writes its shards and rejects;
 * after divisions changed through the API it reads again what they place differently.
 */
export const NormalizeEnv = z.object({
  ...TASK_STORE,
  ...UPLOAD_BUCKET,
  /** Share a snapshot may shrink by before it is held for confirmation (default 0.5). */
  SNAPSHOT_SHRINK_LIMIT: z.coerce.number().min(0).max(1).optional(),
});

/** Build the `Normalize` task: versions in the table, files in the two buckets. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('Normalize', NormalizeEnv, environment);
  const { doc, ...store } = createTaskStore(env);
  const deps: NormalizeDeps = {
    ...store,
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    // Read by key when a department's file is read; written by the API.
    columnMappings: new DynamoColumnMappingRepository(doc, env.TABLE_NAME),
    // A file being read holds the burst's collision (`whileReceiving`).
    pending: new DynamoPendingCollisions(doc, env.TABLE_NAME),
    ...(env.SNAPSHOT_SHRINK_LIMIT !== undefined ? { snapshotShrinkLimit: env.SNAPSHOT_SHRINK_LIMIT } : {}),
  };
  return {
    // The function may read only the upload bucket.
    handler: surfaceTransientErrors((event: unknown) => normalizeTask(deps, event, env.UPLOAD_BUCKET)),
  };
}
