import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import { type DisclosureSyncDeps, SyncDisclosureInput, syncDisclosure } from '@jiandu/pipeline';
import { isTransient, surfaceTransientErrors } from '@jiandu/pipeline/transient';
import { DynamoDisclosureStore, DynamoVersionRepository } from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, PLATFORM_SECRET, platformKeys, TASK_STORE } from './aws.js';
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `SyncDisclosure` reads the versions in force and their shards, and keeps the public projections. */
export const SyncDisclosureEnv = z.object({
  ...TASK_STORE,
  ...PLATFORM_SECRET,
  /** JSON per-program publication of payments (publish or not, months back). */
  DISCLOSURE_CONFIG: jsonSetting(resolveDisclosureConfig),
});

/**
 * The error type of a sync that failed for another reason than a transient fault: the list of
 * failed runs tells staff in Chinese that the projections, not the leads, are behind.
 */
export const DISCLOSURE_SYNC_FAILED = 'DisclosureSyncFailed';

function syncFailed(error: unknown): Error {
  const failed = new Error(error instanceof Error ? error.message : String(error), { cause: error });
  failed.name = DISCLOSURE_SYNC_FAILED;
  return failed;
}

/**
 * Build the `SyncDisclosure` task: bring the public disclosure projections in step with the
 * versions in force (`syncDisclosure`). It runs beside the collision of every run that is not a
 * single upload (a burst, a withdrawal or restore, the nightly run that moves the published
 * months forward); it reads no leads. Async: the lookup index is keyed with the platform's
 * lookup key.
 */
export async function createRuntime(environment: Environment) {
  const env = parseEnvironment('SyncDisclosure', SyncDisclosureEnv, environment);
  const keys = await platformKeys(env);
  const { doc, ...store } = createTaskStore(env);
  const deps: DisclosureSyncDeps = {
    ...store,
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    disclosure: new DynamoDisclosureStore(doc, env.TABLE_NAME),
    disclosureConfig: env.DISCLOSURE_CONFIG,
    lookupKey: keys.lookup,
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) => {
      try {
        const { trigger } = SyncDisclosureInput.parse(event);
        deps.log.info('disclosure sync started', { trigger });
        return await syncDisclosure(deps);
      } catch (error) {
        // A transient fault stays what it is: the workflow retries it.
        throw isTransient(error) ? error : syncFailed(error);
      }
    }),
  };
}
