import type { AuthToken, Config, Driver, QueryConfig, SessionConfig } from 'neo4j-driver';
import type { Built, Lease } from './cache-options.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import type { UserConnection } from './user-connection.js';

/**
 * Makes a neo4j-driver `Driver`; `neo4j.driver` by default. Inject one to
 * instrument drivers or to use your own copy of neo4j-driver.
 *
 * @example
 * ```ts
 * import neo4j from 'neo4j-driver';
 * const createDriver: CreateDriver = (url, authToken, config) => neo4j.driver(url, authToken, config);
 * ```
 */
export type CreateDriver = (url: string, authToken: AuthToken, config: Config) => Driver;

/**
 * The user's driver: the record's URL, the user name Aura returned, the
 * password, the driver defaults for small pools under `driverConfig`. When
 * the record names a database, `session()`, `executeQuery()` and
 * `rxSession()` use it unless the caller names another (neo4j-driver has
 * no driver-wide database; without one the server's home database applies).
 *
 * The cache owns the driver: each open `session()` and running
 * `executeQuery()` holds a lease, so eviction waits for them (an
 * `rxSession()` holds none: use `withDriver` around reactive work), and the
 * driver's own `close()`
 * and `Symbol.asyncDispose` do nothing (a request that closes "its" driver
 * must not break the next one). The returned `close` really closes it.
 */
export function buildUserDriver(
  connection: UserConnection,
  password: string,
  options: { createDriver: CreateDriver; driverConfig?: Config | undefined },
  lease: Lease,
): Built<Driver> {
  const authToken: AuthToken = {
    scheme: 'basic',
    principal: connection.username,
    credentials: password,
  };
  const driver = options.createDriver(connection.connectionUrl, authToken, {
    ...CLIENT_FACTORY_DEFAULTS.driverConfig,
    ...options.driverConfig,
  });
  const database = connection.databaseName ?? undefined;
  const withDatabase = <C extends { database?: string | undefined }>(config: C): C =>
    database === undefined || config.database !== undefined ? config : { ...config, database };

  const close = driver.close.bind(driver);
  const openSession = driver.session.bind(driver);
  const executeQuery = driver.executeQuery.bind(driver);
  const openRxSession = driver.rxSession?.bind(driver);
  Object.assign(driver, {
    session(config: SessionConfig = {}) {
      const session = openSession(withDatabase(config));
      const release = lease();
      const closeSession = session.close.bind(session);
      // `Symbol.asyncDispose` of a session calls `this.close()`, so `await using` ends the lease too.
      session.close = () => closeSession().finally(release);
      return session;
    },
    executeQuery(
      query: Parameters<Driver['executeQuery']>[0],
      parameters?: unknown,
      config: QueryConfig<unknown> = {},
      rules?: Parameters<Driver['executeQuery']>[3],
    ) {
      const release = lease();
      return executeQuery(query, parameters, withDatabase(config), rules).finally(release);
    },
    ...(openRxSession && {
      rxSession: (config: SessionConfig = {}) => openRxSession(withDatabase(config)),
    }),
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  });
  return { client: driver, close };
}
