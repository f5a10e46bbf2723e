import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres-server.js';

/**
 * Vitest global setup: starts one PostgreSQL for the whole run and hands its
 * URL to the tests (`inject('postgres')`, see `./postgres.ts`). Each test file
 * makes its own schema or database in it, so files run in parallel.
 */
export default async function setup(project: TestProject) {
  const started = performance.now();
  const server = await startTestPostgres();
  if (process.env.AURA_TEST_POSTGRES_VERBOSE) {
    console.info(
      `PostgreSQL (${server.kind}) ready in ${Math.round(performance.now() - started)} ms`,
    );
  }
  project.provide('postgres', { kind: server.kind, url: server.url });
  return () => server.stop();
}
