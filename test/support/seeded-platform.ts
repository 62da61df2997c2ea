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
}

declare module 'vitest' {
  export interface ProvidedContext {
    seededPlatform: SeededPlatformInfo;
  }
}

/** The seeding's workflow executions: one per uploaded file of the county. */
export interface Seeding {
  readonly executions: number;
  readonly failed: readonly string[];
}

/** How long a test file waits for the seeding (it runs while other projects' tests do). */
export const SEEDING_TIMEOUT_MS = 600_000;

/**
 * The shared seeded platform once the county is in, the county it holds (regenerated: the
 * generator is deterministic) and the seeding's executions (the S3 Object Created ones; a
 * test's own collision requests are not counted).
 */
export async function seededPlatform(): Promise<
  SeededPlatformInfo & { platform: RemotePlatform; county: DemoCounty; seeding: Seeding }
> {
  const info = inject('seededPlatform');
  if (!info) {
    throw new Error(
      'No seeded platform: list this test file under SEEDED in vitest.config.ts (integration-seeded project)',
    );
  }
  const platform = connectPlatform(info.endpoints);
  await platform.waitForIdle(SEEDING_TIMEOUT_MS);
  const uploads = (await platform.executions()).filter((e) => e.input.source === 'aws.s3');
  return {
    ...info,
    platform,
    county: generateDemoCounty(SEEDED_COUNTY),
    seeding: {
      executions: uploads.length,
      failed: uploads.filter((e) => e.status !== 'SUCCEEDED').map((e) => `${e.summary}: ${e.error?.cause}`),
    },
  };
}
