import { inspect } from 'node:util';
import neo4j from 'neo4j-driver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isUserClientError,
  UserClientConfigurationError,
  UserCredentialsUnreadableError,
  UserDatabaseScopeError,
} from '../../src/client-factory/errors.js';
import { createUserClients, type UserClientsOptions } from '../../src/neo4j.js';
import { hostCipherContext } from '../../src/records/host-record.js';
import { type FakeBoltServer, startFakeBoltServer } from './fake-bolt-server.js';
import {
  clientsOver,
  createHostedWorld,
  createWorld,
  HOST_PASSWORD,
  HOST_USERNAME,
  recordingDriverFactory,
  settle,
} from './support.js';

const DB1 = 'ap-u0000007oizyxc9ipowcnntkhs';
const DB2 = 'ap-u0000008qp3m1v0zsa2hd7k5r';

/** A hosted world, a recording driver factory and a cache over them. */
const setup = (options: Partial<UserClientsOptions> = {}) =>
  clientsOver(createHostedWorld(), options);

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('one driver per host', () => {
  it('1,000 users on 2 hosts: 2 drivers, one host listing, one decryption per user; closeAll closes both', async () => {
    const t = setup({ maxSize: 2_000 });
    const hosts = [await t.putHost('h0000001'), await t.putHost('h0000002')];
    const users = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
    for (const [i, user] of users.entries()) {
      await t.putHostedUser(user, hosts[i % 2] as (typeof hosts)[number], `ap-db-${i}`);
    }
    const drivers = await Promise.all(users.map((user) => t.clients.driverFor(user)));

    expect(t.made).toHaveLength(2);
    expect(t.made.map((m) => m.url).sort()).toEqual([
      'neo4j+s://h0000001.databases.neo4j.io',
      'neo4j+s://h0000002.databases.neo4j.io',
    ]);
    for (const made of t.made) {
      expect(made.authToken).toEqual(neo4j.auth.basic(HOST_USERNAME, HOST_PASSWORD));
    }
    expect(t.counts.listHosts).toBe(1);
    expect(t.counts.gets).toBe(1_000);
    expect(new Set(drivers).size).toBe(1_000); // one view per user, each on its own database
    expect(drivers[0]).toBeInstanceOf(neo4j.Driver);
    expect(t.clients.size).toBe(1_000);

    // Cached: no more reads, no more drivers.
    await Promise.all(users.map((user) => t.clients.driverFor(user)));
    expect(t.made).toHaveLength(2);
    expect(t.counts.listHosts).toBe(1);

    await t.clients.closeAll();
    expect(t.made.map((m) => m.closes)).toEqual([1, 1]);
  });

  it('the host driver closes when its last user client leaves the cache, not before', async () => {
    const t = setup();
    const host = await t.putHost('h0000001');
    await t.putHostedUser('u1', host, DB1);
    await t.putHostedUser('u2', host, DB2);
    const one = await t.clients.driverFor('u1');
    const two = await t.clients.driverFor('u2');
    expect(one).not.toBe(two);
    expect(t.made).toHaveLength(1);

    await one.close(); // the app thinks it owns it: nothing happens
    await t.clients.invalidate('u1');
    await settle();
    expect(t.made[0]?.closes).toBe(0); // u2 still uses it
    await t.clients.invalidate('u2');
    await settle();
    expect(t.made[0]?.closes).toBe(1);

    // The next user client makes a fresh host driver.
    await t.clients.driverFor('u1');
    expect(t.made).toHaveLength(2);
    await t.clients.closeAll();
    expect(t.made[1]?.closes).toBe(1);
  });

  it('idle users are swept; the host driver closes with the last of them', async () => {
    const t = setup({ idleMs: 60_000 });
    const host = await t.putHost('h0000001');
    await t.putHostedUser('u1', host, DB1);
    await t.putHostedUser('u2', host, DB2);
    await t.clients.driverFor('u1');
    await t.clock.advance(30_000);
    await t.clients.driverFor('u2');
    await t.clock.advance(30_000);
    await settle();
    expect(t.clients.size).toBe(1);
    expect(t.made[0]?.closes).toBe(0);
    await t.clock.advance(30_000);
    await settle();
    expect(t.clients.size).toBe(0);
    expect(t.made[0]?.closes).toBe(1);
    await t.clients.closeAll();
  });

  it('a new host password makes a new host driver; the old one closes with its users', async () => {
    const t = setup({ revalidateMs: 60_000 });
    const host = await t.putHost('h0000001');
    await t.putHostedUser('u1', host, DB1);
    const before = await t.clients.driverFor('u1');
    await t.memory.updateHost(host.hostName, host.version, {
      encryptedPassword: await t.cipher.encrypt(
        'rotated-host-password',
        hostCipherContext(host.hostName),
      ),
    });
    await t.clock.advance(60_000); // past hostListMs and revalidateMs
    await t.clients.driverFor('u1'); // starts the background re-read
    await settle();
    expect(t.made[0]?.closes).toBe(1);
    const after = await t.clients.driverFor('u1');
    expect(after).not.toBe(before);
    expect(t.made).toHaveLength(2);
    expect(t.made[1]?.authToken.credentials).toBe('rotated-host-password');
    await t.clients.closeAll();
  });
});

describe('on the wire (a Bolt 5.8 fake on loopback)', () => {
  let bolt: FakeBoltServer;
  beforeEach(async () => {
    bolt = await startFakeBoltServer();
  });
  afterEach(async () => {
    await bolt.close();
  });

  const sent = (name: string) => bolt.messages.filter((message) => message.name === name);
  const statements = () => sent('RUN').map((message) => message.fields[0]);

  async function twoUsers() {
    const t = setup();
    const host = await t.putHost('h0000001', { connectionUrl: bolt.url });
    await t.putHostedUser('u1', host, DB1);
    await t.putHostedUser('u2', host, DB2);
    return t;
  }

  it("two users on one host share one driver, log in with the host's credentials and run on their own databases", async () => {
    const t = await twoUsers();
    const one = await t.clients.run('u1', 'RETURN 1 AS n');
    await t.clients.run('u2', 'RETURN 1 AS n');
    expect(one.records.map((record) => neo4j.integer.toNumber(record.get('n')))).toEqual([1]);
    expect(t.made).toHaveLength(1);
    expect(sent('LOGON')[0]?.fields[0]).toEqual({
      scheme: 'basic',
      principal: HOST_USERNAME,
      credentials: HOST_PASSWORD,
    });
    expect(sent('BEGIN').map((message) => (message.fields[0] as { db?: string }).db)).toEqual([
      DB1,
      DB2,
    ]);

    // Sessions opened on a user's driver use the user's database too, also when it is named.
    const driver = await t.clients.driverFor('u2');
    const session = driver.session();
    await session.run('RETURN 1 AS n');
    await session.close();
    expect(sent('RUN').at(-1)?.fields[2]).toMatchObject({ db: DB2 });
    const named = driver.session({ database: DB2.toUpperCase() });
    await named.executeRead((tx) => tx.run('RETURN 1 AS n'));
    await named.close();
    expect(sent('BEGIN').at(-1)?.fields[0]).toMatchObject({ db: DB2 });
    await t.clients.closeAll();
    await expect.poll(() => sent('GOODBYE').length).toBeGreaterThan(0);
  });

  it("a user's client closed for good ends that user's open sessions, not the host driver", async () => {
    const t = await twoUsers();
    const one = (await t.clients.driverFor('u1')).session();
    const two = (await t.clients.driverFor('u2')).session();
    await one.run('RETURN 1 AS n');
    // The grace for sessions still open is over at once.
    await t.clients.closeAll({ graceMs: 0 });
    await expect(async () => one.run('RETURN 1 AS n')).rejects.toThrow(/closed session/);
    await expect(async () => two.run('RETURN 1 AS n')).rejects.toThrow(/closed session/);
    expect(t.made[0]?.closes).toBe(1);
  });

  it('invalidating one user with sessions open leaves the host driver to the others', async () => {
    const world = createHostedWorld();
    const factory = recordingDriverFactory();
    const clients = createUserClients({ ...world, ...factory, closeGraceMs: 0 });
    const host = await world.putHost('h0000001', { connectionUrl: bolt.url });
    await world.putHostedUser('u1', host, DB1);
    await world.putHostedUser('u2', host, DB2);
    const one = (await clients.driverFor('u1')).session();
    const two = (await clients.driverFor('u2')).session();
    await one.run('RETURN 1 AS n');
    await clients.invalidate('u1');
    await expect(async () => one.run('RETURN 1 AS n')).rejects.toThrow(/closed session/);
    await two.run('RETURN 1 AS n');
    expect(factory.made.map((m) => m.closes)).toEqual([0]);
    await two.close();
    await clients.closeAll();
    expect(factory.made.map((m) => m.closes)).toEqual([1]);
  });

  it('a USE of the own database runs', async () => {
    const t = await twoUsers();
    await t.clients.run('u1', `USE ${DB1} RETURN 1 AS n`);
    await t.clients.run('u1', `CALL { USE \`${DB1}\` RETURN 1 AS m } RETURN m`);
    expect(statements()).toEqual([
      `USE ${DB1} RETURN 1 AS n`,
      `CALL { USE \`${DB1}\` RETURN 1 AS m } RETURN m`,
    ]);
    await t.clients.closeAll();
  });

  it('USE of another database is refused on every path, and nothing is sent', async () => {
    const t = await twoUsers();
    const driver = await t.clients.driverFor('u1');
    const refusals: unknown[] = [];
    refusals.push(await rejection(() => t.clients.run('u1', `use ${DB2} MATCH (n) RETURN n`)));
    refusals.push(await rejection(() => driver.executeQuery('USE `other` RETURN 1')));
    refusals.push(
      await rejection(() => driver.executeQuery({ text: 'USE system SHOW DATABASES' })),
    );
    const session = driver.session();
    refusals.push(await rejection(() => session.run('USE `other` MATCH (n) RETURN n')));
    refusals.push(
      await rejection(() =>
        session.executeRead((tx) =>
          tx.run('MATCH (n) CALL { USE other MATCH (m) RETURN m } RETURN n'),
        ),
      ),
    );
    refusals.push(
      await rejection(() => session.executeWrite((tx) => tx.run(`USE ${DB2} CREATE (n)`))),
    );
    // An explicit transaction, used at once and awaited.
    const pending = session.beginTransaction();
    refusals.push(await rejection(() => pending.run('USE other RETURN 1')));
    await pending.rollback();
    const awaited = await session.beginTransaction();
    refusals.push(
      await rejection(() =>
        awaited.run('UNWIND [1] AS x CALL { WITH x USE other RETURN x AS y } RETURN y'),
      ),
    );
    await awaited.rollback();
    await session.close();

    expect(refusals).toHaveLength(8);
    for (const error of refusals) {
      expect(error).toBeInstanceOf(UserDatabaseScopeError);
      expect(error).toMatchObject({ code: 'database_scope', userId: 'u1', database: DB1 });
    }
    expect(statements()).toEqual([]);
    await t.clients.closeAll();
  });

  it('instance-per-user users beside hosted ones keep their own driver and may still USE another database', async () => {
    const t = await twoUsers();
    await t.putRecord('own', { connectionUrl: bolt.url, databaseName: 'tenant_db' });
    const hosted = await t.clients.driverFor('u1');
    const own = await t.clients.driverFor('own');
    expect(t.made).toHaveLength(2);
    expect(own).toBe(t.made[1]?.driver); // the real driver, as before

    expect(() => hosted.session({ database: 'other' })).toThrow(UserDatabaseScopeError);
    await expect(hosted.executeQuery('USE other RETURN 1 AS n')).rejects.toThrow(
      UserDatabaseScopeError,
    );
    await own.executeQuery('USE other RETURN 1 AS n');
    const session = own.session({ database: 'other' });
    await session.run('RETURN 1 AS n');
    await session.close();
    expect(statements()).toEqual(['USE other RETURN 1 AS n', 'RETURN 1 AS n']);
    expect(sent('RUN').at(-1)?.fields[2]).toMatchObject({ db: 'other' });
    await t.clients.closeAll();
  });

  it('administration commands are refused', async () => {
    const t = await twoUsers();
    for (const statement of ['SHOW DATABASES', 'CREATE DATABASE other', `DROP DATABASE ${DB2}`]) {
      await expect(t.clients.run('u1', statement)).rejects.toMatchObject({
        code: 'database_scope',
        violation: 'administration_command',
      });
    }
    expect(statements()).toEqual([]);
    await t.clients.closeAll();
  });
});

describe('a database option naming another database', () => {
  it('is refused on sessions, executeQuery, run and the connectivity checks', async () => {
    const t = setup();
    const host = await t.putHost('h0000001');
    await t.putHostedUser('u1', host, DB1);
    await t.putHostedUser('u2', host, DB2);
    const driver = await t.clients.driverFor('u1');
    const refusals = [
      await rejection(() => driver.session({ database: DB2 })),
      await rejection(() => driver.session({ database: 'system' })),
      await rejection(() => driver.session({ database: '' })),
      await rejection(() => driver.executeQuery('RETURN 1', {}, { database: DB2 })),
      await rejection(() => t.clients.run('u1', 'RETURN 1', {}, { database: 'neo4j' })),
      await rejection(() => driver.verifyConnectivity({ database: DB2 })),
      await rejection(() => driver.getServerInfo({ database: 'system' })),
    ];
    for (const error of refusals) {
      expect(error).toBeInstanceOf(UserDatabaseScopeError);
      expect(error).toMatchObject({ violation: 'database_option', database: DB1 });
    }
    expect((refusals[0] as UserDatabaseScopeError).requested).toBe(DB2);
    expect((refusals[0] as UserDatabaseScopeError).message).toBe(
      `Refused for user u1: the database option names "${DB2}"; this client reaches database "${DB1}" only`,
    );
    await t.clients.closeAll();
  });

  it('given to the factory, is refused for hosted users', async () => {
    const t = setup({ database: 'other' });
    await t.putHostedUser('u1', await t.putHost('h0000001'), DB1);
    await expect(t.clients.driverFor('u1')).rejects.toMatchObject({
      name: 'UserDatabaseScopeError',
      violation: 'database_option',
      requested: 'other',
    });
    expect(t.made).toHaveLength(0);
    await t.clients.closeAll();
  });

  it('rxSession is refused (its results would hold the host connection)', async () => {
    const t = setup();
    await t.putHostedUser('u1', await t.putHost('h0000001'), DB1);
    const driver = await t.clients.driverFor('u1');
    expect(() => driver.rxSession()).toThrow(UserClientConfigurationError);
    expect(() => driver.rxSession({ database: DB1 })).toThrow(
      /not available to users on a shared host/,
    );
    await t.clients.closeAll();
  });

  it("a user's client cannot change the shared driver", async () => {
    const t = setup();
    await t.putHostedUser('u1', await t.putHost('h0000001'), DB1);
    const driver = await t.clients.driverFor('u1');
    expect(() => {
      (driver as unknown as { session: unknown }).session = () => null;
    }).toThrow(TypeError);
    await t.clients.closeAll();
  });
});

describe('reading the host', () => {
  it('a store that keeps no host records gives a UserClientConfigurationError', async () => {
    const world = createWorld(); // its store has get/claim/update/delete/list only
    await world.putRecord('u1', {
      placement: 'database-per-user',
      encryptedPassword: null,
      databaseName: DB1,
    });
    const clients = createUserClients({ ...world, ...recordingDriverFactory() });
    const error = await rejection(() => clients.driverFor('u1'));
    expect(error).toBeInstanceOf(UserClientConfigurationError);
    expect(error).toMatchObject({ code: 'invalid_configuration', userId: 'u1' });
    expect((error as Error).message).toMatch(
      /on a shared host, but the store keeps no host records/,
    );
    await clients.closeAll();
  });

  it('a host the store does not have, or one without credentials, gives UserCredentialsUnreadableError with no secret', async () => {
    const t = setup();
    const host = await t.putHost('h0000001');
    const bare = await t.putHost('h0000002', { encryptedPassword: null });
    await t.putHostedUser('u1', host, DB1);
    await t.putHostedUser('u2', bare, DB2);
    await t.memory.deleteHost(host.hostName);

    const missing = await rejection(() => t.clients.driverFor('u1'));
    expect(missing).toBeInstanceOf(UserCredentialsUnreadableError);
    expect(missing).toMatchObject({ code: 'credentials_unreadable', userId: 'u1' });
    expect((missing as Error).message).toBe(
      'The database of user u1 is on host instance h0000001, which has no host record in the store',
    );
    const lacking = await rejection(() => t.clients.driverFor('u2'));
    expect(lacking).toBeInstanceOf(UserCredentialsUnreadableError);
    expect((lacking as Error).message).toBe(
      'The database of user u2 is on host ap-host-h0000002, whose record lacks encryptedPassword',
    );
    expect(t.made).toHaveLength(0);
    await t.clients.closeAll();
  });

  it('a host password that does not decrypt names the host, not the secret', async () => {
    const t = setup();
    const host = await t.putHost('h0000001');
    // Encrypted for another context: a ciphertext copied from elsewhere does not decrypt.
    await t.memory.updateHost(host.hostName, host.version, {
      encryptedPassword: await t.cipher.encrypt(HOST_PASSWORD, 'u1'),
    });
    await t.putHostedUser('u1', host, DB1);
    const error = await rejection(() => t.clients.driverFor('u1'));
    expect(error).toMatchObject({ code: 'credentials_unreadable', userId: 'u1' });
    expect((error as Error).message).toMatch(
      /of user u1 \(those of host ap-host-h0000001\) cannot be decrypted/,
    );
    await t.clients.closeAll();
  });

  it('no error carries the host password, plaintext or encrypted', async () => {
    const t = setup();
    const host = await t.putHost('h0000001');
    const stored = await t.memory.getHost(host.hostName);
    const secrets = [HOST_PASSWORD, stored?.encryptedPassword as string];
    await t.putHostedUser('u1', host, DB1);
    const driver = await t.clients.driverFor('u1');
    const errors = [
      await rejection(() => driver.session({ database: 'other' })),
      await rejection(() => t.clients.run('u1', `USE other RETURN '${HOST_PASSWORD}'`)),
      await rejection(() => t.clients.run('u1', 'SHOW USERS')),
    ];
    const bare = await t.putHost('h0000002', { encryptedPassword: null });
    await t.putHostedUser('u2', bare, DB2);
    errors.push(await rejection(() => t.clients.driverFor('u2')));
    await t.memory.deleteHost(host.hostName);
    await t.clients.invalidate('u1');
    await t.clock.advance(10_000);
    errors.push(await rejection(() => t.clients.driverFor('u1')));
    await t.memory.updateHost(bare.hostName, bare.version, {
      encryptedPassword: await t.cipher.encrypt(HOST_PASSWORD, 'elsewhere'),
    });
    await t.clock.advance(10_000);
    errors.push(await rejection(() => t.clients.driverFor('u2')));

    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      'database_scope',
      'database_scope',
      'database_scope',
      'credentials_unreadable',
      'credentials_unreadable',
      'credentials_unreadable',
    ]);
    for (const error of errors) {
      expect(isUserClientError(error)).toBe(true);
      const shown = [(error as Error).message, JSON.stringify(error), inspect(error)].join('\n');
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
    await t.clients.closeAll();
  });
});
