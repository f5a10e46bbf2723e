/**
 * `aura-provisioner/postgres`: the credential store on PostgreSQL. Needs no
 * driver of its own: pass a node-postgres `Pool` (the optional peer `pg`) or
 * any client with `query(text, values)`. The pool is yours, and so is its
 * `'error'` listener: the store never creates a pool. The store keeps the user
 * records and, for the `database-per-user` placement, the host records (a
 * second table, `aura_hosts` by default); `migrate()` creates both, and
 * `createUserDatabasesTableSql`/`createAuraHostsTableSql` print their SQL.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresCredentialStore } from 'aura-provisioner/postgres';
 *
 * const pool = new pg.Pool({ connectionString });
 * // Without a listener, an idle connection the server drops crashes the process.
 * pool.on('error', (error) => console.error('postgres pool', error));
 * const store = new PostgresCredentialStore({ client: pool });
 * ```
 *
 * @module aura-provisioner/postgres
 */
export type { UserDatabaseColumns, UserDatabaseField } from './stores/postgres-columns.js';
export {
  type AuraHostsTableSqlOptions,
  createAuraHostsTableSql,
} from './stores/postgres-host-schema.js';
export {
  createUserDatabasesTableSql,
  type UserDatabasesTableSqlOptions,
} from './stores/postgres-schema.js';
export {
  type PostgresClient,
  PostgresCredentialStore,
  type PostgresCredentialStoreOptions,
  type PostgresQueryResult,
} from './stores/postgres-store.js';
