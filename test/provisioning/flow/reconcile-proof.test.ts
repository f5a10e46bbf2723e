import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuraClient } from '../../../src/aura/client.js';
import { AuraV2 } from '../../../src/aura/resources/v2/aura-v2.js';
import { PostgresCredentialStore } from '../../../src/postgres.js';
import { deploymentTag, instanceNameForUser } from '../../../src/records/instance-name.js';
import { newRecord } from '../../../src/records/record.js';
import type { CredentialStore } from '../../../src/records/store.js';
import { createTestPool, createTestSchema } from '../../support/postgres.js';
import { createHarness, userIds, wrapStore } from '../harness.js';
import { PLACEMENT } from '../placement.js';

/** Past the default grace period (10 minutes). */
const OLD = 11 * 60_000;

describe('reconcile acts only on proof: a signup admitted between two pages of the store', () => {
  const pool = createTestPool();
  let schema: { schema: string; drop: () => Promise<void> };
  beforeAll(async () => {
    schema = await createTestSchema(pool);
  });
  afterAll(async () => {
    await schema.drop();
    await pool.end();
  });

  const stores = {
    memory: (h: ReturnType<typeof createHarness>) => h.store as CredentialStore,
    postgres: async (h: ReturnType<typeof createHarness>, table: string) => {
      const store = new PostgresCredentialStore({
        client: pool,
        clock: h.clock,
        table: `${schema.schema}.${table}`,
      });
      await store.migrate();
      // Queries run on real time: the simulated clock waits for each.
      return wrapStore(store, (_method, _args, run) => h.clock.track(run()), { hosts: true });
    },
  };

  for (const kind of ['memory', 'postgres'] as const) {
    for (const placement of ['instance-per-user', 'database-per-user'] as const) {
      it(`deletes nothing a record owns (${kind} store, ${placement})`, async () => {
        const h = createHarness({ creationTimeMs: 20_000, databaseCreationTimeMs: 2_000 });
        const base =
          kind === 'memory'
            ? stores.memory(h)
            : await stores.postgres(h, `race_${placement.replace(/-/g, '_')}`);
        const hosted = placement === 'database-per-user';
        const options = {
          orphans: 'delete' as const,
          reconcileIntervalMs: 0,
          ...(hosted ? { instance: undefined, placement: { ...PLACEMENT, warmSlots: 20 } } : {}),
        };
        const users = userIds(250, 3);
        const seeder = h.newProvisioner({ ...options, store: base });
        // 250 users ready: the store is read in two pages.
        await h.run(Promise.all(users.map((u) => seeder.claimUser(u))));
        await h.run(
          Promise.all(users.map((u) => seeder.waitUntilReady(u, { timeoutMs: 3_600_000 }))),
        );
        await h.run(h.clock.sleep(OLD));
        const [late] = userIds(1, 4) as [string];
        let admitted = false;
        const store = wrapStore(
          base,
          async (method, _args, run) => {
            const page = await run();
            if (method === 'list' && !admitted) {
              // After the first page: a signup is claimed and its create accepted.
              admitted = true;
              await seeder.provisionUserDatabase(late);
            }
            return page;
          },
          { hosts: true },
        );
        const reconciler = h.newProvisioner({ ...options, store });
        const report = await h.run(reconciler.reconcile());
        expect(admitted).toBe(true);
        expect(report.orphans.filter((o) => o.action === 'deleted')).toEqual([]);
        expect((report.orphanDatabases ?? []).filter((o) => o.action === 'deleted')).toEqual([]);
        expect(h.events.filter((e) => e.type === 'orphan-deleted')).toEqual([]);
        const ready = await h.run(seeder.waitUntilReady(late, { timeoutMs: 600_000 }));
        expect(ready.status).toBe('ready');
        await Promise.all([seeder.close(), reconciler.close()]);
      }, 60_000);
    }
  }
});

describe('reconcile under continuous signups', () => {
  it('deletes nothing a record owns with orphans: delete, 15 signups a second over 1,000 users, a timer reconcile every 5 s', async () => {
    const h = createHarness({ creationTimeMs: 60_000, rateLimit: false });
    let passes = 0;
    // A store with a database's latency: 50 ms a page, during which signups go on.
    const store = wrapStore(h.store, async (method, args, run) => {
      const query = (args[0] ?? {}) as Record<string, unknown>;
      // A pass reads the whole store from its first page (no cursor, no filter).
      const whole = !query.cursor && !query.dueBefore && !query.statuses;
      if (method === 'list' && whole) passes++;
      if (method === 'list') await h.clock.sleep(50);
      return run();
    });
    // Creates leave as users arrive (an account with room to spare): no client-side queue.
    const aura = new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: 'tenant-1',
      clock: h.clock,
      fetch: h.fetch as typeof fetch,
      rateLimit: false,
    });
    const provisioner = h.newProvisioner({
      aura,
      store,
      orphans: 'delete',
      reconcileIntervalMs: 5_000,
    });
    // 1,000 ready users, seeded as the records and instances they would have.
    for (const user of userIds(1_000, 5)) {
      const { record } = await h.store.claim(newRecord(user, instanceNameForUser(user, 'ap-')));
      const instance = h.fake.addInstance({ name: record.instanceName, createdAt: h.clock.now() });
      await h.store.update(user, record.version, {
        status: 'ready',
        instanceId: instance.id,
        readyAt: h.clock.now(),
        nextCheckAt: null,
      });
    }
    // Old enough to be deleted, were they unowned; the passes counted from the first signup.
    await h.run(h.clock.sleep(OLD));
    passes = 0;
    // 15 a second for 30 s of simulated time: 450 users.
    const signups = userIds(450, 6);
    const arriving = (async () => {
      for (let i = 0; i < signups.length; i += 15) {
        await Promise.all(signups.slice(i, i + 15).map((u) => provisioner.claimUser(u)));
        await h.clock.sleep(1_000);
      }
    })();
    await h.run(arriving);
    await h.run(Promise.all(signups.map((u) => provisioner.waitUntilReady(u))));
    expect(h.events.filter((e) => e.type === 'orphan-deleted')).toEqual([]);
    expect(h.liveInstances()).toHaveLength(1_000 + signups.length);
    expect(h.creates()).toHaveLength(signups.length);
    // One pass every 5 s from the first signup until the last user is ready.
    expect(passes).toBeGreaterThanOrEqual(15);
    await h.run(provisioner.close());
  }, 120_000);
});

describe('duplicates', () => {
  it("reports an instance with a user's name whose id the record does not hold, and deletes it only under duplicates: delete", async () => {
    const h = createHarness({ creationTimeMs: 5_000 });
    const provisioner = h.newProvisioner({
      deployment: 'prod',
      reconcileIntervalMs: 0,
      orphans: 'delete',
    });
    const [user] = userIds(1, 7) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const ready = await h.run(provisioner.waitUntilReady(user));
    const name = instanceNameForUser(user, 'ap-', deploymentTag('prod'));
    const copy = h.fake.addInstance({ name, createdAt: h.clock.now() - OLD });
    const reported = await h.run(provisioner.reconcile());
    expect(reported.orphans).toEqual([
      {
        instanceId: copy.id,
        instanceName: name,
        kind: 'duplicate',
        userId: user,
        action: 'reported',
      },
    ]);
    const deleted = await h.run(provisioner.reconcile({ duplicates: 'delete' }));
    expect(deleted.orphans[0]?.action).toBe('deleted');
    expect(h.liveInstances().map((i) => i.id)).toEqual([ready.instanceId]);
    await provisioner.close();
  });
});

describe('drift: what was deleted behind the library', () => {
  it('a ready user whose instance is gone is found lost and provisioned again, history kept', async () => {
    const h = createHarness({ creationTimeMs: 5_000, transitionMs: { destroying: 0 } });
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 0 });
    const [user] = userIds(1, 8) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const first = await h.run(provisioner.waitUntilReady(user));
    await h.run(h.newClient().instances.delete(first.instanceId as string));
    await h.run(h.clock.sleep(1_000));
    const report = await h.run(provisioner.reconcile());
    expect(report.lost).toEqual([
      {
        what: 'instance',
        userId: user,
        instanceId: first.instanceId,
        databaseName: undefined,
        action: 'reprovisioned',
      },
    ]);
    expect(h.events.filter((e) => e.type === 'lost')).toMatchObject([
      { userId: user, instanceId: first.instanceId, reason: 'instance-lost' },
    ]);
    const again = await h.run(provisioner.waitUntilReady(user));
    expect(again.instanceId).not.toBe(first.instanceId);
    expect((await h.store.get(user))?.attempts).toBe(2);
    await provisioner.close();
  });

  it("with lost: 'fail', fails the user for an operator instead", async () => {
    const h = createHarness({ creationTimeMs: 5_000, transitionMs: { destroying: 0 } });
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 0, lost: 'fail' });
    const [user] = userIds(1, 9) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const first = await h.run(provisioner.waitUntilReady(user));
    await h.run(h.newClient().instances.delete(first.instanceId as string));
    await h.run(h.clock.sleep(1_000));
    await h.run(provisioner.reconcile());
    expect(await provisioner.getProvisioningStatus(user)).toMatchObject({
      status: 'failed',
      lastError: 'instance-lost',
      retryable: false,
    });
    expect(h.creates()).toHaveLength(1);
    await provisioner.close();
  });

  it('a hosted user whose database is gone gets it back on the same host', async () => {
    const h = createHarness({ creationTimeMs: 30_000, databaseCreationTimeMs: 2_000 });
    const provisioner = h.newProvisioner({
      instance: undefined,
      placement: PLACEMENT,
      reconcileIntervalMs: 0,
    });
    const [user] = userIds(1, 10) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const first = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    const hostId = first.instanceId as string;
    const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
    const database = h.fake.databases(hostId).find((db) => db.name === first.databaseName);
    await h.run(project.databases.delete(hostId, database?.id as string));
    await h.run(h.clock.sleep(1_000));
    const report = await h.run(provisioner.reconcile());
    expect(report.lost).toMatchObject([
      { what: 'database', userId: user, action: 'reprovisioned' },
    ]);
    const again = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    expect(again.instanceId).toBe(hostId);
    expect(h.fake.databases(hostId).map((db) => db.name)).toContain(again.databaseName);
    await provisioner.close();
  });

  it('a host deleted behind the library is marked lost, its users placed on a new host, and reconcile goes on', async () => {
    const h = createHarness({
      creationTimeMs: 30_000,
      databaseCreationTimeMs: 2_000,
      transitionMs: { destroying: 0 },
    });
    const provisioner = h.newProvisioner({
      instance: undefined,
      placement: { ...PLACEMENT, warmSlots: 0 },
      reconcileIntervalMs: 0,
    });
    const users = userIds(2, 11);
    for (const user of users) await h.run(provisioner.provisionUserDatabase(user));
    await h.run(
      Promise.all(users.map((u) => provisioner.waitUntilReady(u, { timeoutMs: 600_000 }))),
    );
    const [host] = await h.store.listHosts();
    const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
    await h.run(project.instances.delete(host?.instanceId as string));
    await h.run(h.clock.sleep(1_000));
    const report = await h.run(provisioner.reconcile());
    expect(report.lost.map((l) => [l.what, l.action])).toEqual([
      ['host', 'marked'],
      ['database', 'reprovisioned'],
      ['database', 'reprovisioned'],
    ]);
    expect(await h.store.getHost(host?.hostName as string)).toMatchObject({
      status: 'failed',
      lastError: 'host-lost',
    });
    const again = await h.run(
      Promise.all(users.map((u) => provisioner.waitUntilReady(u, { timeoutMs: 900_000 }))),
    );
    for (const ready of again) expect(ready.instanceId).not.toBe(host?.instanceId);
    // And a new user is placed on the new host, not the dead one.
    const [late] = userIds(1, 12) as [string];
    await h.run(provisioner.provisionUserDatabase(late));
    const placed = await h.run(provisioner.waitUntilReady(late, { timeoutMs: 900_000 }));
    expect(placed.instanceId).not.toBe(host?.instanceId);
    const next = await h.run(provisioner.reconcile());
    expect(next.lost).toEqual([]);
    await provisioner.close();
  }, 60_000);
});
