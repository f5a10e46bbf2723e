import type { SupabaseClient } from '@supabase/supabase-js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { isProvisioningError, ProvisioningConfigurationError } from '../records/errors.js';
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
  quoteIdentifier,
  type ResolvedColumns,
  resolveColumns,
  type UserDatabaseColumns,
  type UserDatabaseField,
} from './postgres-columns.js';
import { parseRow, storeFailure } from './postgres-failure.js';
import { DEFAULT_HOSTS_TABLE } from './postgres-host-schema.js';
import { listPage } from './postgres-list.js';
import { toParameter } from './postgres-row.js';
import {
  checkFilteredColumns,
  checkUserId,
  checkUses,
  checkVersion,
  isDatabaseClash,
} from './supabase-arguments.js';
import { claimRow, patchBody } from './supabase-body.js';
import type { FilterBuilder, SupabaseClientLike, TableBuilder } from './supabase-builder.js';
import { requestFailure, SupabaseRequestError } from './supabase-failure.js';
import { SupabaseHostTable } from './supabase-hosts.js';
import { listRequest, SUPABASE_STORE_DEFAULTS } from './supabase-list.js';

/**
 * Options of {@link SupabaseCredentialStore}.
 *
 * @example
 * ```ts
 * // An existing table, with its own name for the instance id.
 * const options: SupabaseCredentialStoreOptions = {
 *   client: supabaseAdmin,
 *   columns: { instanceId: 'aura_instance_id' },
 * };
 * ```
 */
export interface SupabaseCredentialStoreOptions {
  /**
   * A supabase-js client made with the **service-role** (secret) key, on the
   * server only, and used for nothing else: never sign a user in with it,
   * since its session would replace the key on every request.
   *
   * The anon (publishable) key cannot work and must not be used: the table
   * has row-level security on, no policy and no grant for `anon`, so every
   * request is refused (permission denied, SQLSTATE 42501); and on a table
   * that did grant `anon`, RLS would silently hide every row instead.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any Database type fits; the store only calls from() and schema().
  client: SupabaseClient<any, any, any>;
  /** The table. Default `user_databases`. */
  table?: string;
  /**
   * The table of the host records (`database-per-user` placement), in the
   * same schema. Default `aura_hosts`, as the shipped migration
   * `20261204000000_aura_provisioner_hosts.sql` creates it. Its columns are
   * fixed: `columns` maps the user table only.
   */
  hostsTable?: string;
  /** The schema, sent as `Accept-Profile`/`Content-Profile`; it must be exposed by the Data API. Default: the client's. */
  schema?: string;
  /** The source of every timestamp written (never the database's `now()`). Default: system time. */
  clock?: Clock;
  /** Column names for an existing table, as for `PostgresCredentialStore`, e.g. `{ instanceId: 'aura_instance_id' }`. */
  columns?: UserDatabaseColumns;
}

/**
 * A {@link CredentialStore} on Supabase, through the Data API (PostgREST)
 * with a service-role supabase-js client. Create the table with the
 * migrations shipped in `supabase/migrations/` (RLS on, no policies, no
 * grants to `anon` or `authenticated`; `20261207000000_aura_provisioner_placement.sql`
 * adds the `placement`, `waiting_for_host_since` and `database_id` columns). Each method is one
 * HTTP request (`claim` two when the user exists); `claim` is an insert-if-absent and
 * `update` a compare-and-set on `version`, so any number of processes can
 * share the table. Every time written comes from the injected clock.
 *
 * It is also a {@link HostStore}: the shared instances of the
 * `database-per-user` placement live in `aura_hosts` (option `hostsTable`),
 * created by the second shipped migration,
 * `20261204000000_aura_provisioner_hosts.sql` (RLS on, no policies, service
 * role only, like the user table). `claimHost` is an insert-if-absent,
 * `updateHost` a compare-and-set on `version`, `listHosts` ordered by
 * `host_name`, each one request as for the user records.
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * import { SupabaseCredentialStore } from 'aura-provisioner/supabase';
 *
 * // Server side only: the service-role key bypasses row-level security.
 * const supabaseAdmin = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!, {
 *   auth: { persistSession: false },
 * });
 * const store = new SupabaseCredentialStore({ client: supabaseAdmin });
 * ```
 */
export class SupabaseCredentialStore implements CredentialStore, HostStore {
  readonly #client: SupabaseClientLike;
  readonly #table: string;
  readonly #hostsTable: string;
  readonly #hosts: SupabaseHostTable;
  readonly #schema: string | undefined;
  readonly #clock: Clock;
  readonly #columns: ResolvedColumns;
  readonly #select: string;

  constructor(options: SupabaseCredentialStoreOptions) {
    const client = options?.client as unknown as Partial<SupabaseClientLike> | undefined;
    if (typeof client?.from !== 'function') {
      throw new ProvisioningConfigurationError(
        'client must be a supabase-js client (createClient(url, serviceRoleKey))',
      );
    }
    if (typeof client.schema !== 'function') {
      throw new ProvisioningConfigurationError(
        'client must be a supabase-js client of version 2.32 or later (it has no schema())',
      );
    }
    this.#client = client as SupabaseClientLike;
    this.#table = options.table ?? SUPABASE_STORE_DEFAULTS.table;
    quoteIdentifier(this.#table, 'table name');
    this.#hostsTable = options.hostsTable ?? DEFAULT_HOSTS_TABLE;
    quoteIdentifier(this.#hostsTable, 'hosts table name');
    if (this.#hostsTable === this.#table) {
      throw new ProvisioningConfigurationError(
        `The hosts table cannot be the user table (${this.#table}): set hostsTable to another name`,
      );
    }
    this.#schema = options.schema;
    if (this.#schema !== undefined) quoteIdentifier(this.#schema, 'schema name');
    this.#clock = options.clock ?? systemClock;
    this.#columns = resolveColumns(options.columns);
    checkFilteredColumns(this.#columns);
    this.#select = this.#columns.all.map((column) => column.column).join(',');
    this.#hosts = new SupabaseHostTable(this.#clock, (operation, secrets, build) =>
      this.#run(operation, undefined, secrets, build, this.#hostsTable),
    );
  }

  async get(userId: string): Promise<UserDatabaseRecord | null> {
    checkUserId(userId);
    return this.#read('get', userId);
  }

  /**
   * See {@link CredentialStore.deploymentKey}: the project's URL (supabase-js
   * keeps it as `supabaseUrl`), the schema and the table. `undefined` for a
   * client that does not tell its URL.
   */
  async deploymentKey(): Promise<string | undefined> {
    const raw = (this.#client as { supabaseUrl?: unknown }).supabaseUrl;
    const url = raw instanceof URL ? raw.href : raw;
    if (typeof url !== 'string' || url === '') return undefined;
    return `supabase:${url.replace(/\/+$/, '')}/${this.#schema ?? 'public'}.${this.#table}`;
  }

  /**
   * See {@link CredentialStore.claim}. One `upsert` with `ignoreDuplicates`:
   * PostgREST runs `insert ... on conflict (user_id) do nothing returning ...`,
   * which Postgres makes atomic, so exactly one of any number of racing
   * claims gets the row back; the others get no row and read the winner's.
   * (A plain insert that treats 409/23505 as "taken" would also be atomic,
   * but 23505 also means another user holds the instance name, and each
   * lost race would log a constraint error in Postgres.) That clash, with
   * another user's `instance_name`, still fails: a `CredentialStoreError`.
   */
  async claim(record: NewUserDatabaseRecord): Promise<ClaimResult> {
    checkUserId(record?.userId);
    const row = claimRow(this.#columns, record, this.#clock.now());
    const secrets = [record.encryptedPassword, record.connectionUrl];
    const onConflict = this.#columns.of('userId').column;
    const { userId } = record;
    return insertOrRead(
      {
        operation: 'claim',
        userId,
        what: 'record',
        attempts: SUPABASE_STORE_DEFAULTS.claimAttempts,
      },
      async () => {
        const [inserted] = await this.#run('claim', userId, secrets, (table) =>
          table.upsert(row, { onConflict, ignoreDuplicates: true }).select(this.#select),
        );
        return inserted === undefined ? undefined : this.#parse('claim', userId, inserted);
      },
      () => this.#read('claim', userId),
    );
  }

  /**
   * See {@link CredentialStore.update}: one PATCH filtered on `user_id` and
   * `version`. PostgREST cannot say `version + 1`, so the store sends
   * `expectedVersion + 1`; the filter on `version` makes that the same thing
   * (a racing update that committed first leaves no row to match). A database id another
   * record holds on the same instance, which the unique index of
   * `20261207000300_aura_provisioner_database_unique.sql` refuses (409, `23505`), answers
   * `null`, the record unchanged.
   */
  async update(
    userId: string,
    expectedVersion: number,
    patch: UserDatabasePatch,
  ): Promise<UserDatabaseRecord | null> {
    checkUserId(userId);
    checkVersion(expectedVersion);
    const values = patchBody(this.#columns, patch, expectedVersion, this.#clock.now());
    const secrets = [patch?.encryptedPassword, patch?.connectionUrl];
    let rows: Record<string, unknown>[];
    try {
      rows = await this.#run('update', userId, secrets, (table) =>
        table
          .update(values)
          .eq(this.#column('userId'), userId)
          .eq(this.#column('version'), expectedVersion)
          .select(this.#select),
      );
    } catch (error) {
      // Another record holds the database (409, 23505 on the unique index): not applied.
      if (isDatabaseClash(error, patch)) return null;
      throw error;
    }
    return rows[0] === undefined ? null : this.#parse('update', userId, rows[0]);
  }

  async delete(userId: string, expectedVersion?: number): Promise<boolean> {
    checkUserId(userId);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const rows = await this.#run('delete', userId, [], (table) => {
      const request = table.delete().eq(this.#column('userId'), userId);
      const guarded =
        expectedVersion === undefined
          ? request
          : request.eq(this.#column('version'), expectedVersion);
      return guarded.select(this.#column('userId'));
    });
    return rows.length > 0;
  }

  /** See {@link CredentialStore.list}. Pages hold at most 999 records, whatever `limit` asks. */
  async list(query: ListQuery = {}): Promise<RecordPage> {
    let pageSize = 0;
    const rows = await this.#run('list', undefined, [], (table) => {
      const built = listRequest(table, this.#columns, query);
      pageSize = built.pageSize;
      return built.request;
    });
    return listPage(
      rows.map((row) => this.#parse('list', undefined, row)),
      pageSize,
      query.order,
    );
  }

  /**
   * See {@link CredentialStore.recordUse}: one PATCH per user in the batch (PostgREST cannot
   * update rows to different values at once), filtered on `user_id` and on `last_used_at` being
   * null or older, so a time never moves backwards; `version` and `updated_at` untouched.
   */
  async recordUse(uses: readonly DatabaseUse[]): Promise<void> {
    const lastUsed = this.#columns.of('lastUsedAt');
    for (const { userId, at } of checkUses(uses)) {
      // ISO times (`2026-01-01T00:00:00.000Z`) hold no `,` `)` or `"`: safe unquoted.
      const time = toParameter(lastUsed, at) as string;
      await this.#run('recordUse', userId, [], (table) =>
        table
          .update({ [lastUsed.column]: time })
          .eq(this.#column('userId'), userId)
          .or(`${lastUsed.column}.is.null,${lastUsed.column}.lt.${time}`)
          .select(this.#column('userId')),
      );
    }
  }

  /** See {@link HostStore.getHost}. */
  getHost(hostName: string): Promise<HostRecord | null> {
    return this.#hosts.getHost(hostName);
  }

  /**
   * See {@link HostStore.claimHost}: an `upsert` with `ignoreDuplicates`
   * (`on conflict (host_name) do nothing`), then a read when the host exists.
   */
  claimHost(record: NewHostRecord): Promise<HostClaimResult> {
    return this.#hosts.claimHost(record);
  }

  /** See {@link HostStore.updateHost}: one PATCH filtered on `host_name` and `version`. */
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

  /** See {@link HostStore.listHosts}: ordered by `host_name`, in pages of 999 (one request as a rule). */
  listHosts(): Promise<HostRecord[]> {
    return this.#hosts.listHosts();
  }

  async #read(operation: string, userId: string): Promise<UserDatabaseRecord | null> {
    const rows = await this.#run(operation, userId, [], (table) =>
      table.select(this.#select).eq(this.#column('userId'), userId),
    );
    return rows[0] === undefined ? null : this.#parse(operation, userId, rows[0]);
  }

  #column(field: UserDatabaseField): string {
    return this.#columns.of(field).column;
  }

  #parse(operation: string, userId: string | undefined, row: Record<string, unknown>) {
    return parseRow(operation, userId, row, this.#columns.all);
  }

  /**
   * Builds and sends one request; answers its rows. `build` may throw a
   * configuration error before anything is sent, or answer no request when
   * nothing can match. Everything else becomes a `CredentialStoreError`.
   */
  async #run(
    operation: string,
    userId: string | undefined,
    secrets: readonly unknown[],
    build: (table: TableBuilder) => FilterBuilder | undefined,
    table: string = this.#table,
  ): Promise<Record<string, unknown>[]> {
    let request: FilterBuilder | undefined;
    try {
      const source = this.#schema === undefined ? this.#client : this.#client.schema(this.#schema);
      request = build(source.from(table));
    } catch (error) {
      if (isProvisioningError(error)) throw error; // a bad limit or cursor: nothing was sent
      throw requestFailure(operation, error, userId, secrets);
    }
    if (request === undefined) return [];
    let answer: Awaited<FilterBuilder>;
    try {
      answer = await request;
    } catch (error) {
      throw requestFailure(operation, error, userId, secrets);
    }
    if (answer?.error) {
      throw requestFailure(operation, new SupabaseRequestError(answer), userId, secrets);
    }
    const rows = answer?.data;
    if (!Array.isArray(rows) || !rows.every((row) => typeof row === 'object' && row !== null)) {
      throw storeFailure(operation, new Error('PostgREST answered without rows'), userId);
    }
    return rows as Record<string, unknown>[];
  }
}
