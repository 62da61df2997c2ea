/**
 * vitest globalSetup of the `integration-seeded` project: ONE local platform (real functions,
 * DynamoDB Local, s3rver, the deployed ASL) seeded with the shared demo county through the
 * normal upload path, instead of a county load per test file. Test files reach it with
 * `await seededPlatform()` (test/support/seeded-platform.ts), which waits for the seeding; tests that need an empty platform or
 * special configuration start their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoCounty } from '@jiandu/demo';
import { ENDPOINT_FILE, readEndpointFile } from '@jiandu/local/endpoint-file';
import { startPlatform } from '@jiandu/local/platform';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { SEEDED_COUNTY } from '../support/seeded-platform.js';

/** The web apps the platform serves (browser tests open them): built once for the run. */
const WEB_APPS = ['web-public', 'web-staff'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const app of WEB_APPS) {
    await build({ root: join(import.meta.dirname, '..', '..', 'packages', app), logLevel: 'warn' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'jiandu-seeded-'));
  const platform = await startPlatform({
    dataDir,
    port: 0,
    quiet: true,
    // No timers: tests run collisions and jobs themselves.
    schedules: [],
    jobSchedules: [],
    // The platform's own demo seeding (reference datasets first), with the shared county.
    demo: () => generateDemoCounty(SEEDED_COUNTY),
  });
  // The workflow ingests the county in the background while other projects' tests run;
  // `seededPlatform()` waits until it is done.
  project.provide('seededPlatform', {
    endpoints: readEndpointFile(join(dataDir, ENDPOINT_FILE)),
    demoUsers: platform.demoUsers,
  });
  return async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
