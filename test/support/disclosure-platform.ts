import { createApp } from '@jiandu/api';
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import { syncDisclosure } from '@jiandu/pipeline';
import { divisionIndexFor } from '@jiandu/pipeline/divisions';
import type { MemoryDisclosureStore } from '@jiandu/store/memory';
import { memoryApiDeps, principalsAuthenticator } from './api.js';
import { memoryDisclosureDeps } from './memory-ports.js';
import { MemoryRateLimits, TEST_KEYS } from './trust.js';
import { memoryPipeline } from './workflow.js';

/**
 * A county's public disclosure in memory: the workflow's pipeline (`p.deliver` normalizes a file
 * as an upload does, without a collision run, so no sync runs but the test's), the projections
 * in `store`, the public API (`app`, a generous lookup limit) and the sync into that store.
 */
export function disclosurePlatform<S extends MemoryDisclosureStore>(clock: { now: string }, store: S) {
  const config = resolveDisclosureConfig();
  const p = memoryPipeline(clock, { disclosure: store, disclosureConfig: config });
  const app = createApp(
    memoryApiDeps({
      authenticator: principalsAuthenticator({}),
      versions: p.deps.versions,
      now: () => clock.now,
      disclosure: memoryDisclosureDeps({
        store,
        config,
        limits: new MemoryRateLimits(),
        lookupLimit: { max: 1000, windowSeconds: 600 },
        divisions: () => divisionIndexFor(p.deps),
      }),
    }),
  );
  const sync = () =>
    syncDisclosure({ ...p.deps, disclosure: store, disclosureConfig: config, lookupKey: TEST_KEYS.lookup });
  return { p, store, config, app, sync };
}
