import type { CredentialCipher } from '../records/cipher.js';
import { isProvisioningError } from '../records/errors.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore } from '../records/store.js';
import {
  NoUserDatabaseError,
  UserClientConfigurationError,
  UserCredentialsUnreadableError,
  UserDatabaseFailedError,
  UserDatabaseNotReadyError,
} from './errors.js';

/** What a client is built from: the connection fields of a ready record (the password still encrypted). */
export interface UserConnection {
  userId: string;
  /** `neo4j+s://<id>.databases.neo4j.io`. */
  connectionUrl: string;
  /** The user name Aura returned at create; never assumed. */
  username: string;
  encryptedPassword: string;
  /** `null`: the user's home database. */
  databaseName: string | null;
  /** The record's version when it was read. */
  version: number;
}

/**
 * The connection of a `ready` record, or the typed error that says why there
 * is none. Pure: `deleting` and no record give {@link NoUserDatabaseError},
 * `pending`/`creating` {@link UserDatabaseNotReadyError}, `failed`
 * {@link UserDatabaseFailedError} (with its reason), a ready record missing
 * its credentials {@link UserCredentialsUnreadableError}.
 */
export function connectionOf(userId: string, record: UserDatabaseRecord | null): UserConnection {
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
  const { connectionUrl, username, encryptedPassword } = record;
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
    databaseName: record.databaseName,
    version: record.version,
  };
}

/** Whether two connections reach the same database with the same credentials. */
export function sameConnection(a: UserConnection, b: UserConnection): boolean {
  return (
    a.connectionUrl === b.connectionUrl &&
    a.username === b.username &&
    a.encryptedPassword === b.encryptedPassword &&
    a.databaseName === b.databaseName
  );
}

/**
 * Reads the user's record and decrypts the password: one store read, one
 * decryption. An empty or non-string user id throws
 * {@link UserClientConfigurationError} before the store is asked. Store errors pass through
 * as they are; a cipher failure
 * becomes {@link UserCredentialsUnreadableError} with the cipher's error as
 * `cause`.
 */
export async function readUserConnection(
  userId: string,
  store: CredentialStore,
  cipher: CredentialCipher,
): Promise<{ connection: UserConnection; password: string }> {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new UserClientConfigurationError('Invalid user id: expected a non-empty string');
  }
  const connection = connectionOf(userId, await store.get(userId));
  return { connection, password: await decryptPassword(connection, cipher) };
}

/** The plaintext password of `connection`; see {@link readUserConnection}. */
export async function decryptPassword(
  connection: UserConnection,
  cipher: CredentialCipher,
): Promise<string> {
  try {
    return await cipher.decrypt(connection.encryptedPassword, connection.userId);
  } catch (cause) {
    // The library's ciphers keep secrets out of their messages. Another cipher's error is neither
    // echoed nor kept as the cause (printing an error prints its cause): only its name is.
    const own = isProvisioningError(cause);
    const name = cause instanceof Error ? cause.name : typeof cause;
    throw new UserCredentialsUnreadableError(
      `The credentials of user ${connection.userId} cannot be decrypted: ${own ? cause.message : `the cipher failed (${name})`}`,
      { userId: connection.userId, cause: own ? cause : undefined },
    );
  }
}
