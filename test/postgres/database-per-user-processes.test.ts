import { afterAll, describe, expect, it } from 'vitest';
import { PostgresCredentialStore } from '../../src/postgres.js';
import { PLACEMENT_DEFAULTS } from '../../src/provisioning/placement.js';
import { createHarness, userIds, wrapStore } from '../provisioning/harness.js';
import { PLACEMENT } from '../provisioning/placement.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';

const pool = createTestPool({ max: 8 });
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

describe('database-per-user on PostgreSQL: two processes', () => {
  it('60 signups at once, each claimed by both: hosts opened are the minimum the users and the warm slots need', async () => {
    const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const postgres = new PostgresCredentialStore({
      client: pool,
      table: `${schema}.user_databases`,
      clock: h.clock,
    });
    await postgres.migrate();
    // Queries run on real time: the simulated clock waits for each.
    const store = wrapStore(postgres, (_method, _args, run) => h.clock.track(run()), {
      hosts: true,
    });
    const placement = { ...PLACEMENT, host: { ...PLACEMENT.host, memory: '4GB' } };
    const options = { store, instance: undefined, placement, reconcileIntervalMs: 0 };
    const one = h.newProvisioner(options);
    const two = h.newProvisioner(options);
    const users = userIds(60, 34);
    await h.run(Promise.all(users.flatMap((u) => [one.claimUser(u), two.claimUser(u)])));
    const ready = await h.run(
      Promise.all(users.map((u) => one.waitUntilReady(u, { timeoutMs: 1_800_000 }))),
    );
    expect(ready.every((r) => r.status === 'ready')).toBe(true);
    // 4 GB hosts: 20 databases, neo4j counted, so 19 users each; warm slots: a quarter of a host.
    const warm = Math.max(1, Math.ceil(20 * PLACEMENT_DEFAULTS.warmShare));
    const minimum = Math.ceil((users.length + warm) / 19);
    expect({ hosts: (await postgres.listHosts()).length }).toEqual({ hosts: minimum });
    await Promise.all([one.close(), two.close()]);
  }, 120_000);
});
