import { systemClock } from '../kernel/clock.js';
import type { CredentialCipher } from '../records/cipher.js';
import { isProvisioningError } from '../records/errors.js';
import { hostCipherContext } from '../records/host-record.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore } from '../records/store.js';
import {
  NoUserDatabaseError,
  UserClientConfigurationError,
  UserCredentialsUnreadableError,
  UserDatabaseFailedError,
  UserDatabaseNotReadyError,
} from './errors.js';
import { HostDirectory } from './host-directory.js';

/**
 * What a client is built from: the connection fields of a ready record (the
 * password still encrypted). For a user on a shared host (placement
 * `database-per-user`), the URL, user name and password are the host's and
 * `hostName` names it.
 */
export interface UserConnection {
  userId: string;
  /** `neo4j+s://<id>.databases.neo4j.io`. */
  connectionUrl: string;
  /** The user name Aura returned at create; never assumed. */
  username: string;
  encryptedPassword: string;
  /** `null`: the user's home database. Always set for a user on a shared host. */
  databaseName: string | null;
  /** The record's version when it was read. */
  version: number;
  /**
   * The shared host the user's database is on (its password is encrypted
   * with the host name as context), or `null`: the user's own instance.
   */
  hostName: string | null;
}

/**
 * A `ready` record, or the typed error that says why there is none. Pure:
 * `deleting` and no record give {@link NoUserDatabaseError},
 * `pending`/`creating` {@link UserDatabaseNotReadyError}, `failed`
 * {@link UserDatabaseFailedError} (with its reason).
 */
function readyRecord(userId: string, record: UserDatabaseRecord | null): UserDatabaseRecord {
  if (record === null) throw new NoUserDatabaseError(userId);
  switch (record.status) {
    case 'deleting':
      throw new NoUserDatabaseError(userId, 'deleting');
    case 'pending':
    case 'creating':
      throw new UserDatabaseNotReadyError(userId, record.status);
    case 'failed':
      throw new UserDatabaseFailedError(
        userId,
        record.lastError ?? 'unknown',
        record.nextCheckAt !== null,
      );
  }
  return record;
}

/**
 * The connection of a `ready` record on the user's own instance, or the
 * typed error that says why there is none. Pure: `deleting` and no record
 * give {@link NoUserDatabaseError}, `pending`/`creating`
 * {@link UserDatabaseNotReadyError}, `failed` {@link UserDatabaseFailedError}
 * (with its reason), a ready record missing its credentials
 * {@link UserCredentialsUnreadableError}. A record on a shared host needs
 * its host: see {@link resolveConnection}.
 */
export function connectionOf(userId: string, record: UserDatabaseRecord | null): UserConnection {
  const ready = readyRecord(userId, record);
  const { connectionUrl, username, encryptedPassword } = ready;
  if (!connectionUrl || !username || !encryptedPassword) {
    const missing = Object.entries({ connectionUrl, username, encryptedPassword })
      .filter(([, value]) => !value)
      .map(([field]) => field);
    throw new UserCredentialsUnreadableError(
      `The database of user ${userId} is ready but its record lacks ${missing.join(', ')}`,
      { userId },
    );
  }
  return {
    userId,
    connectionUrl,
    username,
    encryptedPassword,
    databaseName: ready.databaseName,
    version: ready.version,
    hostName: null,
  };
}

/**
 * The connection of a record, as {@link connectionOf} gives it, except that
 * a ready record on a shared host (placement `database-per-user`: an
 * instance id, a database name, no password of its own) takes the connection URL, user
 * name and encrypted password of its host, found by instance id in
 * `hosts`. A store that keeps no host records gives
 * {@link UserClientConfigurationError}; a host it does not have, or one
 * without credentials, {@link UserCredentialsUnreadableError}.
 */
export async function resolveConnection(
  userId: string,
  record: UserDatabaseRecord | null,
  hosts: HostDirectory,
): Promise<UserConnection> {
  const ready = readyRecord(userId, record);
  if (ready.placement !== 'database-per-user') return connectionOf(userId, ready);
  const instanceId = ready.instanceId as string;
  const host = await hosts.find(userId, instanceId);
  return {
    userId,
    connectionUrl: host.connectionUrl as string,
    username: host.username as string,
    encryptedPassword: host.encryptedPassword as string,
    databaseName: ready.databaseName,
    version: ready.version,
    hostName: host.hostName,
  };
}

/** Whether two connections reach the same database with the same credentials. */
export function sameConnection(a: UserConnection, b: UserConnection): boolean {
  return (
    a.connectionUrl === b.connectionUrl &&
    a.username === b.username &&
    a.encryptedPassword === b.encryptedPassword &&
    a.databaseName === b.databaseName &&
    a.hostName === b.hostName
  );
}

/**
 * Reads the user's record and decrypts the password: one store read, one
 * decryption (for a user on a shared host, of the host's password, its
 * host found in `hosts`, which reads the host records at most every few
 * seconds; without `hosts`, a directory for this one call). An empty or
 * non-string user id throws {@link UserClientConfigurationError} before
 * the store is asked. Store errors pass through as they are; a cipher
 * failure becomes {@link UserCredentialsUnreadableError} with the cipher's
 * error as `cause`.
 */
export async function readUserConnection(
  userId: string,
  store: CredentialStore,
  cipher: CredentialCipher,
  hosts: HostDirectory = new HostDirectory(store, systemClock),
): Promise<{ connection: UserConnection; password: string }> {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new UserClientConfigurationError('Invalid user id: expected a non-empty string');
  }
  const connection = await resolveConnection(userId, await store.get(userId), hosts);
  return { connection, password: await decryptPassword(connection, cipher) };
}

/**
 * The plaintext password of `connection`; see {@link readUserConnection}.
 * A user's own password is decrypted with the user id as context, a host's
 * with `hostCipherContext(hostName)` (as the provisioner encrypted it).
 */
export async function decryptPassword(
  connection: UserConnection,
  cipher: CredentialCipher,
): Promise<string> {
  const { hostName } = connection;
  try {
    const context = hostName ? hostCipherContext(hostName) : connection.userId;
    return await cipher.decrypt(connection.encryptedPassword, context);
  } catch (cause) {
    // The library's ciphers keep secrets out of their messages. Another cipher's error is neither
    // echoed nor kept as the cause (printing an error prints its cause): only its name is.
    const own = isProvisioningError(cause);
    const name = cause instanceof Error ? cause.name : typeof cause;
    const whose = hostName === null ? '' : ` (those of host ${hostName})`;
    throw new UserCredentialsUnreadableError(
      `The credentials of user ${connection.userId}${whose} cannot be decrypted: ${own ? cause.message : `the cipher failed (${name})`}`,
      { userId: connection.userId, cause: own ? cause : undefined },
    );
  }
}
