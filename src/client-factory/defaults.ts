/**
 * Defaults of the per-user clients, declared once. `maxSize`, `idleMs` and
 * `revalidateMs` are options of `createUserClients` and
 * `createUserQueryClients`; `closeGraceMs` and `driverConfig` of
 * `createUserClients`; `queryTimeoutMs` is the default of the option of that
 * name (`createUserClients`, `createUserQueryClients`,
 * `createQueryClientForUser`) and of `createQueryClient`'s `timeoutMs`;
 * `queryDatabase` is used when neither the `database` option nor the record
 * names one.
 *
 * @example
 * ```ts
 * const clients = createUserClients({ store, cipher, maxSize: CLIENT_FACTORY_DEFAULTS.maxSize * 2 });
 * ```
 */
export const CLIENT_FACTORY_DEFAULTS = {
  /** The retry hint of `UserDatabaseWakingError` while Aura resumes a paused instance: 60 s. */
  wakeRetryAfterMs: 60_000,
  /** How long a client waits for a paused user's instance with `wake: { wait: true }`: 10 minutes. */
  wakeTimeoutMs: 600_000,
  /** How often a waiting client reports its progress (`wake.onProgress`): 15 s. */
  wakeProgressMs: 15_000,
  /** Users whose client stays cached; the least recently used is closed beyond it. */
  maxSize: 500,
  /** A client unused this long is closed (its pool's sockets with it). */
  idleMs: 10 * 60_000,
  /**
   * How often a cached client's record is read again (in the background; the
   * caller is not held up) to notice credentials or a status changed by
   * another process. Events from a provisioner in this process act at once.
   */
  revalidateMs: 60_000,
  /**
   * An evicted driver with sessions still open is closed when the last one
   * closes, or after this long at the latest (a session the app never closes
   * must not keep a pool alive forever).
   */
  closeGraceMs: 5 * 60_000,
  /**
   * neo4j-driver options for many small per-user pools (the driver's own
   * defaults suit one big shared pool: 100 connections, 60 s to acquire one).
   * Anything in `driverConfig` overrides these.
   */
  driverConfig: {
    maxConnectionPoolSize: 10,
    connectionAcquisitionTimeout: 20_000,
    connectionTimeout: 10_000,
    maxTransactionRetryTime: 15_000,
  },
  /** Query API: the time one request may take, answer body included. */
  queryTimeoutMs: 30_000,
  /**
   * Query API: the database when the record names none. The Query API needs
   * a name in its path and has no "home database" alias; Aura names the
   * database of every instance `neo4j`.
   */
  queryDatabase: 'neo4j',
  /**
   * Users on shared hosts (placement `database-per-user`): one read of the
   * host records serves every user's lookup for this long (a host's new
   * password is seen within it, then within `revalidateMs` by cached clients).
   */
  hostListMs: 5_000,
  /**
   * Users on shared hosts: the procedures and namespaced functions their
   * statements may call (the `allowedCalls` option replaces this list):
   * reads of the user's own schema and indexes, and the built-in temporal,
   * spatial and vector functions. Not `dbms.*` (the server's users,
   * databases and transactions), not `apoc.*` (some of it runs Cypher from
   * a string, against any database), not `LOAD CSV` (any file or URL the
   * server reaches).
   */
  allowedCalls: [
    'db.labels',
    'db.relationshipTypes',
    'db.propertyKeys',
    'db.schema.*',
    'db.index.*',
    'db.awaitIndex',
    'db.awaitIndexes',
    'db.info',
    'db.ping',
    'db.nameFromElementId',
    'point.*',
    'date.*',
    'datetime.*',
    'localdatetime.*',
    'time.*',
    'localtime.*',
    'duration.*',
    'vector.*',
  ],
} as const;
