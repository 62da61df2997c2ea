import type { ApiDeps, Authenticator, Principal } from '@jiandu/api';
import { MemoryWorkflowExecutions } from '@jiandu/store/memory';
import {
  MemoryLeads,
  MemoryRuns,
  MemoryVersions,
  memoryDatasetDeps,
  memoryDisclosureDeps,
  memoryReportDeps,
  memoryWorkflowDeps,
} from './memory-ports.js';

/** An authenticator that maps `Bearer <key>` to the principal of that key (no key, no principal). */
export function principalsAuthenticator(principals: Readonly<Record<string, Principal>>): Authenticator {
  return { authenticate: async (header) => principals[/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? ''] };
}

/**
 * What `createApp` needs, over fresh in-memory ports; `overrides` replace any of it. An
 * unexpected error fails the test instead of becoming a quiet 500.
 */
export function memoryApiDeps(overrides: Partial<ApiDeps> & Pick<ApiDeps, 'authenticator'>): ApiDeps {
  return {
    leads: new MemoryLeads(),
    versions: new MemoryVersions(),
    runs: new MemoryRuns(),
    collisions: { start: async () => 'exec-1' },
    executions: new MemoryWorkflowExecutions(),
    datasets: memoryDatasetDeps(),
    workflow: memoryWorkflowDeps(),
    reports: memoryReportDeps(),
    disclosure: memoryDisclosureDeps(),
    logError: (error) => {
      throw error;
    },
    ...overrides,
  };
}
