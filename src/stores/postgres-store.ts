import { type Clock, systemClock } from '../kernel/clock.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import type {
  HostClaimResult,
  HostPatch,
  HostRecord,
  HostStore,
  NewHostRecord,
} from '../records/host-record.js';
import type {
  NewUserDatabaseRecord,
  UserDatabasePatch,
  UserDatabaseRecord,
} from '../records/record.js';
import type {
  ClaimResult,
  CredentialStore,
  DatabaseUse,
  ListQuery,
  RecordPage,
} from '../records/store.js';
import { insertOrRead } from './claim-loop.js';
import {
  POSTGRES_STORE_DEFAULTS,
  parseTableName,
  type ResolvedColumns,
  resolveColumns,
  type TableName,
  type UserDatabaseColumns,
  type UserDatabaseField,
} from './postgres-columns.js';
import { parseRow, storeFailure } from './postgres-failure.js';
import { hostsTableOf, hostsTableStatements } from './postgres-host-schema.js';
import { PostgresHostTable } from './postgres-hosts.js';
import { listPage, listStatement } from './postgres-list.js';
import { compareAndSetUpdate, firstRowValues, insertIfAbsentSql } from './postgres-row.js';
import { userDatabasesTableStatements } from './postgres-schema.js';
import {
  checkUserId,
  checkUses,
  checkVersion,
  isDatabaseClash,
  PATCHABLE_FIELDS,
} from './store-arguments.js';

/** What a query answers: the rows (keyed by column name), and optionally their count. */
export interface PostgresQueryResult {
  rows: Record<string, unknown>[];
  rowCount?: number | null;
}

/**
 * Anything that runs one parameterised statement (`$1`, `$2`, ...) and
 * answers its rows. A node-postgres `Pool` or `Client` fits as it is.
 *
 * @example
 * ```ts
 * // postgres.js
 * import postgres from 'postgres';
 * const sql = postgres(process.env.DATABASE_URL);
 * const client: PostgresClient = {
 *   query: async (text, values = []) => ({ rows: await sql.unsafe(text, values as never[]) }),
 * };
 * ```
 */
export interface PostgresClient {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/**
 * Options of {@link PostgresCredentialStore}.
 *
 * @example
 * ```ts
 * // Keep an existing table: its own names where they differ from the defaults.
 * const options: PostgresCredentialStoreOptions = {
 *   client: pool,
 *   table: 'public.user_databases',
 *   columns: { instanceId: 'aura_instance_id' },
 * };
 * ```
 */
export interface PostgresCredentialStoreOptions {
  /** Runs the statements. Prefer a pool: claims and updates are single statements. */
  client: PostgresClient;
  /** `table` or `schema.table`; letters, digits and underscores. Default `user_databases`. */
  table?: string;
  /**
   * The table of the host records (`database-per-user` placement), `table` or
   * `schema.table`. Default `aura_hosts`, in the schema of `table`
   * (`app.user_databases` -> `app.aura_hosts`). Two stores that share it
   * share their hosts. Its columns are fixed: `columns` maps the user table only.
   */
  hostsTable?: string;
  /** The source of every timestamp written (never the database's `now()`). Default: system time. */
  clock?: Clock;
  /** Column names for an existing table, e.g. `{ instanceId: 'aura_instance_id' }`. */
  columns?: UserDatabaseColumns;
}

/**
 * A {@link CredentialStore} on PostgreSQL, for apps that talk SQL directly.
 * `claim` is one `INSERT ... ON CONFLICT DO NOTHING`, `update` one
 * compare-and-set `UPDATE ... WHERE version = $2`, so any number of processes
 * can share the table. Every value travels as a parameter.
 *
 * It is also a {@link HostStore}: the shared instances of the
 * `database-per-user` placement live in a second table (`hostsTable`,
 * default `aura_hosts` beside the user table; columns `host_name`, `status`,
 * `version`, `instance_id`, `connection_url`, `username`,
 * `encrypted_password`, `capacity`, `used`, `attempts`, `last_error` and the
 * times), kept by the same statements: `claimHost` an insert-if-absent,
 * `updateHost` a compare-and-set on `version`, `listHosts` ordered by
 * `host_name`. `migrate()` creates both tables.
 *
 * The store never creates a pool: the one you pass is yours, and so is its
 * `'error'` listener.
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
 * await store.migrate(); // create tables if not exist: user_databases, aura_hosts
 * ```
 */
export class PostgresCredentialStore implements CredentialStore, HostStore {
  readonly #client: PostgresClient;
  readonly #clock: Clock;
  readonly #table: TableName;
  readonly #columns: ResolvedColumns;
  readonly #hostsTable: TableName;
  readonly #hosts: PostgresHostTable;
  #deploymentKey: Promise<string | undefined> | undefined;

  constructor(options: PostgresCredentialStoreOptions) {
    if (typeof options?.client?.query !== 'function') {
      throw new ProvisioningConfigurationError('client must have a query(text, values) method');
    }
    this.#client = options.client;
    this.#clock = options.clock ?? systemClock;
    const table = options.table ?? POSTGRES_STORE_DEFAULTS.table;
    this.#table = parseTableName(table);
    this.#columns = resolveColumns(options.columns);
    this.#hostsTable = hostsTableOf(table, options.hostsTable);
    this.#hosts = new PostgresHostTable(this.#hostsTable, this.#clock, (operation, ...rest) =>
      this.#query(operation, undefined, ...rest),
    );
  }

  /**
   * Creates the user table and its index, and the hosts table, where they do
   * not exist (plain Postgres DDL, no RLS). On an existing install it only
   * adds what is missing: a user table of an earlier release gets its
   * `placement` column, filled in once for the rows it already has (a row on a
   * shared host, with an instance id and a database name and no password of
   * its own, is `database-per-user`; every other `instance-per-user`). No
   * other column or row is changed.
   */
  async migrate(): Promise<void> {
    const statements = [
      ...userDatabasesTableStatements(this.#table, this.#columns),
      ...hostsTableStatements(this.#hostsTable),
    ];
    for (const statement of statements) {
      await this.#query('migrate', undefined, statement, []);
    }
  }

  async get(userId: string): Promise<UserDatabaseRecord | null> {
    checkUserId(userId);
    return this.#select('get', userId);
  }

  /** See {@link CredentialStore.claim}: `insert ... on conflict (user_id) do nothing`, then a read. */
  async claim(record: NewUserDatabaseRecord): Promise<ClaimResult> {
    checkUserId(record?.userId);
    const now = this.#clock.now();
    const values = firstRowValues(this.#columns, record, now);
    const insert = insertIfAbsentSql(this.#table, this.#columns, 'userId');
    const secrets = [record.encryptedPassword, record.connectionUrl];
    const { userId } = record;
    return insertOrRead(
      {
        operation: 'claim',
        userId,
        what: 'record',
        attempts: POSTGRES_STORE_DEFAULTS.claimAttempts,
      },
      async () => {
        const [row] = await this.#query('claim', userId, insert, values, secrets);
        return row === undefined ? undefined : this.#parse('claim', userId, row);
      },
      () => this.#select('claim', userId),
    );
  }

  /**
   * See {@link CredentialStore.update}: one `update ... where user_id = $1 and version = $2`.
   * A database id another record holds on the same instance (the unique index `migrate()`
   * makes) answers `null`, the record unchanged.
   */
  async update(
    userId: string,
    expectedVersion: number,
    patch: UserDatabasePatch,
  ): Promise<UserDatabaseRecord | null> {
    checkUserId(userId);
    checkVersion(expectedVersion);
    const { text, values } = compareAndSetUpdate(
      this.#table,
      this.#columns,
      { key: 'userId', value: userId, expectedVersion },
      patch,
      PATCHABLE_FIELDS,
      this.#clock.now(),
    );
    let rows: Record<string, unknown>[];
    try {
      rows = await this.#query('update', userId, text, values, [
        patch?.encryptedPassword,
        patch?.connectionUrl,
      ]);
    } catch (error) {
      // Another record holds the database (the unique index): not applied, as a lost race.
      if (isDatabaseClash(error, patch)) return null;
      throw error;
    }
    return rows[0] === undefined ? null : this.#parse('update', userId, rows[0]);
  }

  async delete(userId: string, expectedVersion?: number): Promise<boolean> {
    checkUserId(userId);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const versionCheck = expectedVersion === undefined ? '' : ` and ${this.#q('version')} = $2`;
    const rows = await this.#query(
      'delete',
      userId,
      `delete from ${this.#table.qualified} where ${this.#q('userId')} = $1${versionCheck} returning ${this.#q('userId')}`,
      expectedVersion === undefined ? [userId] : [userId, expectedVersion],
    );
    return rows.length > 0;
  }

  /** See {@link CredentialStore.list}. Pages hold at most 1,000 records, whatever `limit` asks. */
  async list(query: ListQuery = {}): Promise<RecordPage> {
    const { text, values, pageSize } = listStatement(this.#table, this.#columns, query);
    const rows = await this.#query('list', undefined, text, values);
    return listPage(
      rows.map((row) => this.#parse('list', undefined, row)),
      pageSize,
      query.order,
    );
  }

  /**
   * See {@link CredentialStore.recordUse}: one `update ... where user_id = any($1)` for the whole
   * batch (the ids take the column's own type, uuid or text), each row set to its user's time
   * only where the stored `last_used_at` is older (or null); `version` and `updated_at` untouched.
   */
  async recordUse(uses: readonly DatabaseUse[]): Promise<void> {
    const latest = checkUses(uses);
    if (latest.length === 0) return;
    const t = this.#table.qualified;
    const user = `${t}.${this.#q('userId')}`;
    const lastUsed = this.#q('lastUsedAt');
    const at = `($2::timestamptz[])[array_position($1, ${user})]`;
    await this.#query(
      'recordUse',
      undefined,
      `update ${t} set ${lastUsed} = ${at} where ${user} = any($1) and (${t}.${lastUsed} is null or ${t}.${lastUsed} < ${at})`,
      [latest.map((use) => use.userId), latest.map((use) => new Date(use.at).toISOString())],
    );
  }

  /** See {@link HostStore.getHost}. */
  getHost(hostName: string): Promise<HostRecord | null> {
    return this.#hosts.getHost(hostName);
  }

  /** See {@link HostStore.claimHost}: `insert ... on conflict (host_name) do nothing`, then a read. */
  claimHost(record: NewHostRecord): Promise<HostClaimResult> {
    return this.#hosts.claimHost(record);
  }

  /** See {@link HostStore.updateHost}: one `update ... where host_name = $1 and version = $2`. */
  updateHost(
    hostName: string,
    expectedVersion: number,
    patch: HostPatch,
  ): Promise<HostRecord | null> {
    return this.#hosts.updateHost(hostName, expectedVersion, patch);
  }

  /** See {@link HostStore.deleteHost}. */
  deleteHost(hostName: string, expectedVersion?: number): Promise<boolean> {
    return this.#hosts.deleteHost(hostName, expectedVersion);
  }

  /**
   * See {@link CredentialStore.deploymentKey}: the cluster's system
   * identifier, the database and the user table's oid, read once. The same
   * for every process on this table; another table, database or cluster (a
   * staging copy restored from a dump) is another deployment. `undefined`
   * where the server does not tell its system identifier.
   */
  deploymentKey(): Promise<string | undefined> {
    this.#deploymentKey ??= this.#client
      .query(
        'select (select system_identifier::text from pg_control_system()) as cluster, current_database() as db, to_regclass($1)::oid::text as tbl',
        [this.#table.qualified],
      )
      .then(
        ({ rows }) => {
          const row = rows?.[0] as Record<string, unknown> | undefined;
          const parts = [row?.cluster, row?.db, row?.tbl];
          return parts.every((part) => typeof part === 'string' && part !== '')
            ? `postgres:${parts.join('/')}`
            : undefined;
        },
        (error: unknown) => {
          // Not permitted or not there (another server speaking the protocol): it cannot tell.
          const code = (error as { code?: unknown } | null)?.code;
          if (code === '42501' || code === '42883' || code === '0A000') return undefined;
          this.#deploymentKey = undefined;
          throw storeFailure('deploymentKey', error, undefined);
        },
      );
    return this.#deploymentKey;
  }

  /** See {@link HostStore.listHosts}: every host, ordered by `host_name` (collation "C"). */
  listHosts(): Promise<HostRecord[]> {
    return this.#hosts.listHosts();
  }

  async #select(operation: string, userId: string): Promise<UserDatabaseRecord | null> {
    const rows = await this.#query(
      operation,
      userId,
      `select ${this.#columns.list} from ${this.#table.qualified} where ${this.#q('userId')} = $1`,
      [userId],
    );
    return rows[0] === undefined ? null : this.#parse(operation, userId, rows[0]);
  }

  #q(field: UserDatabaseField): string {
    return this.#columns.of(field).quoted;
  }

  #parse(operation: string, userId: string | undefined, row: Record<string, unknown>) {
    return parseRow(operation, userId, row, this.#columns.all);
  }

  async #query(
    operation: string,
    userId: string | undefined,
    text: string,
    values: unknown[],
    secrets: readonly unknown[] = [],
  ): Promise<Record<string, unknown>[]> {
    let result: PostgresQueryResult;
    try {
      result = await this.#client.query(text, values);
    } catch (error) {
      throw storeFailure(operation, error, userId, secrets);
    }
    if (!Array.isArray(result?.rows)) {
      throw storeFailure(operation, new Error('the client answered without rows'), userId);
    }
    return result.rows;
  }
}
