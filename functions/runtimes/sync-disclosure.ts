import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import {
  DisclosureSyncBusy,
  type DisclosureSyncDeps,
  SyncDisclosureInput,
  syncDisclosure,
  withDisclosureSyncLease,
} from '@jiandu/pipeline';
import { isTransient, surfaceTransientErrors } from '@jiandu/pipeline/transient';
import { DynamoDisclosureStore, DynamoLeases, DynamoVersionRepository } from '@jiandu/store';
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
 * months forward); it reads no leads. One sync at a time: it runs under the disclosure sync
 * lease, and one that finds it held fails `DisclosureSyncBusy`, which the workflow retries.
 * Async: the lookup index is keyed with the platform's lookup key.
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
  const leases = new DynamoLeases(doc, env.TABLE_NAME);
  return {
    handler: surfaceTransientErrors(async (event: unknown) => {
      try {
        const { trigger } = SyncDisclosureInput.parse(event);
        deps.log.info('disclosure sync started', { trigger });
        return await withDisclosureSyncLease({ ...deps, leases }, () => syncDisclosure(deps));
      } catch (error) {
        // A transient fault and a held lease stay what they are: the workflow retries both.
        throw isTransient(error) || error instanceof DisclosureSyncBusy ? error : syncFailed(error);
      }
    }),
  };
}
