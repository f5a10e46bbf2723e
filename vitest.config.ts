import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Tests whose assertions hold real time across processes (worker processes on one Postgres,
 * rate windows measured as requests arrive): they run after the others, one file at a time, so
 * that no other test file competes with them for the cores.
 */
const TIMING = [
  'test/pg-boss/multi-process.test.ts',
  'test/pg-boss/database-per-user-workers.test.ts',
  'test/pg-boss/shared-rate-limit.test.ts',
  'test/pg-boss/rate-limiter.test.ts',
  'test/provisioning/flow/database-per-user-sigkill.test.ts',
  'test/aura/client/rate-limit-arrival.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    pool: 'threads',
    // One PostgreSQL for the run (TEST_DATABASE_URL, a throwaway cluster, or PGlite).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: TIMING,
          // Most files wait on child processes, servers or Postgres more than they compute: two
          // at a time even on two cores (Vitest's default leaves one core to itself).
          maxWorkers: Math.max(2, availableParallelism() - 1),
        },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
