import { defineConfig } from 'vitest/config';

/** Integration tests: they start real emulators (DynamoDB Local, s3rver) or use the shared seeded platform. */
const INTEGRATION = 'test/integration/**/*.test.ts';
/**
 * The county-loading integration tests: they share ONE platform seeded with the demo county
 * (test/integration/seeded-platform.setup.ts) instead of loading a county each. The setup only
 * runs when one of these files is selected.
 */
const SEEDED = [
  'test/integration/accuracy.test.ts',
  'test/integration/identity.test.ts',
  'test/integration/inspector-workflow.test.ts',
  'test/integration/r01-end-to-end.test.ts',
  'test/integration/disclosure-seeded.test.ts',
  // Browser tests (playwright-core + Debian's chromium) drive the web pages of the seeded platform.
  'test/browser/**/*.test.ts',
];

/**
 * The PII scan over every public response and log line of the integration tests (issue 13):
 * a journal both projects write to, scanned when the run ends (test/integration/pii-journal.setup.ts).
 */
const PII_JOURNAL = 'test/integration/pii-journal.setup.ts';
const PII_SCAN = {
  globalSetup: [PII_JOURNAL],
  setupFiles: ['test/integration/pii-journal.tap.ts'],
};

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    // Integration tests start real emulators: give their hooks room.
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: [INTEGRATION, ...SEEDED, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // Tests that need an empty or specially configured platform start their own.
        test: {
          name: 'integration',
          include: [INTEGRATION],
          exclude: [...SEEDED, '**/node_modules/**'],
          ...PII_SCAN,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-seeded',
          include: SEEDED,
          // The journal first, so the seeded platform's logs are in it too.
          globalSetup: [PII_JOURNAL, 'test/integration/seeded-platform.setup.ts'],
          setupFiles: PII_SCAN.setupFiles,
        },
      },
    ],
  },
});
