import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuraV2 } from '../../src/aura/resources/v2/aura-v2.js';
import type { AuraMockOptions } from '../../src/testing/index.js';
import { createHarness, userIds } from '../provisioning/harness.js';
import { PLACEMENT } from '../provisioning/placement.js';
import { createTestPool } from '../support/postgres.js';
import { hostedStore } from './hosted-store.js';

/**
 * Aura's pages disagree on a multi-database instance's default database, which cannot be
 * deleted: named `neo4j` (the preview page), or given a name like any other (`293fd870`, the
 * current page), its id in the create answer (`default_database_id`, optional) or not. Under
 * each, reconcile must never take the default for a leftover.
 */
const READINGS: Record<string, AuraMockOptions> = {
  'default named neo4j': {},
  'default named by Aura, its id in the create answer': {
    databaseNaming: 'auto',
    defaultDatabaseName: 'assigned',
  },
  'default named by Aura, no id in the create answer': {
    databaseNaming: 'auto',
    defaultDatabaseName: 'assigned',
    defaultDatabaseIdInAnswer: false,
  },
};

let pool: pg.Pool;
const drops: (() => Promise<void>)[] = [];
beforeAll(() => {
  pool = createTestPool({ max: 4 });
});
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

/** Five users ready on one host of a migrated PostgreSQL store, and a database made by hand. */
async function signupsThenStray(mock: AuraMockOptions) {
  const h = createHarness({ creationTimeMs: 90_000, databaseCreationTimeMs: 3_000, ...mock });
  const { postgres, store } = await hostedStore(pool, h.clock, drops);
  const provisioner = h.newProvisioner({
    store,
    instance: undefined,
    placement: PLACEMENT,
    reconcileIntervalMs: 0,
  });
  const users = userIds(5, 31);
  await h.run(Promise.all(users.map((user) => provisioner.provisionUserDatabase(user))));
  const ready = await h.run(
    Promise.all(users.map((user) => provisioner.waitUntilReady(user, { timeoutMs: 600_000 }))),
  );
  expect(ready.map((status) => status.status)).toEqual(users.map(() => 'ready'));
  const [host, ...others] = await postgres.listHosts();
  expect(others).toEqual([]);
  const hostId = host?.instanceId as string;
  const [defaultDatabase] = h.fake.databases(hostId).filter((db) => db.isDefault);
  const records = await Promise.all(users.map((user) => postgres.get(user)));
  const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
  const stray = await h.run(project.databases.create(hostId, 'analytics'));
  const strayName = h.fake.databases(hostId).find((db) => db.id === stray.id)?.name;
  return { h, postgres, provisioner, host, hostId, defaultDatabase, records, stray, strayName };
}

for (const [reading, mock] of Object.entries(READINGS)) {
  describe(`database-per-user, ${reading}`, () => {
    it("stores the host's default, never judges it, deletes only what was made by hand", async () => {
      const { h, postgres, provisioner, host, hostId, defaultDatabase, records, stray, strayName } =
        await signupsThenStray(mock);
      if (!defaultDatabase || !host) throw new Error('no default database');
      // Known from proof: the create answer's id, else what the host listed before anyone came.
      expect(host.defaultDatabaseIds).toEqual([defaultDatabase.id]);

      const first = await h.run(provisioner.reconcile({ orphans: 'delete' }));
      await h.run(h.clock.sleep(11 * 60_000));
      const second = await h.run(provisioner.reconcile({ orphans: 'delete' }));
      // Only the stray is judged: young at first (Aura gives it no age), then an orphan.
      expect(first.orphanDatabases?.map((o) => [o.databaseName, o.kind])).toEqual([
        [strayName, 'young'],
      ]);
      expect(second.orphanDatabases?.map((o) => [o.databaseName, o.kind, o.action])).toEqual([
        [strayName, 'orphan', 'deleted'],
      ]);

      // The default is still there; every user's database too, untouched; the stray is gone.
      const left = h.fake.databases(hostId);
      expect(left.filter((db) => db.isDefault)).toEqual([defaultDatabase]);
      expect(left.map((db) => db.id).sort()).toEqual(
        [defaultDatabase.id, ...records.map((r) => r?.databaseId)].sort(),
      );
      for (const record of records) {
        expect(await postgres.get(record?.userId as string)).toMatchObject({
          status: 'ready',
          databaseId: record?.databaseId,
          databaseName: record?.databaseName,
        });
      }
      expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([
        expect.objectContaining({ path: expect.stringContaining(`/databases/${stray.id}`) }),
      ]);
      const events = h.events.filter((e) => e.type === 'orphan-found');
      expect(events.map((e) => e.databaseName)).not.toContain(defaultDatabase.name);
      // The default takes one slot, once: the five users and it.
      await h.run(h.clock.sleep(61_000));
      await h.run(provisioner.reconcile());
      expect((await postgres.getHost(host.hostName))?.used).toBe(6);
      await provisioner.close();
    }, 60_000);
  });
}

describe('database-per-user, a host made before its default was stored', () => {
  it('deletes nothing Aura named on it: the default and a stray are reported, never deleted', async () => {
    const { h, postgres, provisioner, host, hostId, defaultDatabase, records, strayName } =
      await signupsThenStray(READINGS['default named by Aura, no id in the create answer'] ?? {});
    if (!defaultDatabase || !host) throw new Error('no default database');
    // As an earlier version left it: nothing known of its own databases.
    await postgres.updateHost(host.hostName, host.version, { defaultDatabaseIds: null });

    await h.run(provisioner.reconcile({ orphans: 'delete' }));
    await h.run(h.clock.sleep(11 * 60_000));
    const report = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    expect(report.orphanDatabases?.map((o) => [o.databaseName, o.kind, o.action]).sort()).toEqual(
      [
        [defaultDatabase.name, 'unproven', 'reported'],
        [strayName, 'unproven', 'reported'],
      ].sort(),
    );
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(h.fake.databases(hostId)).toHaveLength(records.length + 2);
    await provisioner.close();
  }, 60_000);
});
