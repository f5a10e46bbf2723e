import { afterEach, describe, expect, it } from 'vitest';
import { AuraV2 } from '../../../src/aura/resources/v2/aura-v2.js';
import { UserDatabaseScopeError } from '../../../src/client-factory/errors.js';
import { createUserClients } from '../../../src/neo4j.js';
import type { DatabasePerUserPlacement } from '../../../src/provisioning/placement.js';
import { databaseNameForUser } from '../../../src/records/database-name.js';
import { hostCipherContext, newHostRecord } from '../../../src/records/host-record.js';
import type { CredentialStore } from '../../../src/records/store.js';
import { recordingDriverFactory } from '../../client-factory/support.js';
import { createHarness, userIds, wrapStore } from '../harness.js';
import { PLACEMENT } from '../placement.js';

const DATABASES =
  /^\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances\/[^/]+\/databases$/;
const HOSTS = /^\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances$/;

function hostedHarness(mock: Parameters<typeof createHarness>[0] = {}) {
  const h = createHarness({ creationTimeMs: 90_000, databaseCreationTimeMs: 3_000, ...mock });
  const provisioner = (placement: Partial<DatabasePerUserPlacement> = {}) =>
    h.newProvisioner({
      instance: undefined,
      placement: { ...PLACEMENT, ...placement },
      reconcileIntervalMs: 0,
    });
  const hostCreates = () =>
    h.fake.requests.filter((r) => r.method === 'POST' && HOSTS.test(r.path));
  const databaseCreates = () =>
    h.fake.requests.filter(
      (r) => r.method === 'POST' && DATABASES.test(r.path) && r.status === 202,
    );
  /** Every database on every live host, by name (`neo4j` left out). */
  const userDatabases = () =>
    h.fake.instances
      .filter((i) => i.status !== 'destroying')
      .flatMap((i) => h.fake.databases(i.id).map((db) => ({ ...db, host: i.id })))
      .filter((db) => db.name !== 'neo4j');
  /** Each live database belongs to exactly one record on that host, and each hosted record has its database. */
  const assertOneDatabasePerUser = async (users: string[]) => {
    const databases = userDatabases();
    expect(new Set(databases.map((db) => db.name)).size).toBe(databases.length);
    expect(databases).toHaveLength(users.length);
    for (const user of users) {
      const record = await h.store.get(user);
      expect(record?.status).toBe('ready');
      expect(record).toMatchObject({
        placement: 'database-per-user',
        instanceId: expect.any(String),
        databaseName: expect.any(String),
        encryptedPassword: null,
      });
      const mine = databases.filter((db) => db.name === record?.databaseName);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.host).toBe(record?.instanceId);
    }
    // Every host's count matches the users on it, neo4j counted.
    for (const host of await h.store.listHosts()) {
      if (host.status !== 'ready') continue;
      const onIt = databases.filter((db) => db.host === host.instanceId).length;
      expect(host.used).toBe(1 + onIt);
    }
  };
  return { h, provisioner, hostCreates, databaseCreates, userDatabases, assertOneDatabasePerUser };
}

describe('placement database-per-user', () => {
  let t: ReturnType<typeof hostedHarness>;
  afterEach(async () => {
    await t.h.assertNoSecrets();
  });

  it('opens a multi-database host for the first user, then creates their database on it', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const [user] = userIds(1) as [string];
    const started = h.clock.now();
    await h.run(provisioner.provisionUserDatabase(user));
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    expect(ready.status).toBe('ready');
    // The host runs after 90 s; the user waiting for it is placed at once, not at its next timer.
    expect(h.clock.now() - started).toBeLessThanOrEqual(96_000);
    const [hostCreate] = t.hostCreates();
    expect(hostCreate?.body).toMatchObject({
      name: 'ap-host-0001',
      type: 'business-critical',
      memory: '2GB',
      multi_database: true,
    });
    const record = await h.store.get(user);
    const [host] = await h.store.listHosts();
    expect(host).toMatchObject({
      hostName: 'ap-host-0001',
      status: 'ready',
      capacity: 10,
      used: 2,
    });
    expect(record).toMatchObject({
      status: 'ready',
      instanceId: host?.instanceId,
      connectionUrl: host?.connectionUrl,
      username: host?.username,
      encryptedPassword: null,
      databaseName: databaseNameForUser(user, 'ap-'),
    });
    // The host's password is stored once, encrypted under the host's own context.
    expect(host?.encryptedPassword).toMatch(/^v1:k1:/);
    expect(t.databaseCreates()).toHaveLength(1);
    await t.assertOneDatabasePerUser([user]);
    await provisioner.close();
  });

  it('keeps warm capacity: once a host is open, later signups wait only for a database create', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const users = userIds(20);
    const [first] = users as [string];
    await h.run(provisioner.provisionUserDatabase(first));
    await h.run(provisioner.waitUntilReady(first, { timeoutMs: 600_000 }));
    // Let the warm host (opened when free slots fell under 3) come up.
    await h.run(h.clock.sleep(300_000));
    const waits: number[] = [];
    for (const user of users.slice(1)) {
      const start = h.clock.now();
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
      waits.push(h.clock.now() - start);
      // Signups a minute apart: the warm host has time to open.
      await h.run(h.clock.sleep(60_000));
    }
    // Every later user waited for its database only (created in 3 s), never for a host (90 s).
    expect(Math.max(...waits)).toBeLessThan(10_000);
    const hosts = await h.store.listHosts();
    expect(hosts.length).toBeGreaterThanOrEqual(3);
    expect(hosts.every((host) => host.used <= host.capacity)).toBe(true);
    await t.assertOneDatabasePerUser(users);
    await provisioner.close();
  });

  it('places a burst of 50 concurrent signups on as many hosts as they need, one database each', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const users = userIds(50);
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    await h.run(
      Promise.all(users.map((user) => provisioner.waitUntilReady(user, { timeoutMs: 1_800_000 }))),
    );
    const hosts = await h.store.listHosts();
    // 50 users at 9 a host need 6 hosts; the burst opens them together, not one after another.
    expect(hosts.length).toBeGreaterThanOrEqual(6);
    expect(hosts.length).toBeLessThanOrEqual(8);
    expect(t.databaseCreates()).toHaveLength(50);
    await t.assertOneDatabasePerUser(users);
    await provisioner.close();
  });

  it('opens no more than maxHosts hosts: the users past them wait for a freed slot', async () => {
    t = hostedHarness();
    const { h } = t;
    const warnings: string[] = [];
    const provisioner = h.newProvisioner({
      instance: undefined,
      placement: { ...PLACEMENT, maxHosts: 1 },
      reconcileIntervalMs: 0,
      logger: { warn: (message) => warnings.push(message) },
    });
    const users = userIds(12);
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    await h.clock.advance(600_000);
    // One host of 10 slots (neo4j counted) holds 9 users; the other 3 wait, pending.
    const statuses = await Promise.all(
      users.map((user) => provisioner.getProvisioningStatus(user)),
    );
    const ready = users.filter((_, i) => statuses[i]?.status === 'ready');
    const waiting = users.filter((_, i) => statuses[i]?.status === 'pending');
    expect(ready).toHaveLength(9);
    expect(waiting).toHaveLength(3);
    expect(t.hostCreates()).toHaveLength(1);
    expect(await h.store.listHosts()).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('maxHosts reached'))).toHaveLength(1);
    // A deprovision gives a slot back: one waiting user takes it, on the same host.
    await h.run(provisioner.deprovisionUserDatabase(ready[0] as string));
    await h.clock.advance(60_000);
    const after = await Promise.all(waiting.map((user) => provisioner.getProvisioningStatus(user)));
    expect(after.filter((status) => status.status === 'ready')).toHaveLength(1);
    expect(t.hostCreates()).toHaveLength(1);
    await provisioner.close();
  });

  it('creates one database for 20 concurrent calls for one user', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const [user] = userIds(1) as [string];
    await h.run(
      Promise.all(Array.from({ length: 20 }, () => provisioner.provisionUserDatabase(user))),
    );
    await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    expect(t.databaseCreates()).toHaveLength(1);
    await t.assertOneDatabasePerUser([user]);
    await provisioner.close();
  });

  it('settles a lost database create answer by listing the host, creating nothing twice', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const [first, second] = userIds(2) as [string, string];
    await h.run(provisioner.provisionUserDatabase(first));
    await h.run(provisioner.waitUntilReady(first, { timeoutMs: 600_000 }));
    h.fake.faults.createSucceedsThenTimeout(1, { match: { method: 'POST', path: DATABASES } });
    await h.run(provisioner.provisionUserDatabase(second));
    const ready = await h.run(provisioner.waitUntilReady(second, { timeoutMs: 600_000 }));
    expect(ready.status).toBe('ready');
    await t.assertOneDatabasePerUser([first, second]);
    await provisioner.close();
  });

  it('deprovisions by deleting the database and giving its slot back; the host stays', async () => {
    t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const [first, second] = userIds(2) as [string, string];
    for (const user of [first, second]) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    }
    const before = (await h.store.listHosts())[0];
    expect(before?.used).toBe(3);
    expect(await h.run(provisioner.deprovisionUserDatabase(first))).toEqual({ status: 'deleted' });
    expect(await h.store.get(first)).toBeNull();
    const after = await h.store.listHosts();
    expect(after[0]?.used).toBe(2);
    expect(after[0]?.status).toBe('ready');
    expect(h.liveInstances().some((i) => i.id === before?.instanceId)).toBe(true);
    await t.assertOneDatabasePerUser([second]);
    await provisioner.close();
  });

  it('never deletes a host for a hosted user, even through an instance-per-user provisioner', async () => {
    t = hostedHarness();
    const { h } = t;
    const hosted = t.provisioner();
    const [user] = userIds(1) as [string];
    await h.run(hosted.provisionUserDatabase(user));
    await h.run(hosted.waitUntilReady(user, { timeoutMs: 600_000 }));
    await hosted.close();
    const plain = h.newProvisioner({ reconcileIntervalMs: 0 });
    expect(await h.run(plain.deprovisionUserDatabase(user))).toEqual({ status: 'deleting' });
    expect(h.liveInstances()).toHaveLength(1);
    expect(h.logs.some((line) => line.includes('only with the database-per-user placement'))).toBe(
      true,
    );
    await plain.close();
  });
});

describe('placement database-per-user, options', () => {
  it('refuses a store without host records and a placement it cannot use, naming the field', () => {
    const t = hostedHarness();
    const { h } = t;
    const store = {
      get: h.store.get.bind(h.store),
      claim: h.store.claim.bind(h.store),
      update: h.store.update.bind(h.store),
      delete: h.store.delete.bind(h.store),
      list: h.store.list.bind(h.store),
    } as CredentialStore;
    expect(() => h.newProvisioner({ store, instance: undefined, placement: PLACEMENT })).toThrow(
      /host records/,
    );
    expect(() =>
      h.newProvisioner({ placement: { ...PLACEMENT, host: { ...PLACEMENT.host, memory: 'big' } } }),
    ).toThrow(/host\.memory/);
    expect(() =>
      h.newProvisioner({ placement: { ...PLACEMENT, maxDatabasesPerHost: 11 } }),
    ).toThrow(/maxDatabasesPerHost must be an integer from 2 to 10/);
    expect(() => h.newProvisioner({ placement: { ...PLACEMENT, maxHosts: 0 } })).toThrow(
      /maxHosts must be an integer >= 1/,
    );
    expect(() => h.newProvisioner({ instance: undefined })).toThrow(/needs `instance`/);
  });
});

describe('placement database-per-user, then per-user clients', () => {
  it("gives provisioned users clients on their host's shared driver, each on its own database", async () => {
    const t = hostedHarness();
    const { h } = t;
    const provisioner = t.provisioner();
    const users = userIds(3);
    for (const user of users) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    }
    const factory = recordingDriverFactory();
    const clients = createUserClients({ store: h.store, cipher: h.cipher, ...factory });
    const drivers = await h.run(Promise.all(users.map((user) => clients.driverFor(user))));
    expect(factory.made).toHaveLength(1);
    const [host] = await h.store.listHosts();
    const [made] = factory.made;
    expect(made?.url).toBe(host?.connectionUrl);
    // The host's password, decrypted from the host record (the users' records hold none).
    const instance = h.fake.instance(host?.instanceId ?? '');
    expect(made?.authToken).toMatchObject({
      principal: host?.username,
      credentials: instance?.password,
    });
    for (const [i, user] of users.entries()) {
      const record = await h.store.get(user);
      expect(() => drivers[i]?.session({ database: 'neo4j' })).toThrow(UserDatabaseScopeError);
      expect(record?.databaseName).toBeTruthy();
    }
    await h.run(clients.closeAll());
    await provisioner.close();
    await h.assertNoSecrets();
  });
});

describe('placement database-per-user with a store that fails now and then', () => {
  it('makes every user of a burst ready with one database each when 3% of store calls fail', async () => {
    const t = hostedHarness();
    const { h } = t;
    let calls = 0;
    let failures = 0;
    // Every 33rd store call throws, user and host records alike.
    const store = wrapStore(
      h.store,
      async (_method, _args, run) => {
        calls++;
        if (calls % 33 === 0) {
          failures++;
          throw new Error('store unavailable');
        }
        return run();
      },
      { hosts: true },
    );
    const provisioner = h.newProvisioner({
      store,
      instance: undefined,
      placement: PLACEMENT,
      reconcileIntervalMs: 60_000,
    });
    const users = userIds(30);
    // A claim that fails is the webhook's to retry (Supabase resends): ask until each is claimed.
    for (const user of users) {
      for (;;) {
        const claimed = await h.run(provisioner.claimUser(user)).then(
          () => true,
          () => false,
        );
        if (claimed) break;
      }
    }
    await h.run(h.clock.sleep(1_800_000));
    expect(failures).toBeGreaterThan(10);
    await t.assertOneDatabasePerUser(users);
    await provisioner.close();
  });
});

describe('placement database-per-user when Aura refuses a host', () => {
  it('opens no other host for 5 minutes after one fails, then tries again and places the waiting user', async () => {
    const t = hostedHarness();
    const { h } = t;
    // Aura refuses the first host (a quota, say); the second is accepted.
    h.fake.faults.failNext(1, {
      status: 400,
      match: {
        method: 'POST',
        path: /^\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances$/,
      },
    });
    const provisioner = t.provisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    // Many checks of the waiting user meanwhile: still one refused attempt, no host storm.
    await h.run(h.clock.sleep(240_000));
    expect(t.hostCreates()).toHaveLength(1);
    expect((await h.store.listHosts()).map((host) => host.status)).toEqual(['failed']);
    expect((await h.store.get(user))?.status).toBe('pending');
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 1_800_000 }));
    expect(ready.status).toBe('ready');
    expect(t.hostCreates()).toHaveLength(2);
    await provisioner.close();
  });
});

describe('placement database-per-user across processes', () => {
  it('places a waiting user when another process makes the host ready (the fallback check, not a wake-up)', async () => {
    const t = hostedHarness();
    const { h } = t;
    // A host another process opened: running at Aura, still `creating` in the store, and not
    // due for a read here for an hour.
    const project = new AuraV2(h.newClient()).project('org-1', 'tenant-1');
    const created = await h.run(
      project.instances.create({
        name: 'ap-host-0001',
        type: 'business-critical',
        memory: '2GB',
        region: 'europe-west1',
        cloudProvider: 'gcp',
        multiDatabase: true,
      }),
    );
    const claimed = await h.store.claimHost(
      newHostRecord('ap-host-0001', 10, {
        status: 'creating',
        instanceId: created.id,
        connectionUrl: created.connectionUrl ?? null,
        username: created.username ?? null,
        encryptedPassword: await h.run(
          h.cipher.encrypt(created.password.reveal(), hostCipherContext('ap-host-0001')),
        ),
        nextCheckAt: h.clock.now() + 3_600_000,
      }),
    );
    const provisioner = t.provisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    expect((await h.store.get(user))?.lastError).toBe('waiting-for-host');
    // Waiting is the record's state, not its lastError: the wait is stored with its start.
    expect((await h.store.get(user))?.waitingForHostSince).toEqual(expect.any(Number));
    await h.run(h.clock.sleep(120_000));
    // The other process makes the host ready: this one sees no change of its own to wake on.
    await h.store.updateHost('ap-host-0001', claimed.record.version, { status: 'ready' });
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 60_000 }));
    expect(ready.status).toBe('ready');
    expect(ready.instanceId).toBe(created.id);
    expect((await h.store.get(user))?.waitingForHostSince).toBeNull();
    await provisioner.close();
  });
});
