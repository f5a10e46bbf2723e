import { hasBrand, UserScopedError } from '../kernel/user-error.js';
import type { ProvisioningStatus } from '../records/record.js';

const BRAND = Symbol.for('aura-provisioner.UserClientError');

/**
 * Every `code` a {@link UserClientError} can carry.
 *
 * @example
 * ```ts
 * const retryLater: UserClientErrorCode[] = ['not_ready', 'transient', 'timeout'];
 * ```
 */
export type UserClientErrorCode =
  | 'no_database'
  | 'not_ready'
  | 'waking'
  | 'provisioning_failed'
  | 'credentials_unreadable'
  | 'closed'
  | 'invalid_configuration'
  | 'database_scope'
  | 'unauthorized'
  | 'query_failed'
  | 'transient'
  | 'connection_failed'
  | 'timeout'
  | 'aborted';

/**
 * Base class of the errors of the per-user clients: why a user has no
 * client yet, and what went wrong with a Query API request. Switch on
 * `code`; match with {@link isUserClientError}. Messages and `toJSON()`
 * never contain a password, a ciphertext or an `Authorization` header.
 *
 * @example
 * ```ts
 * if (error instanceof UserClientError) log.warn(error.code, error.toJSON());
 * ```
 */
export abstract class UserClientError extends UserScopedError<UserClientErrorCode> {
  readonly [BRAND] = true;
}

/**
 * The user has no database: no record, or it is being deleted.
 *
 * @example
 * ```ts
 * if (error instanceof NoUserDatabaseError) await provisioner.provisionUserDatabase(error.userId!);
 * ```
 */
export class NoUserDatabaseError extends UserClientError {
  override readonly name = 'NoUserDatabaseError' as const;
  readonly code = 'no_database' as const;
  /** `deleting` when deprovisioning is under way; `null` when there is no record. */
  readonly status: 'deleting' | null;

  constructor(userId: string, status: 'deleting' | null = null) {
    super(
      status === 'deleting'
        ? `The database of user ${userId} is being deleted`
        : `No database is provisioned for user ${userId}`,
      { userId },
    );
    this.status = status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}

/**
 * The user's database is on its way (`pending` or `creating`): wait, then ask again.
 *
 * @example
 * ```ts
 * if (error instanceof UserDatabaseNotReadyError) await provisioner.waitUntilReady(userId);
 * ```
 */
export class UserDatabaseNotReadyError extends UserClientError {
  override readonly name = 'UserDatabaseNotReadyError' as const;
  readonly code = 'not_ready' as const;
  readonly status: Extract<ProvisioningStatus, 'pending' | 'creating'>;

  constructor(userId: string, status: 'pending' | 'creating') {
    super(
      `The database of user ${userId} is not ready yet (status ${status}); await provisioner.waitUntilReady(userId), then ask again`,
      { userId },
    );
    this.status = status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}

/**
 * The user's instance was paused for lack of use (`paused`) or is waking up (`resuming`): ask
 * again in about `retryAfterMs`. With `wake`, the clients woke it already (or wait for it).
 *
 * @example
 * ```ts
 * if (isUserClientError(error, 'waking')) reply.header('Retry-After', Math.ceil(error.retryAfterMs / 1000));
 * ```
 */
export class UserDatabaseWakingError extends UserClientError {
  override readonly name = 'UserDatabaseWakingError' as const;
  readonly code = 'waking' as const;
  readonly status: Extract<ProvisioningStatus, 'paused' | 'resuming'>;
  /** When to ask again, in ms: Aura takes a few minutes to resume an instance. */
  readonly retryAfterMs: number;

  constructor(userId: string, status: 'paused' | 'resuming', retryAfterMs: number) {
    super(
      `The database of user ${userId} is ${status === 'paused' ? 'paused for lack of use' : 'waking up'}; ask again in ${Math.ceil(retryAfterMs / 1000)} s`,
      { userId },
    );
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, retryAfterMs: this.retryAfterMs };
  }
}

/**
 * Provisioning the user's database failed; `reason` is Aura's or the provisioner's.
 *
 * @example
 * ```ts
 * if (error instanceof UserDatabaseFailedError && !error.retryable) alertOps(error.reason);
 * ```
 */
export class UserDatabaseFailedError extends UserClientError {
  override readonly name = 'UserDatabaseFailedError' as const;
  readonly code = 'provisioning_failed' as const;
  readonly reason: string;
  /** Whether reconcile will try again (the record has a next check). */
  readonly retryable: boolean;

  constructor(userId: string, reason: string, retryable: boolean) {
    super(`Provisioning the database of user ${userId} failed: ${reason}`, { userId });
    this.reason = reason;
    this.retryable = retryable;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, retryable: this.retryable };
  }
}

/**
 * The stored credentials cannot be used: the cipher refused them (unknown
 * or wrong key, tampered ciphertext; `cause` says which), or a ready record
 * lacks them.
 *
 * @example
 * ```ts
 * if (isUserClientError(error, 'credentials_unreadable')) log.error('check the cipher keys', error.toJSON());
 * ```
 */
export class UserCredentialsUnreadableError extends UserClientError {
  override readonly name = 'UserCredentialsUnreadableError' as const;
  readonly code = 'credentials_unreadable' as const;
}

/**
 * The client cache was closed (`closeAll`); it hands out no more clients.
 *
 * @example
 * ```ts
 * await clients.closeAll();
 * await clients.driverFor(userId); // throws UserClientsClosedError
 * ```
 */
export class UserClientsClosedError extends UserClientError {
  override readonly name = 'UserClientsClosedError' as const;
  readonly code = 'closed' as const;

  constructor(userId?: string) {
    super('The per-user client cache is closed', { userId });
  }
}

/**
 * Options or arguments of the per-user clients that cannot work (an empty
 * user id, a `maxSize` of 0, a connection URL with no Query API equivalent).
 * Nothing was read or sent.
 *
 * @example
 * ```ts
 * createUserClients({ store, cipher, maxSize: 0 }); // throws UserClientConfigurationError
 * ```
 */
export class UserClientConfigurationError extends UserClientError {
  override readonly name = 'UserClientConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
}

/**
 * What a {@link UserDatabaseScopeError} refused: a `database` option (of a
 * session, `executeQuery`, `verifyConnectivity`..., or of the factory)
 * naming another database, a Cypher `USE` clause naming another graph, or
 * an administration command (databases, aliases, users, roles, privileges,
 * servers, transactions), a statement the check cannot read for certain (or
 * not a string), or a procedure, function or `LOAD CSV` not in
 * `allowedCalls`.
 *
 * @example
 * ```ts
 * const violation: DatabaseScopeViolation = 'call_not_allowed';
 * ```
 */
export type DatabaseScopeViolation =
  | 'database_option'
  | 'use_clause'
  | 'administration_command'
  | 'unreadable_statement'
  | 'call_not_allowed';

/**
 * A client of a user whose database lives on a shared host (placement
 * `database-per-user`) was asked to reach beyond that database. Nothing was
 * sent to Neo4j. The host's credentials can reach every database on it, so
 * the client keeps each user to their own: see `checkCypherScope` for what
 * is checked (and what is not).
 *
 * `database` is the user's own database; `requested` the other one named,
 * or the procedure or function called (`null` for an administration
 * command, an unreadable statement or a graph reference that is not a plain
 * name). The statement itself is never repeated: `reason` says what in it
 * was refused (`a \u escape in a comment`, `GRANT`).
 *
 * @example
 * ```ts
 * if (isUserClientError(error, 'database_scope')) return new Response('Forbidden', { status: 403 });
 * ```
 */
export class UserDatabaseScopeError extends UserClientError {
  override readonly name = 'UserDatabaseScopeError' as const;
  readonly code = 'database_scope' as const;
  readonly database: string;
  readonly requested: string | null;
  readonly violation: DatabaseScopeViolation;
  readonly reason: string | null;

  constructor(
    userId: string | undefined,
    database: string,
    violation: DatabaseScopeViolation,
    requested: string | null = null,
    reason: string | null = null,
  ) {
    const shown = requested === null ? null : printable(requested);
    const what = {
      database_option: `the database option names ${shown === null ? 'another database' : `"${shown}"`}`,
      use_clause: `a USE clause names ${shown === null ? 'another graph' : `"${shown}"`}`,
      administration_command:
        'the statement is an administration command (databases, aliases, users, roles, privileges, servers or transactions)',
      unreadable_statement: `the statement cannot be read for certain${reason === null ? '' : ` (${printable(reason)})`}`,
      call_not_allowed: `the statement calls ${shown === null ? 'a procedure' : `"${shown}"`}, which allowedCalls does not name`,
    }[violation];
    super(
      `Refused${userId === undefined ? '' : ` for user ${userId}`}: ${what}; this client reaches database "${database}" only`,
      { userId },
    );
    this.database = database;
    this.requested = shown;
    this.violation = violation;
    this.reason = reason === null ? null : printable(reason);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      database: this.database,
      requested: this.requested,
      violation: this.violation,
      reason: this.reason,
    };
  }
}

/** A name as an error shows it: control characters escaped, at most 100 characters. */
function printable(name: string): string {
  let escaped = '';
  for (const c of name) {
    const code = c.charCodeAt(0);
    escaped += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return escaped.length > 100 ? `${escaped.slice(0, 99)}…` : escaped;
}

/**
 * Tells whether `error` is a {@link UserClientError}, optionally of one
 * `code`. Works across bundles (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * try {
 *   await clients.run(userId, 'MATCH (n) RETURN count(n) AS n');
 * } catch (error) {
 *   if (isUserClientError(error, 'not_ready')) return new Response('Almost there', { status: 503 });
 *   throw error;
 * }
 * ```
 */
export function isUserClientError<C extends UserClientErrorCode>(
  error: unknown,
  code?: C,
): error is UserClientError & { code: C } {
  return hasBrand(error, BRAND, code);
}
