import { describe, expect, it } from 'vitest';
import { AuraV2 } from '../../../src/aura/resources/v2/aura-v2.js';
import { createHarness, killSwitch, userIds } from '../harness.js';
import { PLACEMENT } from '../placement.js';

const DATABASES =
  /\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances\/[^/]+\/databases$/;
const options = { instance: undefined, placement: PLACEMENT, reconcileIntervalMs: 0 };
/** A provisioner that only reconciles: it never runs a user's check. */
const idle = { schedule: () => {}, start: () => {}, close: async () => {} };

describe('database-per-user, databases named by Aura: reconcile judges what no record owns', () => {
  it('reports a database made on our host behind the library, then deletes it once old', async () => {
    const h = createHarness({ databaseCreationTimeMs: 3_000, databaseNaming: 'auto' });
    const provisioner = h.newProvisioner(options);
    const users = userIds(2);
    for (const user of users) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    }
    const [host] = await h.store.listHosts();
    const hostId = host?.instanceId ?? '';
    const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
    const made = await h.run(project.databases.create(hostId, 'ignored'));
    const stray = h.fake.databases(hostId).find((db) => db.id === made.id)?.name;
    expect(stray).toMatch(/^[0-9a-f]{8}$/); // Aura's name, not the one asked for

    const first = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    // Aura gives no age: it counts from the first pass that saw it unowned.
    expect(first.orphanDatabases).toEqual([
      {
        hostName: host?.hostName,
        instanceId: hostId,
        databaseName: stray,
        kind: 'young',
        userId: undefined,
        action: 'reported',
      },
    ]);
    await h.run(h.clock.sleep(11 * 60_000));
    const dryRun = await h.run(provisioner.reconcile({ orphans: 'report' }));
    expect(dryRun.orphanDatabases?.map((o) => [o.databaseName, o.kind, o.action])).toEqual([
      [stray, 'orphan', 'reported'],
    ]);
    const second = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    expect(second.orphanDatabases?.map((o) => [o.databaseName, o.kind, o.action])).toEqual([
      [stray, 'orphan', 'deleted'],
    ]);
    const names = h.fake.databases(hostId).map((db) => db.name);
    expect(names).not.toContain(stray);
    const owned = await Promise.all(users.map(async (u) => (await h.store.get(u))?.databaseName));
    expect(names.sort()).toEqual(['neo4j', ...owned].sort());
    // The slot it took is counted down by a pass once nobody took a slot for a minute.
    await h.run(h.clock.sleep(61_000));
    const third = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    expect(third.orphanDatabases).toEqual([]);
    expect((await h.store.getHost(host?.hostName ?? ''))?.used).toBe(3);
    expect(h.events.filter((e) => e.type === 'orphan-deleted')).toHaveLength(1);
    await provisioner.close();
  });

  it('adopts, never deletes, the database a lost create made, even past the grace period', async () => {
    const h = createHarness({ databaseCreationTimeMs: 3_000, databaseNaming: 'auto' });
    const [user] = userIds(1, 5) as [string];
    // Process 1 sends the user's database create and dies before reading the answer.
    const process1 = killSwitch();
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      process1.guard(async () => {
        const request = new Request(input, init);
        const response = await h.fetch(request);
        if (request.method === 'POST' && DATABASES.test(new URL(request.url).pathname)) {
          process1.kill();
        }
        return process1.guard(async () => response);
      })) as typeof globalThis.fetch;
    const dying = h.newProvisioner({ ...options, aura: h.newClient(fetch) });
    void dying.provisionUserDatabase(user).catch(() => {});
    for (let i = 0; i < 600 && !process1.dead; i++) await h.clock.advance(1_000);
    expect(process1.dead).toBe(true);
    const record = await h.store.get(user);
    const hostId = record?.instanceId ?? '';
    const made = h.fake.databases(hostId).filter((db) => db.name !== 'neo4j');
    expect(made).toHaveLength(1);
    expect(record).toMatchObject({ status: 'creating' });
    expect(record?.databaseName).not.toBe(made[0]?.name); // the asked-for name; Aura gave another

    // A reconciler that deletes orphans at once (no grace) passes twice before the user is read
    // again: the database is unowned and seen long enough, but the user's create is unsettled.
    const reconciler = h.newProvisioner({ ...options, scheduler: idle, orphanGraceMs: 0 });
    const passes = [];
    for (let i = 0; i < 2; i++) {
      passes.push(await h.run(reconciler.reconcile({ orphans: 'delete' })));
      await h.run(h.clock.sleep(60_000));
    }
    expect(passes.flatMap((p) => p.orphanDatabases ?? []).map((o) => [o.kind, o.action])).toEqual([
      ['young', 'reported'],
      ['young', 'reported'],
    ]);
    expect(h.fake.databases(hostId).map((db) => db.id)).toContain(made[0]?.id);
    await reconciler.close();

    // A new process reads the user: the one database no record owns is adopted.
    const process2 = h.newProvisioner(options);
    await h.run(process2.reconcile({ orphans: 'delete' }));
    const ready = await h.run(process2.waitUntilReady(user, { timeoutMs: 600_000 }));
    expect(ready).toMatchObject({ status: 'ready', databaseName: made[0]?.name });
    const after = await h.run(process2.reconcile({ orphans: 'delete' }));
    expect(after.orphanDatabases).toEqual([]);
    expect(
      h.fake
        .databases(hostId)
        .map((db) => db.name)
        .sort(),
    ).toEqual(['neo4j', made[0]?.name].sort());
    expect(h.events.filter((e) => e.type === 'orphan-deleted')).toEqual([]);
    await process2.close();
  });
});
