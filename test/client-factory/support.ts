import neo4j, { type AuthToken, type Config, type Driver } from 'neo4j-driver';
import { createUserClients, type UserClientsOptions } from '../../src/neo4j.js';
import type { CredentialCipher } from '../../src/records/cipher.js';
import {
  type HostRecord,
  type HostStore,
  hostCipherContext,
  type NewHostRecord,
  newHostRecord,
} from '../../src/records/host-record.js';
import {
  newRecord,
  type RecordPlacement,
  type UserDatabasePatch,
} from '../../src/records/record.js';
import type { CredentialStore } from '../../src/records/store.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { createTestClock, type TestClock } from '../../src/testing/index.js';
import { KEY, wrapStore } from '../provisioning/harness.js';

export const PASSWORD = 'aura-generated-password-7f3a9c';
/** Aura's user name for the instance: deliberately not `neo4j`. */
export const USERNAME = 'a1b2c3d4';
export const URL = 'neo4j+s://a1b2c3d4.databases.neo4j.io';

/** One driver the factory made, with what it was made from and how often it was really closed. */
export interface MadeDriver {
  url: string;
  authToken: AuthToken;
  config: Config;
  driver: Driver;
  closes: number;
}

/** A `createDriver` that makes real neo4j-driver drivers (no socket until used) and records them. */
export function recordingDriverFactory() {
  const made: MadeDriver[] = [];
  const createDriver = (url: string, authToken: AuthToken, config: Config): Driver => {
    const given = { ...config }; // neo4j.driver fills its defaults into the object it gets
    const driver = neo4j.driver(url, authToken, config);
    const entry: MadeDriver = { url, authToken, config: given, driver, closes: 0 };
    const close = driver.close.bind(driver);
    driver.close = () => {
      entry.closes++;
      return close();
    };
    made.push(entry);
    return driver;
  };
  return { createDriver, made, closed: () => made.filter((m) => m.closes > 0).length };
}

/** A memory store, an AES-GCM cipher and a test clock, with store reads and decryptions counted. */
export function createWorld() {
  const clock: TestClock = createTestClock();
  const memory = new MemoryCredentialStore({ clock });
  const counts = { gets: 0, decrypts: 0 };
  /** Set it to hold each store read's answer back until it resolves. */
  const hooks: { afterGet?: (() => Promise<void>) | undefined } = {};
  const store: CredentialStore = wrapStore(memory, async (method, _args, run) => {
    if (method !== 'get') return run();
    counts.gets++;
    const result = await run();
    await hooks.afterGet?.();
    return result;
  });
  const aesGcm = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });
  const cipher: CredentialCipher = {
    encrypt: (plaintext, context) => clock.track(aesGcm.encrypt(plaintext, context)),
    decrypt: (ciphertext, context) => {
      counts.decrypts++;
      return clock.track(aesGcm.decrypt(ciphertext, context));
    },
  };

  /** Puts a record for `userId` in `status` (ready by default, with encrypted credentials). */
  const putRecord = async (
    userId: string,
    patch: UserDatabasePatch & { password?: string; placement?: RecordPlacement } = {},
  ) => {
    const { password = PASSWORD, placement = 'instance-per-user', ...fields } = patch;
    const { record } = await memory.claim(newRecord(userId, `ap-${userId}`, { placement }));
    const updated = await memory.update(userId, record.version, {
      status: 'ready',
      instanceId: 'a1b2c3d4',
      connectionUrl: URL,
      username: USERNAME,
      encryptedPassword: await aesGcm.encrypt(password, userId),
      readyAt: clock.now(),
      ...fields,
    });
    if (!updated) throw new Error('putRecord: update lost');
    return updated;
  };

  /** Changes the user's record as another process would (no event here). */
  const changeRecord = async (userId: string, patch: UserDatabasePatch & { password?: string }) => {
    const current = await memory.get(userId);
    if (!current) throw new Error('changeRecord: no record');
    const { password, ...fields } = patch;
    const encrypted =
      password === undefined ? {} : { encryptedPassword: await aesGcm.encrypt(password, userId) };
    return memory.update(userId, current.version, { ...fields, ...encrypted });
  };

  return { clock, memory, store, cipher, counts, hooks, putRecord, changeRecord };
}

/** The password of every test host, and its user name (not `neo4j`, not a user's). */
export const HOST_PASSWORD = 'host-password-b71e04d2';
export const HOST_USERNAME = 'h0571a2b';

/**
 * {@link createWorld} whose store also keeps host records (placement
 * `database-per-user`), with `listHosts` calls counted in `counts.listHosts`.
 */
export function createHostedWorld() {
  const world = createWorld();
  const counts = { ...world.counts, listHosts: 0 };
  const memory = world.memory;
  const store = {
    get: (userId: string) => {
      counts.gets++;
      return memory.get(userId);
    },
    claim: memory.claim.bind(memory),
    update: memory.update.bind(memory),
    delete: memory.delete.bind(memory),
    list: memory.list.bind(memory),
    getHost: memory.getHost.bind(memory),
    claimHost: memory.claimHost.bind(memory),
    updateHost: memory.updateHost.bind(memory),
    deleteHost: memory.deleteHost.bind(memory),
    listHosts: () => {
      counts.listHosts++;
      return memory.listHosts();
    },
  } satisfies CredentialStore & HostStore;
  const cipher: CredentialCipher = {
    encrypt: world.cipher.encrypt,
    decrypt: (ciphertext, context) => {
      counts.decrypts++;
      return world.cipher.decrypt(ciphertext, context);
    },
  };

  /** A ready host `host-<n>` on instance `instanceId`, its password encrypted with the host name as context. */
  const putHost = async (
    instanceId: string,
    fields: Partial<NewHostRecord> & { password?: string } = {},
  ) => {
    const { password = HOST_PASSWORD, ...rest } = fields;
    const hostName = `ap-host-${instanceId}`;
    const { record } = await memory.claimHost(
      newHostRecord(hostName, 100, {
        status: 'ready',
        instanceId,
        connectionUrl: `neo4j+s://${instanceId}.databases.neo4j.io`,
        username: HOST_USERNAME,
        encryptedPassword: await world.cipher.encrypt(password, hostCipherContext(hostName)),
        ...rest,
      }),
    );
    return record;
  };

  /** A ready user on the host of `instanceId`: no password of their own, their own database. */
  const putHostedUser = async (userId: string, host: HostRecord, databaseName: string) => {
    const { record } = await memory.claim(
      newRecord(userId, `ap-${userId}`, { placement: 'database-per-user' }),
    );
    const updated = await memory.update(userId, record.version, {
      status: 'ready',
      instanceId: host.instanceId,
      connectionUrl: host.connectionUrl,
      username: host.username,
      encryptedPassword: null,
      databaseName,
      readyAt: world.clock.now(),
    });
    if (!updated) throw new Error('putHostedUser: update lost');
    return updated;
  };

  return { ...world, store, cipher, counts, putHost, putHostedUser };
}

/** A `createUserClients` cache over `world`, with a recording driver factory. */
export function clientsOver<
  W extends { store: CredentialStore; cipher: CredentialCipher; clock: TestClock },
>(world: W, options: Partial<UserClientsOptions> = {}) {
  const factory = recordingDriverFactory();
  const clients = createUserClients({
    store: world.store,
    cipher: world.cipher,
    clock: world.clock,
    createDriver: factory.createDriver,
    ...options,
  });
  return { ...world, ...factory, clients };
}

/** Lets background work (a revalidation read, a close) finish. */
export const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};
