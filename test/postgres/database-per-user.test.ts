import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACEMENT_DEFAULTS } from '../../src/provisioning/placement.js';
import { createHarness, userIds } from '../provisioning/harness.js';
import { PLACEMENT } from '../provisioning/placement.js';
import { createTestPool } from '../support/postgres.js';
import { hostedStore } from './hosted-store.js';

let pool: pg.Pool;
const drops: (() => Promise<void>)[] = [];
beforeAll(() => {
  pool = createTestPool({ max: 8 });
});
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

describe('database-per-user on a real PostgreSQL store, two processes at once', () => {
  it('gives 40 users (each signed up twice, once per process) one database each, slots counted exactly', async () => {
    const h = createHarness({ creationTimeMs: 90_000, databaseCreationTimeMs: 3_000 });
    const { postgres, store } = await hostedStore(pool, h.clock, drops);
    const options = { store, instance: undefined, placement: PLACEMENT, reconcileIntervalMs: 0 };
    const one = h.newProvisioner(options);
    const two = h.newProvisioner(options);
    const users = userIds(40);
    await h.run(Promise.all(users.flatMap((user) => [one.claimUser(user), two.claimUser(user)])));
    await h.run(
      Promise.all(users.map((user) => one.waitUntilReady(user, { timeoutMs: 1_800_000 }))),
    );
    const hosts = await postgres.listHosts();
    const databases = h.fake.instances
      .filter((i) => i.status !== 'destroying')
      .flatMap((i) => h.fake.databases(i.id).map((db) => ({ ...db, host: i.id })))
      .filter((db) => db.name !== 'neo4j');
    expect(databases).toHaveLength(40);
    expect(new Set(databases.map((db) => db.name)).size).toBe(40);
    for (const user of users) {
      const record = await postgres.get(user);
      expect(record?.status).toBe('ready');
      expect(record).toMatchObject({
        placement: 'database-per-user',
        instanceId: expect.any(String),
        databaseName: expect.any(String),
        encryptedPassword: null,
      });
      expect(databases.filter((db) => db.name === record?.databaseName)).toEqual([
        expect.objectContaining({ host: record?.instanceId }),
      ]);
    }
    // No host opened twice under one name, none over capacity, every count true.
    expect(new Set(hosts.map((host) => host.hostName)).size).toBe(hosts.length);
    expect(h.fake.instances.filter((i) => i.status !== 'destroying')).toHaveLength(
      hosts.filter((host) => host.instanceId).length,
    );
    for (const host of hosts) {
      expect(host.used).toBeLessThanOrEqual(host.capacity);
      if (host.status === 'ready') {
        expect(host.used).toBe(1 + databases.filter((db) => db.host === host.instanceId).length);
      }
    }
    await Promise.all([one.close(), two.close()]);
  }, 60_000);

  it('60 signups at once, each claimed by both: hosts opened are the minimum the users and the warm slots need', async () => {
    const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
    const { postgres, store } = await hostedStore(pool, h.clock, drops);
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
