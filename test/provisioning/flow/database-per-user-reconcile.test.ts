import { describe, expect, it } from 'vitest';
import { AuraV2 } from '../../../src/aura/resources/v2/aura-v2.js';
import type { DatabasePerUserPlacement } from '../../../src/provisioning/placement.js';
import { databaseCapacityFor, resolvePlacement } from '../../../src/provisioning/placement.js';
import { createHarness, userIds } from '../harness.js';
import { PLACEMENT } from '../placement.js';

async function twoReadyUsers() {
  const h = createHarness({ creationTimeMs: 90_000, databaseCreationTimeMs: 3_000 });
  const provisioner = h.newProvisioner({
    instance: undefined,
    placement: PLACEMENT,
    reconcileIntervalMs: 0,
  });
  const users = userIds(2);
  for (const user of users) {
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
  }
  const [host] = await h.store.listHosts();
  return { h, provisioner, users, host: host as NonNullable<typeof host> };
}

describe('database-per-user: reconcile', () => {
  it('lists the hosts and counts their slots again from the records', async () => {
    const { h, provisioner, host } = await twoReadyUsers();
    // A slot lost by a process that stopped between taking it and recording its user.
    await h.store.updateHost(host.hostName, host.version, { used: host.used + 4 });
    // Counted down only on a host nobody took a slot on for a minute.
    await h.run(h.clock.sleep(61_000));
    const report = await h.run(provisioner.reconcile());
    expect(report.hosts?.[0]).toMatchObject({
      hostName: 'ap-host-0001',
      status: 'ready',
      capacity: 10,
      used: 3,
      free: 7,
      users: 2,
    });
    expect((await h.store.getHost(host.hostName))?.used).toBe(3);
    await provisioner.close();
  });

  it('reports a database on our host that no record owns, whoever named it, and deletes it under orphans: delete', async () => {
    const { h, provisioner, host, users } = await twoReadyUsers();
    // A create that landed after its user was deprovisioned, say; and one made by hand: the host
    // is ours (a host record holds it), so is what is on it.
    const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
    const stray = `ap-u${'0'.repeat(25)}`;
    await h.run(project.databases.create(host.instanceId ?? '', stray));
    await h.run(project.databases.create(host.instanceId ?? '', 'analytics'));
    const reported = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    // Aura gives a database no age: it counts from the first pass that saw it unowned.
    expect(reported.orphanDatabases).toEqual([
      {
        hostName: 'ap-host-0001',
        instanceId: host.instanceId,
        databaseName: stray,
        kind: 'young',
        userId: expect.anything(),
        action: 'reported',
      },
      {
        hostName: 'ap-host-0001',
        instanceId: host.instanceId,
        databaseName: 'analytics',
        kind: 'young',
        userId: undefined,
        action: 'reported',
      },
    ]);
    await h.run(h.clock.sleep(11 * 60_000));
    const deleted = await h.run(provisioner.reconcile({ orphans: 'delete' }));
    expect(deleted.orphanDatabases?.map((o) => [o.databaseName, o.kind, o.action])).toEqual([
      [stray, 'orphan', 'deleted'],
      ['analytics', 'orphan', 'deleted'],
    ]);
    const names = h.fake.databases(host.instanceId ?? '').map((db) => db.name);
    expect(names).not.toContain(stray);
    expect(names).not.toContain('analytics');
    for (const user of users) {
      expect(names).toContain((await h.store.get(user))?.databaseName);
    }
    await provisioner.close();
  });

  it('retries a failed hosted user without touching the host: its database goes, its slot comes back', async () => {
    const { h, provisioner, host, users } = await twoReadyUsers();
    const [user] = users as [string];
    const record = await h.store.get(user);
    if (!record) throw new Error('no record');
    await h.store.update(user, record.version, {
      status: 'failed',
      lastError: 'database-deadline-exceeded',
      nextCheckAt: h.clock.now(),
    });
    await h.run(provisioner.reconcile());
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    expect(ready.status).toBe('ready');
    expect(h.liveInstances().some((i) => i.id === host.instanceId)).toBe(true);
    const databases = h.fake.databases(host.instanceId ?? '').filter((db) => db.name !== 'neo4j');
    expect(databases.map((db) => db.name).sort()).toEqual(
      [record.databaseName, (await h.store.get(users[1] as string))?.databaseName].sort(),
    );
    expect((await h.store.getHost(host.hostName))?.used).toBe(3);
    await provisioner.close();
  });
});

describe('placement options', () => {
  it("derives a host's capacity from its memory, 5 a GB up to 100, and a quarter of it kept warm", () => {
    expect([2, 4, 8, 16, 32, 64].map((gb) => databaseCapacityFor(`${gb}GB`))).toEqual([
      10, 20, 40, 80, 100, 100,
    ]);
    expect(resolvePlacement(PLACEMENT, 'ap-')).toMatchObject({
      capacity: 10,
      warmSlots: 3,
      hostPrefix: 'ap-host-',
      host: { type: 'business-critical' },
    });
    expect(
      resolvePlacement({ ...PLACEMENT, maxDatabasesPerHost: 4, warmSlots: 0 }, 'x-'),
    ).toMatchObject({ capacity: 4, warmSlots: 0 });
    expect(resolvePlacement('instance-per-user', 'ap-')).toBeUndefined();
    expect(() =>
      resolvePlacement(
        { ...PLACEMENT, kind: 'elsewhere' } as unknown as DatabasePerUserPlacement,
        'ap-',
      ),
    ).toThrow(/unknown kind "elsewhere"/);
  });
});
