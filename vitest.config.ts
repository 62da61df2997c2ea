import { defineConfig } from 'vitest/config';

/** Integration tests: they start real emulators (DynamoDB Local, s3rver) or use the shared seeded platform. */
const INTEGRATION = 'test/integration/**/*.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: [INTEGRATION, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [INTEGRATION],
          // One platform seeded with the demo county, shared by every county-loading test file.
          globalSetup: ['test/integration/seeded-platform.setup.ts'],
        },
      },
    ],
  },
});
