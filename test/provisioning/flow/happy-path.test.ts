import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, userIds } from '../harness.js';

describe('provisionUserDatabase, happy path', () => {
  let h: ReturnType<typeof createHarness>;
  afterEach(async () => {
    await h.assertNoSecrets();
  });

  it('claims, creates, and is ready at the expected time, after reads that explore earlier', async () => {
    h = createHarness({ creationTimeMs: 90_000 });
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    const started = h.clock.now();
    const first = await h.run(provisioner.provisionUserDatabase(user));
    expect(first.status).toBe('creating');
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(ready.status).toBe('ready');
    expect(ready.connectionUrl).toMatch(/^neo4j\+s:\/\/[0-9a-f]{8}\.databases\.neo4j\.io$/);
    expect(h.clock.now() - started).toBe(90_000);
    // Nothing is learned yet in this process: idle-budget reads at 10, 20, 40 and 80 s find it
    // creating; the planned read at the expected 90 s finds it running.
    const calls = h.apiCalls().map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}$/, ':id')}`);
    expect(calls).toEqual(['POST /v1/instances', ...Array(5).fill('GET /v1/instances/:id')]);
    const readsAt = h
      .apiCalls()
      .slice(1)
      .map((r) => r.at - started);
    expect(readsAt).toEqual([10_000, 20_000, 40_000, 80_000, 90_000]);
    expect(h.eventTypes(user)).toEqual(['claimed', 'create-requested', 'creating', 'ready']);
    const record = await h.store.get(user);
    expect(record?.encryptedPassword).toMatch(/^v1:k1:/);
    expect(await h.cipher.decrypt(record?.encryptedPassword ?? '', user)).toHaveLength(
      h.secrets.at(-1)?.length ?? -1,
    );
    await provisioner.close();
  });

  it('answers the same status to a repeated call and creates nothing more', async () => {
    h = createHarness();
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const again = await h.run(provisioner.provisionUserDatabase(user));
    expect(again.status).toBe('creating');
    await h.run(provisioner.waitUntilReady(user));
    expect((await h.run(provisioner.provisionUserDatabase(user))).status).toBe('ready');
    expect(h.creates()).toHaveLength(1);
    await provisioner.close();
  });

  it('creates exactly one instance for 50 concurrent calls for one user', async () => {
    h = createHarness();
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    const statuses = await h.run(
      Promise.all(Array.from({ length: 50 }, () => provisioner.provisionUserDatabase(user))),
    );
    expect(new Set(statuses.map((s) => s.instanceName)).size).toBe(1);
    await h.run(provisioner.waitUntilReady(user));
    expect(h.creates()).toHaveLength(1);
    expect(h.fake.instances).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'claimed')).toHaveLength(1);
    await provisioner.close();
  });

  it('creates one instance per user for 50 concurrent calls from two provisioners over one store', async () => {
    h = createHarness();
    const a = h.newProvisioner();
    const b = h.newProvisioner();
    const users = userIds(5);
    await h.run(
      Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? a : b).provisionUserDatabase(users[i % users.length] as string),
        ),
      ),
    );
    await h.run(Promise.all(users.map((u) => a.waitUntilReady(u))));
    expect(h.creates()).toHaveLength(5);
    expect(new Set(h.fake.instances.map((i) => i.name)).size).toBe(5);
    await Promise.all([a.close(), b.close()]);
  });
});
