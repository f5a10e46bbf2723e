/**
 * `aura-provisioner/postgres`: the credential store on PostgreSQL. Needs no
 * driver of its own: pass a node-postgres `Pool` (the optional peer `pg`) or
 * any client with `query(text, values)`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresCredentialStore } from 'aura-provisioner/postgres';
 *
 * const store = new PostgresCredentialStore({ client: new pg.Pool({ connectionString }) });
 * ```
 */
export type { UserDatabaseColumns, UserDatabaseField } from './provisioning/postgres-columns.js';
export {
  createUserDatabasesTableSql,
  type UserDatabasesTableSqlOptions,
} from './provisioning/postgres-schema.js';
export {
  type PostgresClient,
  PostgresCredentialStore,
  type PostgresCredentialStoreOptions,
  type PostgresQueryResult,
} from './provisioning/postgres-store.js';
