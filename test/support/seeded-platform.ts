/**
 * The one seeded local platform the county-loading integration tests share: started once by
 * `test/integration/seeded-platform.setup.ts` (vitest globalSetup of the
 * `integration-seeded` project) with {@link SEEDED_COUNTY} uploaded through the normal S3 event path, and reached
 * from every test file through its endpoints and control routes.
 */
import { type DemoCounty, generateDemoCounty } from '@jiandu/demo';
import { connectPlatform, type DemoUser, type PlatformEndpoints, type RemotePlatform } from '@jiandu/local';
import { inject } from 'vitest';

/** The shared county: every rule planted at least twice, 22 files (one execution each). */
export const SEEDED_COUNTY = { persons: 900, seed: 11, months: 3 } as const;

/** What the global setup hands to the test files. */
export interface SeededPlatformInfo {
  readonly endpoints: PlatformEndpoints;
  /** The demo users with their local passwords (for logging in through the issuer). */
  readonly demoUsers: readonly DemoUser[];
  /** The executions the seeding ran, all finished before any test file started. */
  readonly seeding: { readonly executions: number; readonly failed: readonly string[] };
}

declare module 'vitest' {
  export interface ProvidedContext {
    seededPlatform: SeededPlatformInfo;
  }
}

/** The shared seeded platform, the county it holds (regenerated: the generator is deterministic) and its seeding summary. */
export function seededPlatform(): SeededPlatformInfo & { platform: RemotePlatform; county: DemoCounty } {
  const info = inject('seededPlatform');
  if (!info) {
    throw new Error(
      'No seeded platform: list this test file under SEEDED in vitest.config.ts (integration-seeded project)',
    );
  }
  return { ...info, platform: connectPlatform(info.endpoints), county: generateDemoCounty(SEEDED_COUNTY) };
}
