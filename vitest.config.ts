import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Integration tests start real emulators (DynamoDB Local, s3rver): give them room.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
