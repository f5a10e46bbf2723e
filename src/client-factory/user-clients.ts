import type { Config, Driver, EagerResult, QueryConfig, RecordShape } from 'neo4j-driver';
import { systemClock } from '../kernel/clock.js';
import { sharedCacheSettings } from './cache-options.js';
import { callAllowlist } from './call-allowlist.js';
import { ClientCache } from './client-cache.js';
import { checkDatabaseOption } from './database-scope.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { HostDirectory } from './host-directory.js';
import { HostDrivers } from './host-drivers.js';
import { buildHostedDriver } from './hosted-driver.js';
import type { Neo4jQueryClient } from './query-client.js';
import { createUseRecorder } from './use-recorder.js';
import { buildUserDriver, type CreateDriver } from './user-driver.js';
import { createUserQueryClientsWith, type UserQueryClientsOptions } from './user-query-clients.js';

/**
 * Options of `createUserClients` (`aura-provisioner/neo4j`).
 *
 * @example
 * ```ts
 * const options: UserClientsOptions = { store, cipher, maxSize: 500, driverConfig: { maxConnectionPoolSize: 5 } };
 * ```
 */
export interface UserClientsOptions extends UserQueryClientsOptions {
  /**
   * neo4j-driver options; merged over `CLIENT_FACTORY_DEFAULTS.driverConfig`
   * (10 connections per user, ...). A shared host's one driver gets them too.
   */
  driverConfig?: Config;
  /** An evicted driver still in use closes when its last session does, or after this long. Default 5 minutes. */
  closeGraceMs?: number;
  /** Default `neo4j.driver`. */
  createDriver?: CreateDriver;
}

/**
 * A neo4j-driver query result, as `driver.executeQuery` gives it.
 *
 * @example
 * ```ts
 * const { records, summary }: UserQueryResult = await clients.run(userId, 'RETURN 1 AS one');
 * ```
 */
export type UserQueryResult<Shape extends RecordShape = RecordShape> = EagerResult<Shape>;

/**
 * Per-user Neo4j clients, cached. See `createUserClients`.
 *
 * @example
 * ```ts
 * const count = await clients.withDriver(userId, async (driver) => {
 *   const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS n');
 *   return records[0]?.get('n');
 * });
 * ```
 */
export interface UserClients {
  /**
   * The user's driver: from the cache after the first call (no store read).
   * The cache owns it: its `close()` does nothing; sessions you open hold it
   * open until you close them. For a user on a shared host (placement
   * `database-per-user`) it is a facade over the host's one driver, kept to
   * the user's database (`UserDatabaseScopeError` otherwise): `session`,
   * `executeQuery`, the connectivity checks; no `rxSession`, no
   * neo4j-driver 5 `readTransaction`/`writeTransaction`.
   */
  driverFor(userId: string): Promise<Driver>;
  /** Runs `work` with the user's driver, which is not closed until `work` settles. */
  withDriver<R>(userId: string, work: (driver: Driver) => Promise<R> | R): Promise<R>;
  /** One statement for the user in one call, through `driver.executeQuery` (retries transient errors). */
  run<Shape extends RecordShape = RecordShape>(
    userId: string,
    query: string,
    parameters?: Record<string, unknown>,
    config?: Omit<QueryConfig<UserQueryResult<Shape>>, 'resultTransformer'>,
  ): Promise<UserQueryResult<Shape>>;
  /** The user's Query API client (HTTP, `fetch` only), cached likewise. */
  queryClientFor(userId: string): Promise<Neo4jQueryClient>;
  /** Drops the user's clients (closed once unused); the next call reads the store. */
  invalidate(userId: string): Promise<void>;
  /** Closes every driver, waiting up to `graceMs` (default `closeGraceMs`) for sessions still open. */
  closeAll(options?: { graceMs?: number }): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** Users whose driver is cached now (users on a shared host share its one driver). */
  readonly size: number;
}

const UNAUTHORIZED = 'Neo.ClientError.Security.Unauthorized';

/** `createUserClients` with the driver factory given; `aura-provisioner/neo4j` supplies `neo4j.driver`. */
export function createUserClientsWith(
  createDriver: CreateDriver,
  options: UserClientsOptions,
): UserClients {
  const clock = options.clock ?? systemClock;
  // One host directory for both caches, one driver per shared host for all its users.
  const hosts = new HostDirectory(options.store, clock);
  const driverOptions = {
    createDriver: options.createDriver ?? createDriver,
    driverConfig: options.driverConfig,
  };
  const hostDrivers = new HostDrivers(driverOptions);
  const uses = createUseRecorder({ ...options, clock });
  const calls = options.allowedCalls && callAllowlist(options.allowedCalls);
  const drivers = new ClientCache<Driver>({
    ...sharedCacheSettings(options, clock, hosts),
    onUse: uses && ((userId) => uses.note(userId)),
    closeGraceMs: options.closeGraceMs ?? CLIENT_FACTORY_DEFAULTS.closeGraceMs,
    build(connection, password, lease) {
      if (connection.hostName === null) {
        return buildUserDriver(
          { ...connection, databaseName: options.database ?? connection.databaseName },
          password,
          driverOptions,
          lease,
        );
      }
      if (connection.databaseName !== null) {
        checkDatabaseOption(
          { userId: connection.userId, database: connection.databaseName },
          options.database,
        );
      }
      return buildHostedDriver(connection, password, hostDrivers, lease, calls);
    },
  });
  const queryClients = createUserQueryClientsWith({ ...options, clock }, hosts, uses);

  const withDriver = async <R>(userId: string, work: (driver: Driver) => Promise<R> | R) => {
    const { client, release } = await drivers.lease(userId);
    try {
      return await work(client);
    } catch (error) {
      // The password may have changed under us: read the record afresh next time.
      if ((error as { code?: unknown } | null)?.code === UNAUTHORIZED)
        void drivers.invalidate(userId);
      throw error;
    } finally {
      release();
    }
  };
  const closeAll = async (closeOptions: { graceMs?: number } = {}) => {
    await Promise.all([drivers.closeAll(closeOptions.graceMs), queryClients.closeAll()]);
    await uses?.close();
  };

  return {
    driverFor: (userId) => drivers.get(userId),
    withDriver,
    run: (userId, query, parameters, config) =>
      withDriver(userId, (driver) => driver.executeQuery(query, parameters, config)),
    queryClientFor: (userId) => queryClients.queryClientFor(userId),
    async invalidate(userId) {
      await Promise.all([drivers.invalidate(userId), queryClients.invalidate(userId)]);
    },
    closeAll,
    [Symbol.asyncDispose]: () => closeAll(),
    get size() {
      return drivers.size;
    },
  };
}
