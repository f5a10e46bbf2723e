import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  isUserClientError,
  NoUserDatabaseError,
  type UserClientError,
  UserCredentialsUnreadableError,
  UserDatabaseFailedError,
  UserDatabaseNotReadyError,
} from '../../src/client-factory/errors.js';
import { createQueryClientForUser } from '../../src/client-factory/user-query-clients.js';
import { UserScopedError } from '../../src/kernel/user-error.js';
import { createUserClients } from '../../src/neo4j.js';
import { isProvisioningError, UserDatabaseNotFoundError } from '../../src/records/errors.js';
import type { UserDatabasePatch } from '../../src/records/record.js';
import { KEY } from '../provisioning/harness.js';
import { createWorld, PASSWORD } from './support.js';

const USER = 'user-1';

interface Case {
  state: string;
  record: UserDatabasePatch | null;
  type: abstract new (...args: never[]) => UserClientError;
  fields: Record<string, unknown>;
  message: RegExp;
}

const cases: Case[] = [
  {
    state: 'no record',
    record: null,
    type: NoUserDatabaseError,
    fields: { name: 'NoUserDatabaseError', code: 'no_database', status: null },
    message: /No database is provisioned for user user-1/,
  },
  {
    state: 'deleting',
    record: { status: 'deleting' },
    type: NoUserDatabaseError,
    fields: { name: 'NoUserDatabaseError', code: 'no_database', status: 'deleting' },
    message: /being deleted/,
  },
  {
    state: 'pending',
    record: { status: 'pending', connectionUrl: null, username: null, encryptedPassword: null },
    type: UserDatabaseNotReadyError,
    fields: { name: 'UserDatabaseNotReadyError', code: 'not_ready', status: 'pending' },
    message: /not ready yet \(status pending\); await provisioner\.waitUntilReady\(userId\)/,
  },
  {
    state: 'creating',
    record: { status: 'creating' },
    type: UserDatabaseNotReadyError,
    fields: { name: 'UserDatabaseNotReadyError', code: 'not_ready', status: 'creating' },
    message: /status creating/,
  },
  {
    state: 'failed, retryable',
    record: { status: 'failed', lastError: 'instance-loading-failed', nextCheckAt: 1 },
    type: UserDatabaseFailedError,
    fields: {
      name: 'UserDatabaseFailedError',
      code: 'provisioning_failed',
      reason: 'instance-loading-failed',
      retryable: true,
    },
    message: /failed: instance-loading-failed/,
  },
  {
    state: 'failed for good',
    record: { status: 'failed', lastError: 'missing-billing-details', nextCheckAt: null },
    type: UserDatabaseFailedError,
    fields: { reason: 'missing-billing-details', retryable: false },
    message: /missing-billing-details/,
  },
  {
    state: 'ready without a user name',
    record: { username: null },
    type: UserCredentialsUnreadableError,
    fields: { name: 'UserCredentialsUnreadableError', code: 'credentials_unreadable' },
    message: /ready but its record lacks username/,
  },
];

async function worldWith(record: UserDatabasePatch | null) {
  const world = createWorld();
  if (record) await world.putRecord(USER, record);
  return world;
}

/** No password or ciphertext in what an error shows, however it is printed. */
async function expectNoSecret(error: unknown, world: ReturnType<typeof createWorld>) {
  const record = await world.memory.get(USER);
  const shown = [String(error), JSON.stringify(error), inspect(error, { depth: 6 })].join('\n');
  expect(shown).not.toContain(PASSWORD);
  expect(shown).not.toContain(KEY);
  if (record?.encryptedPassword) expect(shown).not.toContain(record.encryptedPassword);
}

describe.each(cases)('a record in state "$state"', ({ record, type, fields, message }) => {
  it('gives a typed error from driverFor, with a literal name and a code', async () => {
    const world = await worldWith(record);
    const clients = createUserClients(world);
    const error = await clients.driverFor(USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ ...fields, userId: USER });
    expect((error as Error).message).toMatch(message);
    expect(Object.getOwnPropertyDescriptor(error, 'name')?.value).toBe((error as Error).name);
    expect(isUserClientError(error)).toBe(true);
    expect(isUserClientError(error, (error as UserClientError).code)).toBe(true);
    expect(isProvisioningError(error)).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject(fields);
    await expectNoSecret(error, world);
    expect(clients.size).toBe(0);
    await clients.closeAll();
  });

  it('gives the same error from the Query API clients', async () => {
    const world = await worldWith(record);
    const clients = createUserClients(world);
    await expect(clients.queryClientFor(USER)).rejects.toBeInstanceOf(type);
    await expect(createQueryClientForUser(USER, world)).rejects.toMatchObject(fields);
    await clients.closeAll();
  });
});

describe('credentials that cannot be decrypted', () => {
  it('a password encrypted under another key gives UserCredentialsUnreadableError, with the cipher error as cause', async () => {
    const world = createWorld();
    await world.putRecord(USER);
    const record = await world.memory.get(USER);
    // Another user's ciphertext: bound to the other user id, so it does not decrypt here.
    await world.putRecord('user-2');
    const other = await world.memory.get('user-2');
    await world.memory.update(USER, record?.version ?? 0, {
      encryptedPassword: other?.encryptedPassword ?? null,
    });
    const clients = createUserClients(world);
    const error = await clients.driverFor(USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserCredentialsUnreadableError);
    expect(error).toMatchObject({ code: 'credentials_unreadable', userId: USER });
    expect((error as Error).message).toMatch(/cannot be decrypted: Cannot decrypt credential/);
    expect(isProvisioningError((error as Error).cause, 'cipher_failure')).toBe(true);
    await expectNoSecret(error, world);
    await clients.closeAll();
  });

  it("neither echoes nor keeps a custom cipher's own error, however it is printed", async () => {
    const world = createWorld();
    await world.putRecord(USER);
    const clients = createUserClients({
      ...world,
      cipher: {
        encrypt: world.cipher.encrypt,
        decrypt: () => Promise.reject(new Error(`bad ciphertext ${PASSWORD}`)),
      },
    });
    const error = (await clients.driverFor(USER).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'The credentials of user user-1 cannot be decrypted: the cipher failed (Error)',
    );
    expect(error.cause).toBeUndefined();
    for (const shown of [JSON.stringify(error), inspect(error), String(error)]) {
      expect(shown).not.toContain(PASSWORD);
    }
    await clients.closeAll();
  });
});

describe('the error base', () => {
  it('is shared with the provisioning errors, and each guard still matches only its own layer', () => {
    const client = new NoUserDatabaseError('u1', null);
    const provisioning = new UserDatabaseNotFoundError('u1');
    for (const error of [client, provisioning]) expect(error).toBeInstanceOf(UserScopedError);
    expect(isUserClientError(client)).toBe(true);
    expect(isUserClientError(provisioning)).toBe(false);
    expect(isProvisioningError(provisioning, 'not_found')).toBe(true);
    expect(isProvisioningError(client)).toBe(false);
    expect(client.toJSON()).toEqual({
      name: 'NoUserDatabaseError',
      code: 'no_database',
      message: client.message,
      userId: 'u1',
      status: null,
    });
  });
});

describe('arguments', () => {
  it('an empty user id is refused before the store is read', async () => {
    const world = createWorld();
    const clients = createUserClients(world);
    const error = await clients.driverFor('').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'UserClientConfigurationError',
      code: 'invalid_configuration',
    });
    expect(isUserClientError(error, 'invalid_configuration')).toBe(true);
    expect(isProvisioningError(error)).toBe(false);
    expect(world.counts.gets).toBe(0);
    await clients.closeAll();
  });
});
