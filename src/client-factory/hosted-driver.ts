import type { Driver, QueryConfig, Result, Session, SessionConfig } from 'neo4j-driver';
import type { Built, Lease } from './cache-options.js';
import {
  checkDatabaseOption,
  checkStatement,
  type DatabaseScope,
  queryOf,
} from './database-scope.js';
import { UserClientConfigurationError } from './errors.js';
import type { HostDrivers } from './host-drivers.js';
import { hostedResult, hostedSession } from './hosted-session.js';
import type { UserConnection } from './user-connection.js';

type Call = (...args: unknown[]) => unknown;

/** Calls that answer with a database option, checked and pinned to the user's. */
const DATABASE_CALLS = ['verifyConnectivity', 'verifyAuthentication', 'getServerInfo'] as const;
/** Calls that only describe the host's protocol: forwarded as they are. */
const DESCRIBING_CALLS = [
  'supportsMultiDb',
  'supportsTransactionConfig',
  'supportsUserImpersonation',
  'supportsSessionAuth',
  'getNegotiatedProtocolVersion',
  'isEncrypted',
] as const;

/** Options given by the caller, each read once (a getter cannot answer the check and the driver differently). */
const copied = <C extends object>(config: C | undefined): Partial<C> => ({ ...config });

/**
 * A user's client on a shared host: a frozen facade, not the host's driver.
 * `session`, `executeQuery`, `verifyConnectivity`, `verifyAuthentication`,
 * `getServerInfo` and the `supports...` checks; every session and
 * `executeQuery` runs on the user's database and refuses a `database`
 * option or a statement that reaches beyond it (`UserDatabaseScopeError`;
 * see `DatabaseScope`). Sessions, transactions and results are facades too
 * (see `hosted-session.ts`): nothing reachable from the client holds the
 * host driver or its password. It is an `instanceof Driver` (its prototype
 * is the driver's), but the driver's own methods called on it find none of
 * the driver's fields and throw; `rxSession` is refused (its results hold
 * the connection), as are methods the facade does not name.
 *
 * Like a user's own driver, its `close()` does nothing; each open session
 * and running `executeQuery` holds a lease. The returned `close` ends the
 * user's open sessions, then releases the host driver (closed when its last
 * user is released).
 */
export function buildHostedDriver(
  connection: UserConnection,
  password: string,
  hosts: HostDrivers,
  lease: Lease,
  calls?: DatabaseScope['calls'],
): Built<Driver> {
  const database = connection.databaseName;
  if (database === null) {
    throw new UserClientConfigurationError(
      `The record of user ${connection.userId} is on a shared host but names no database`,
      { userId: connection.userId },
    );
  }
  const scope: DatabaseScope = { userId: connection.userId, database, calls };
  const { driver: shared, release } = hosts.acquire(connection, password);
  const open = new Set<Session>();

  const methods: Record<PropertyKey, unknown> = {
    session(config?: SessionConfig) {
      const given = copied(config);
      checkDatabaseOption(scope, given.database);
      const end = lease();
      const session = hostedSession(shared.session({ ...given, database }), scope, () => {
        open.delete(session);
        end();
      });
      open.add(session);
      return session;
    },
    async executeQuery(query: unknown, parameters?: unknown, config?: QueryConfig<unknown>) {
      const given = copied(config);
      checkDatabaseOption(scope, given.database);
      const read = queryOf(scope, query);
      checkStatement(scope, read.text);
      const sent =
        typeof query === 'object' && query !== null ? (read.parameters ?? {}) : parameters;
      const transform = given.resultTransformer as ((result: Result) => unknown) | undefined;
      const end = lease();
      try {
        return await shared.executeQuery(
          read.text,
          sent as Record<string, unknown>,
          {
            ...given,
            database,
            // A transformer gets the driver's Result (its connection, its pool): hand it the facade.
            ...(transform && {
              resultTransformer: (result: Result) => transform(hostedResult(result)),
            }),
          } as QueryConfig<unknown>,
        );
      } finally {
        end();
      }
    },
    rxSession() {
      throw new UserClientConfigurationError(
        'rxSession() is not available to users on a shared host: use session() or executeQuery()',
        { userId: connection.userId },
      );
    },
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  for (const name of DATABASE_CALLS) {
    const call = (shared[name] as Call | undefined)?.bind(shared);
    if (call === undefined) continue;
    methods[name] = async (options?: { database?: string }) => {
      const given = copied(options);
      checkDatabaseOption(scope, given.database);
      return call({ ...given, database });
    };
  }
  for (const name of DESCRIBING_CALLS) {
    const call = (shared[name] as Call | undefined)?.bind(shared);
    if (call !== undefined) methods[name] = () => call();
  }
  // The driver's prototype keeps `instanceof Driver`; its methods find no driver fields on the facade.
  const client = Object.freeze(
    Object.assign(Object.create(Object.getPrototypeOf(shared) as object), methods),
  ) as Driver;

  return {
    client,
    async close() {
      // Closed for good (grace over, or shutdown): this user's sessions end; other users' stay.
      await Promise.allSettled([...open].map((session) => session.close()));
      await release();
    },
  };
}
