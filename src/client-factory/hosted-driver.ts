import type { AuthToken, Config, Driver, QueryConfig, Session, SessionConfig } from 'neo4j-driver';
import type { Built, Lease } from './cache-options.js';
import { checkCypherScope, checkDatabaseOption, type DatabaseScope } from './database-scope.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { UserClientConfigurationError } from './errors.js';
import type { UserConnection } from './user-connection.js';
import type { CreateDriver } from './user-driver.js';

interface HostDriver {
  driver: Driver;
  /** User clients built on it and not closed yet. */
  users: number;
}

/**
 * The drivers of shared hosts (placement `database-per-user`): one per host
 * connection (URL, user name, encrypted password), however many of its
 * users have a client. Each user client holds one reference; the driver
 * closes when the last is released (the user clients leave the cache when
 * evicted, idle, invalidated or at `closeAll`). A host whose password
 * changes gets a new driver; the old one closes with its last user client.
 */
export class HostDrivers {
  readonly #drivers = new Map<string, HostDriver>();
  readonly #createDriver: CreateDriver;
  readonly #driverConfig: Config | undefined;

  constructor(options: { createDriver: CreateDriver; driverConfig?: Config | undefined }) {
    this.#createDriver = options.createDriver;
    this.#driverConfig = options.driverConfig;
  }

  /** Host drivers open now. */
  get size(): number {
    return this.#drivers.size;
  }

  /** The host's driver, made on first use, with a reference taken; call `release` once when done. */
  acquire(
    connection: UserConnection,
    password: string,
  ): { driver: Driver; release: () => Promise<void> } {
    const key = JSON.stringify([
      connection.connectionUrl,
      connection.username,
      connection.encryptedPassword,
    ]);
    let shared = this.#drivers.get(key);
    if (shared === undefined) {
      const authToken: AuthToken = {
        scheme: 'basic',
        principal: connection.username,
        credentials: password,
      };
      const driver = this.#createDriver(connection.connectionUrl, authToken, {
        ...CLIENT_FACTORY_DEFAULTS.driverConfig,
        ...this.#driverConfig,
      });
      shared = { driver, users: 0 };
      this.#drivers.set(key, shared);
    }
    shared.users++;
    const host = shared;
    let released = false;
    return {
      driver: host.driver,
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        host.users--;
        if (host.users > 0) return Promise.resolve();
        if (this.#drivers.get(key) === host) this.#drivers.delete(key);
        return host.driver.close();
      },
    };
  }
}

type Query = Parameters<Driver['executeQuery']>[0];

/** Checks every statement given to `run` before it is sent. */
function checkedRun<T extends { run: (query: never, ...rest: never[]) => unknown }>(
  target: T,
  scope: DatabaseScope,
): T['run'] {
  const run = target.run.bind(target) as (query: unknown, ...rest: unknown[]) => unknown;
  return ((query: unknown, ...rest: unknown[]) => {
    checkCypherScope(scope, query);
    return run(query, ...rest);
  }) as T['run'];
}

/** Sets `run` on a transaction (not enumerable: neo4j-driver copies a transaction's own fields). */
function scopeTransaction<T extends { run: (query: never, ...rest: never[]) => unknown }>(
  tx: T,
  scope: DatabaseScope,
): T {
  Object.defineProperty(tx, 'run', {
    value: checkedRun(tx, scope),
    configurable: true,
    writable: true,
  });
  return tx;
}

type Work = (tx: { run: (query: never, ...rest: never[]) => unknown }) => unknown;

/** `executeRead`/`executeWrite` whose work gets a transaction that checks its statements. */
function checkedWork<S extends object>(
  session: S,
  name: 'executeRead' | 'executeWrite',
  scope: DatabaseScope,
) {
  const execute = (
    session as unknown as Record<string, (work: Work, ...rest: unknown[]) => unknown>
  )[name]?.bind(session);
  if (execute === undefined) return undefined;
  return (work: Work, ...rest: unknown[]) =>
    execute((tx) => work(scopeTransaction(tx, scope)), ...rest);
}

/**
 * A session of the shared driver, kept to the user's database: `run`,
 * `beginTransaction` (used at once or awaited) and the transactions of
 * `executeRead`/`executeWrite` check each statement.
 */
function scopeSession(session: Session, scope: DatabaseScope): Session {
  const begin = session.beginTransaction.bind(session);
  const read = checkedWork(session, 'executeRead', scope);
  const write = checkedWork(session, 'executeWrite', scope);
  Object.assign(session, {
    run: checkedRun(session, scope),
    beginTransaction(...args: Parameters<Session['beginTransaction']>) {
      const pending = begin(...args);
      const then = pending.then.bind(pending);
      scopeTransaction(pending, scope);
      Object.defineProperty(pending, 'then', {
        configurable: true,
        writable: true,
        value: (onFulfilled?: (tx: never) => unknown, onRejected?: (error: unknown) => unknown) =>
          then(
            onFulfilled &&
              ((tx: Parameters<NonNullable<Parameters<typeof then>[0]>>[0]) =>
                onFulfilled(scopeTransaction(tx, scope) as never)),
            onRejected,
          ),
      });
      return pending;
    },
    ...(read && { executeRead: read }),
    ...(write && { executeWrite: write }),
  });
  return session;
}

/** Calls that neo4j-driver's `Driver` answers with a database option, checked and pinned here. */
const DATABASE_CALLS = ['verifyConnectivity', 'verifyAuthentication', 'getServerInfo'] as const;

/**
 * A user's client on a shared host: a view of the host's driver that opens
 * every session, `executeQuery` and `rxSession` on the user's database and
 * refuses a `database` option or a statement that reaches beyond it
 * (`UserDatabaseScopeError`; see `DatabaseScope` for the rule). It is an
 * `instanceof Driver`; other methods are the host driver's. Like a user's
 * own driver, its `close()` does nothing; each open session and running
 * `executeQuery` holds a lease. `rxSession().beginTransaction()` is refused
 * (use `executeRead`/`executeWrite`, which are checked).
 *
 * The returned `close` ends the user's open sessions, then releases the
 * host driver (closed when its last user is released).
 */
export function buildHostedDriver(
  connection: UserConnection,
  password: string,
  hosts: HostDrivers,
  lease: Lease,
): Built<Driver> {
  const database = connection.databaseName;
  if (database === null) {
    throw new UserClientConfigurationError(
      `The record of user ${connection.userId} is on a shared host but names no database`,
      { userId: connection.userId },
    );
  }
  const scope: DatabaseScope = { userId: connection.userId, database };
  const { driver: shared, release } = hosts.acquire(connection, password);
  const open = new Set<Session>();

  const overrides: Record<PropertyKey, unknown> = {
    session(config: SessionConfig = {}) {
      checkDatabaseOption(scope, config.database);
      const session = scopeSession(shared.session({ ...config, database }), scope);
      const end = lease();
      open.add(session);
      const closeSession = session.close.bind(session);
      session.close = () =>
        closeSession().finally(() => {
          open.delete(session);
          end();
        });
      return session;
    },
    async executeQuery(
      query: Query,
      parameters?: unknown,
      config: QueryConfig<unknown> = {},
      rules?: Parameters<Driver['executeQuery']>[3],
    ) {
      checkDatabaseOption(scope, config.database);
      checkCypherScope(scope, query);
      const end = lease();
      try {
        return await shared.executeQuery(query, parameters, { ...config, database }, rules);
      } finally {
        end();
      }
    },
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  if (typeof shared.rxSession === 'function') {
    overrides.rxSession = (config: SessionConfig = {}) => {
      checkDatabaseOption(scope, config.database);
      const rx = shared.rxSession({ ...config, database });
      const read = checkedWork(rx, 'executeRead', scope);
      const write = checkedWork(rx, 'executeWrite', scope);
      return Object.assign(rx, {
        run: checkedRun(rx, scope),
        beginTransaction() {
          throw new UserClientConfigurationError(
            'rxSession().beginTransaction() is not available to users on a shared host: use executeRead or executeWrite',
            { userId: connection.userId },
          );
        },
        ...(read && { executeRead: read }),
        ...(write && { executeWrite: write }),
      });
    };
  }
  for (const name of DATABASE_CALLS) {
    const call = (shared[name] as ((options?: object) => Promise<unknown>) | undefined)?.bind(
      shared,
    );
    if (call === undefined) continue;
    overrides[name] = async (options: { database?: string } = {}) => {
      checkDatabaseOption(scope, options.database);
      return call({ ...options, database });
    };
  }

  const bound = new Map<PropertyKey, unknown>();
  const client = new Proxy(shared, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Bound to the shared driver: its methods must see (and fill in) its own fields.
      let method = bound.get(property);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(property, method);
      }
      return method;
    },
    // The shared driver serves other users: a user's client cannot change it.
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });

  return {
    client,
    async close() {
      // Closed for good (grace over, or shutdown): this user's sessions end; other users' stay.
      await Promise.allSettled([...open].map((session) => session.close()));
      await release();
    },
  };
}
