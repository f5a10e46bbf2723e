import { type Clock, systemClock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { CredentialStore } from '../records/store.js';
import { type ProvisioningEventSource, sharedCacheSettings } from './cache-options.js';
import { callAllowlist } from './call-allowlist.js';
import { ClientCache } from './client-cache.js';
import {
  checkDatabaseOption,
  checkStatement,
  type DatabaseScope,
  statementText,
} from './database-scope.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { isUserClientError } from './errors.js';
import { HostDirectory } from './host-directory.js';
import type { QueryResult } from './query-answer.js';
import { createQueryClient, type Neo4jQueryClient, type QueryRunOptions } from './query-client.js';
import { queryApiOrigin } from './query-url.js';
import { createUseRecorder, type RecordUseOption, type UseRecorder } from './use-recorder.js';
import { readUserConnection, type UserConnection } from './user-connection.js';
import { readAwake, type WakeOption } from './wake.js';

/**
 * Options of {@link createQueryClientForUser}.
 *
 * @example
 * ```ts
 * const options: QueryClientForUserOptions = { store, cipher, queryTimeoutMs: 10_000 };
 * ```
 */
export interface QueryClientForUserOptions {
  store: CredentialStore;
  cipher: CredentialCipher;
  /**
   * The database to use. Default: the record's; without one, `neo4j` (Aura's
   * name for it) for the Query API, which needs a name in its path, and the
   * user's home database for drivers. For a user on a shared host
   * (placement `database-per-user`) only the user's own database may be
   * named: another gives `UserDatabaseScopeError`.
   */
  database?: string;
  /** The Query API origin for a record's connection URL. Default {@link queryApiOrigin}. */
  queryApiOrigin?: (connectionUrl: string) => string;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  /** Time a Query API request may take, in ms. Default 30 s. */
  queryTimeoutMs?: number;
  /**
   * Wakes a user whose instance the provisioner's `idle` policy paused, on first use: give the
   * provisioner (`{ waker: provisioner }`). The call then throws `UserDatabaseWakingError`
   * (with `retryAfterMs`), or with `wait: true` waits for the instance (bounded by `timeoutMs`,
   * progress through `onProgress`). Without it, a paused user gives `UserDatabaseWakingError`
   * and nothing is woken.
   */
  wake?: WakeOption;
  /**
   * Users on a shared host (placement `database-per-user`) only: the
   * procedures (`CALL x.y`), namespaced functions (`x.y()`) and `LOAD CSV`
   * their statements may use; anything else is refused with
   * `UserDatabaseScopeError` (`call_not_allowed`) before it is sent.
   * Names are case-insensitive; `prefix.*` names a namespace. This list
   * replaces `CLIENT_FACTORY_DEFAULTS.allowedCalls` (the `db.*` schema and
   * index reads, temporal, spatial and vector functions). A procedure that
   * runs Cypher from a string (`apoc.cypher.*`, `apoc.periodic.*`) or
   * reaches the server (`dbms.*`) can leave the user's database: allow one
   * only for code you trust. Users with an instance of their own are not
   * checked.
   *
   * @example
   * ```ts
   * const clients = createUserClients({
   *   store,
   *   cipher,
   *   allowedCalls: [...CLIENT_FACTORY_DEFAULTS.allowedCalls, 'apoc.text.*', 'LOAD CSV'],
   * });
   * ```
   */
  allowedCalls?: readonly string[];
}

/**
 * A Query API client for the user's database: reads the record, decrypts the
 * password, and needs nothing but `fetch`, so it runs where Bolt cannot (edge
 * functions, Bun). Each call reads the store; keep the client for the
 * request, or use {@link createUserQueryClients} to cache one per user.
 * Throws `NoUserDatabaseError`, `UserDatabaseNotReadyError`,
 * `UserDatabaseFailedError` or `UserCredentialsUnreadableError` when there
 * is no usable database.
 *
 * A user on a shared host (placement `database-per-user`; the store must
 * keep host records, else `UserClientConfigurationError`) gets a client of
 * the host with the host's credentials, posting to
 * `/db/<the user's database>/query/v2`, that refuses statements reaching
 * other databases (`UserDatabaseScopeError`). This call lists the hosts
 * once; {@link createUserQueryClients} caches the list for every user.
 *
 * @example
 * ```ts
 * const neo4j = await createQueryClientForUser(userId, { store, cipher });
 * const { rows } = await neo4j.run<{ n: number }>('MATCH (n) RETURN count(n) AS n');
 * ```
 */
export async function createQueryClientForUser(
  userId: string,
  options: QueryClientForUserOptions,
): Promise<Neo4jQueryClient> {
  const { connection, password } = await readAwake(
    userId,
    () => readUserConnection(userId, options.store, options.cipher),
    options.wake,
    options.clock ?? systemClock,
  );
  return queryClientOf(connection, password, options);
}

/**
 * Options of {@link createUserQueryClients}.
 *
 * @example
 * ```ts
 * const options: UserQueryClientsOptions = { store, cipher, maxSize: 1_000, events: provisioner };
 * ```
 */
export interface UserQueryClientsOptions extends QueryClientForUserOptions {
  /** Users whose client stays cached. Default 500. */
  maxSize?: number;
  /** A client unused this long is dropped (ms > 0; `Infinity`: never). Default 10 minutes. */
  idleMs?: number;
  /** How often a cached client's record is re-read in the background. Default 60 s. */
  revalidateMs?: number;
  /** A provisioner (or anything with `subscribe`): its events for a user drop that user's client at once. */
  events?: ProvisioningEventSource;
  /**
   * Tell the store when each user uses their database (`lastUsedAt`, which the provisioner's
   * `idle` policy reads): every client handed out counts as a use. Batched in the background,
   * at most one store write per user per `intervalMs` (default 5 minutes), never in the way of
   * a query. Needs a store with `recordUse` (every shipped store has it). Default off.
   */
  recordUse?: RecordUseOption;
  /** Where the clients' background work reports what went wrong (a failed `recordUse` write). */
  logger?: Logger;
}

/**
 * Query API clients per user, cached. See {@link createUserQueryClients}.
 *
 * @example
 * ```ts
 * await using neo4j = createUserQueryClients({ store, cipher });
 * ```
 */
export interface UserQueryClients {
  /** The user's client; from the cache after the first call. */
  queryClientFor(userId: string): Promise<Neo4jQueryClient>;
  /** Runs one statement for the user. A refused login drops the cached client, so the next call reads the store. */
  run<Row extends Record<string, unknown> = Record<string, unknown>>(
    userId: string,
    statement: string,
    parameters?: Record<string, unknown>,
    options?: QueryRunOptions,
  ): Promise<QueryResult<Row>>;
  /** Drops the user's client; the next call reads the store. */
  invalidate(userId: string): Promise<void>;
  /** Drops every client; later calls throw `UserClientsClosedError`. */
  closeAll(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** Users cached now. */
  readonly size: number;
}

/**
 * Query API clients per user, cached like `createUserClients` caches drivers
 * (LRU with a cap and idle expiry, one store read for concurrent first
 * calls, dropped when the record changes), for apps on the Query API only.
 *
 * @example
 * ```ts
 * const neo4j = createUserQueryClients({ store, cipher, events: provisioner });
 * const { rows } = await neo4j.run(userId, 'MATCH (t:Todo) RETURN t.title AS title');
 * ```
 */
export function createUserQueryClients(options: UserQueryClientsOptions): UserQueryClients {
  return createUserQueryClientsWith(options);
}

/**
 * {@link createUserQueryClients} with a host directory and a use recorder to share
 * (`createUserClients` shares its own).
 */
export function createUserQueryClientsWith(
  options: UserQueryClientsOptions,
  hosts?: HostDirectory,
  sharedUses?: UseRecorder,
): UserQueryClients {
  const clock = options.clock ?? systemClock;
  const uses = sharedUses ?? createUseRecorder({ ...options, clock });
  const cache = new ClientCache<Neo4jQueryClient>({
    ...sharedCacheSettings(options, clock, hosts ?? new HostDirectory(options.store, clock)),
    onUse: uses && ((userId) => uses.note(userId)),
    closeGraceMs: 0,
    // Nothing to close: a query client holds no socket of its own.
    build: (connection, password) => ({
      client: queryClientOf(connection, password, { ...options, clock }),
      close: () => Promise.resolve(),
    }),
  });
  const closeAll = async () => {
    await cache.closeAll(0);
    // A shared recorder is its owner's to close.
    if (!sharedUses) await uses?.close();
  };
  return {
    queryClientFor: (userId) => cache.get(userId),
    async run(userId, statement, parameters, runOptions) {
      const client = await cache.get(userId);
      try {
        return await client.run(statement, parameters, runOptions);
      } catch (error) {
        // The password may have changed under us: read the record afresh next time.
        if (isUserClientError(error, 'unauthorized')) void cache.invalidate(userId);
        throw error;
      }
    },
    invalidate: (userId) => cache.invalidate(userId),
    closeAll,
    [Symbol.asyncDispose]: closeAll,
    get size() {
      return cache.size;
    },
  };
}

/**
 * The Query API client for a connection. For a user on a shared host it
 * posts to `/db/<the user's database>/query/v2` with the host's credentials
 * and checks each statement (`USE` of another graph, administration
 * commands: `UserDatabaseScopeError`); a `database` option naming another
 * database is refused.
 */
export function queryClientOf(
  connection: UserConnection,
  password: string,
  options: Omit<QueryClientForUserOptions, 'store' | 'cipher'>,
): Neo4jQueryClient {
  const hosted = connection.hostName !== null && connection.databaseName !== null;
  const scope: DatabaseScope | undefined = hosted
    ? {
        userId: connection.userId,
        database: connection.databaseName as string,
        calls: options.allowedCalls && callAllowlist(options.allowedCalls),
      }
    : undefined;
  if (scope) checkDatabaseOption(scope, options.database);
  const client = createQueryClient({
    origin: (options.queryApiOrigin ?? queryApiOrigin)(connection.connectionUrl),
    // A hosted user's database is the only one its client may use (checked above).
    database: scope
      ? scope.database
      : (options.database ?? connection.databaseName ?? CLIENT_FACTORY_DEFAULTS.queryDatabase),
    username: connection.username,
    password,
    userId: connection.userId,
    fetch: options.fetch,
    clock: options.clock,
    timeoutMs: options.queryTimeoutMs,
  });
  return scope ? scopedQueryClient(client, scope) : client;
}

/**
 * A client whose `run` refuses statements that leave the user's database
 * (see `DatabaseScope`) and sends the very string it checked. Frozen, and
 * the host's client stays in this closure: nothing on it reaches the host's
 * credentials.
 */
function scopedQueryClient(client: Neo4jQueryClient, scope: DatabaseScope): Neo4jQueryClient {
  const { endpoint, database, username, userId } = client;
  return Object.freeze({
    endpoint,
    database,
    username,
    userId,
    async run(
      statement: unknown,
      parameters?: Record<string, unknown>,
      runOptions?: QueryRunOptions,
    ) {
      const text = statementText(scope, statement);
      checkStatement(scope, text);
      return client.run(text, parameters, runOptions);
    },
    toJSON: () => ({ endpoint, database, username, userId }),
  }) as Neo4jQueryClient;
}
