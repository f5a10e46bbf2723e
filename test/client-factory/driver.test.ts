import neo4j from 'neo4j-driver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_FACTORY_DEFAULTS } from '../../src/client-factory/defaults.js';
import { createUserClients } from '../../src/neo4j.js';
import { type FakeBoltServer, startFakeBoltServer } from './fake-bolt-server.js';
import { createWorld, PASSWORD, recordingDriverFactory, URL, USERNAME } from './support.js';

const USER = 'user-1';

describe('the driver built for a user', () => {
  it('gets the record URL, the user name Aura returned, the decrypted password and the small-pool defaults', async () => {
    const world = createWorld();
    await world.putRecord(USER);
    const factory = recordingDriverFactory();
    const clients = createUserClients({
      ...world,
      createDriver: factory.createDriver,
      driverConfig: { maxConnectionPoolSize: 3, userAgent: 'test-app' },
    });
    const driver = await clients.driverFor(USER);

    expect(factory.made).toHaveLength(1);
    const [made] = factory.made;
    expect(made?.url).toBe(URL);
    expect(made?.authToken).toEqual(neo4j.auth.basic(USERNAME, PASSWORD));
    expect(made?.authToken.principal).not.toBe('neo4j');
    expect(made?.config).toEqual({
      ...CLIENT_FACTORY_DEFAULTS.driverConfig,
      maxConnectionPoolSize: 3,
      userAgent: 'test-app',
    });
    // A real neo4j-driver Driver, as its public API shows it.
    expect(driver).toBeInstanceOf(neo4j.Driver);
    expect(driver).toBe(made?.driver);
    expect(driver.isEncrypted()).toBe(true); // neo4j+s
    await clients.closeAll();
  });

  it('dials the host and port of the record URL (seen through the public `resolver` option)', async () => {
    const world = createWorld();
    await world.putRecord(USER);
    const dialled: string[] = [];
    const clients = createUserClients({
      ...world,
      driverConfig: {
        // Point the connection at a closed local port: nothing leaves the machine.
        resolver: (address) => {
          dialled.push(address);
          return ['127.0.0.1:1'];
        },
        connectionTimeout: 2_000,
      },
    });
    const driver = await clients.driverFor(USER);
    await expect(driver.verifyConnectivity()).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    expect(dialled).toEqual(['a1b2c3d4.databases.neo4j.io:7687']);
    await clients.closeAll();
  });

  it('rejects a ready record whose URL neo4j-driver cannot use, and caches nothing', async () => {
    const world = createWorld();
    await world.putRecord(USER, { connectionUrl: 'ftp://example' });
    const clients = createUserClients(world);
    await expect(clients.driverFor(USER)).rejects.toThrow();
    expect(clients.size).toBe(0);
    await clients.closeAll();
  });
});

describe('on the wire (a Bolt 5 fake on loopback)', () => {
  let bolt: FakeBoltServer;
  beforeEach(async () => {
    bolt = await startFakeBoltServer();
  });
  afterEach(async () => {
    await bolt.close();
  });

  const sent = (name: string) => bolt.messages.filter((message) => message.name === name);

  it('logs in with the recorded user name and password and runs in the recorded database', async () => {
    const world = createWorld();
    await world.putRecord(USER, { connectionUrl: bolt.url, databaseName: 'tenant_db' });
    const clients = createUserClients(world);

    const result = await clients.run(USER, 'RETURN 1 AS n');
    expect(result.records.map((record) => neo4j.integer.toNumber(record.get('n')))).toEqual([1]);
    expect(sent('LOGON')[0]?.fields[0]).toEqual({
      scheme: 'basic',
      principal: USERNAME,
      credentials: PASSWORD,
    });
    expect(sent('BEGIN')[0]?.fields[0]).toMatchObject({ db: 'tenant_db' });

    // A session opened on the driver defaults to the recorded database too.
    const driver = await clients.driverFor(USER);
    const session = driver.session();
    await session.run('RETURN 1 AS n');
    await session.close();
    expect(sent('RUN').at(-1)?.fields[2]).toMatchObject({ db: 'tenant_db' });

    // The caller can still name another database.
    const other = driver.session({ database: 'other' });
    await other.run('RETURN 1 AS n');
    await other.close();
    expect(sent('RUN').at(-1)?.fields[2]).toMatchObject({ db: 'other' });
    await clients.closeAll();
  });

  it('sends no database when the record names none (the home database)', async () => {
    const world = createWorld();
    await world.putRecord(USER, { connectionUrl: bolt.url });
    const clients = createUserClients(world);
    await clients.run(USER, 'RETURN 1 AS n');
    expect(sent('BEGIN')[0]?.fields[0]).not.toHaveProperty('db');
    await clients.closeAll();
  });

  it('closes the pool for real on closeAll (GOODBYE), not when the app calls driver.close()', async () => {
    const world = createWorld();
    await world.putRecord(USER, { connectionUrl: bolt.url });
    const clients = createUserClients(world);
    const driver = await clients.driverFor(USER);
    await driver.executeQuery('RETURN 1 AS n');
    await driver.close(); // the app thinks it owns it: nothing happens
    await driver.executeQuery('RETURN 1 AS n');
    expect(sent('GOODBYE')).toHaveLength(0);
    expect(await clients.driverFor(USER)).toBe(driver);
    await clients.closeAll();
    await expect.poll(() => sent('GOODBYE').length).toBeGreaterThan(0);
  });

  it('a query running when its driver is invalidated finishes; the pool closes after it', async () => {
    const world = createWorld();
    await world.putRecord(USER, { connectionUrl: bolt.url });
    const clients = createUserClients(world);
    await clients.run(USER, 'RETURN 1 AS n'); // connected
    const release = bolt.holdRuns();
    const running = clients.run(USER, 'RETURN 1 AS n');
    await expect.poll(() => sent('RUN').length).toBe(2);
    let closed = false;
    const invalidated = clients.invalidate(USER).then(() => {
      closed = true;
    });
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    expect(sent('GOODBYE')).toHaveLength(0);
    release();
    const result = await running;
    expect(result.records).toHaveLength(1);
    await invalidated;
    await expect.poll(() => sent('GOODBYE').length).toBeGreaterThan(0);
    await clients.closeAll();
  });
});
