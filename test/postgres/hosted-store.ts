import type pg from 'pg';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import type { TestClock } from '../../src/testing/index.js';
import { wrapStore } from '../provisioning/harness.js';
import { createTestSchema } from '../support/postgres.js';

/**
 * A PostgreSQL store in a schema of its own, migrated, on a simulated clock: `postgres` to read
 * it directly, `store` for the provisioner (host records included; each query is waited for by
 * the clock, since queries run on real time). The schema's drop is pushed to `drops`.
 */
export async function hostedStore(pool: pg.Pool, clock: TestClock, drops: (() => Promise<void>)[]) {
  const { schema, drop } = await createTestSchema(pool);
  drops.push(drop);
  const postgres = new PostgresCredentialStore({
    client: pool,
    table: `${schema}.user_databases`,
    clock,
  });
  await postgres.migrate();
  const store = wrapStore(postgres, (_method, _args, run) => clock.track(run()), { hosts: true });
  return { postgres, store };
}
