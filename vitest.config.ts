import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'threads',
    // One PostgreSQL for the run (TEST_DATABASE_URL, a throwaway cluster, or PGlite).
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
