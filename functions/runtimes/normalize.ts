import { type NormalizeDeps, NormalizeInput, normalizeUpload } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import {
  DynamoColumnMappingRepository,
  DynamoPendingCollisions,
  DynamoVersionRepository,
} from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, TASK_STORE, UPLOAD_BUCKET } from './aws.js';
import { type Environment, parseEnvironment } from './env.js';

/** `Normalize` reads the uploaded file, registers the version and writes its shards and rejects. */
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
    handler: surfaceTransientErrors(async (event: unknown) => {
      const input = NormalizeInput.parse(event);
      // The function may read only the upload bucket; say so instead of an S3 access error.
      if (input.bucket !== env.UPLOAD_BUCKET) {
        throw new Error(`Normalize reads uploads from ${env.UPLOAD_BUCKET} only, not from ${input.bucket}`);
      }
      return normalizeUpload(deps, input);
    }),
  };
}
