import { ProvisioningConfigurationError } from '../records/errors.js';
import type { HostRecord } from '../records/host-record.js';
import {
  type FieldSpec,
  parseTableName,
  type ResolvedColumns,
  resolveFieldColumns,
  type TableName,
} from './postgres-columns.js';
import { SHARED_COLUMN_TYPES } from './postgres-schema.js';

/** A field of {@link HostRecord}. */
export type HostField = keyof HostRecord;

/** The bare name of the hosts table, in the user table's schema unless configured. */
export const DEFAULT_HOSTS_TABLE = 'aura_hosts';

/**
 * The column of every host field: the field in snake_case. The order is the
 * order of the columns in the DDL and in every query. No mapping: the hosts
 * table is new, there is no older table to fit.
 */
const HOST_COLUMN_SPECS: Readonly<Record<HostField, FieldSpec>> = {
  hostName: { column: 'host_name', kind: 'text', nullable: false },
  status: { column: 'status', kind: 'text', nullable: false },
  version: { column: 'version', kind: 'version', nullable: false },
  instanceId: { column: 'instance_id', kind: 'text', nullable: true },
  connectionUrl: { column: 'connection_url', kind: 'text', nullable: true },
  username: { column: 'username', kind: 'text', nullable: true },
  encryptedPassword: { column: 'encrypted_password', kind: 'text', nullable: true },
  capacity: { column: 'capacity', kind: 'integer', nullable: false },
  used: { column: 'used', kind: 'integer', nullable: false },
  attempts: { column: 'attempts', kind: 'integer', nullable: false },
  lastError: { column: 'last_error', kind: 'text', nullable: true },
  nextCheckAt: { column: 'next_check_at', kind: 'timestamp', nullable: true },
  createRequestedAt: { column: 'create_requested_at', kind: 'timestamp', nullable: true },
  readyAt: { column: 'ready_at', kind: 'timestamp', nullable: true },
  createdAt: { column: 'created_at', kind: 'timestamp', nullable: false },
  updatedAt: { column: 'updated_at', kind: 'timestamp', nullable: false },
  // Added after the first release: last, in the order `alter table ... add column` put them.
  defaultDatabaseIds: { column: 'default_database_ids', kind: 'list', nullable: true },
  slotReleasedAt: { column: 'slot_released_at', kind: 'timestamp', nullable: true },
};

/** The hosts table's columns, resolved and quoted once. */
export const HOST_COLUMNS: ResolvedColumns<HostField> = resolveFieldColumns(HOST_COLUMN_SPECS);

/** Fields a store keeps itself: never taken from a host patch. */
const HOST_BOOKKEEPING = new Set<HostField>(['hostName', 'version', 'createdAt', 'updatedAt']);

/** The fields `updateHost` may change. */
export const HOST_PATCHABLE_FIELDS: ReadonlySet<HostField> = new Set(
  HOST_COLUMNS.all.map((column) => column.field).filter((field) => !HOST_BOOKKEEPING.has(field)),
);

/** `aura_hosts` in the schema of the user table `table` (unqualified if it is). */
export function defaultHostsTable(table: string): string {
  const dot = table.indexOf('.');
  return dot === -1 ? DEFAULT_HOSTS_TABLE : `${table.slice(0, dot)}.${DEFAULT_HOSTS_TABLE}`;
}

/**
 * The hosts table of a store whose user table is `table`, unless `hostsTable`
 * names it: `aura_hosts` in the user table's schema (`app.user_databases` ->
 * `app.aura_hosts`; an unqualified table -> an unqualified `aura_hosts`, found
 * through `search_path`). Throws if both name the same table.
 */
export function hostsTableOf(table: string, hostsTable: string | undefined): TableName {
  const users = parseTableName(table);
  const hosts = parseTableName(hostsTable ?? defaultHostsTable(table));
  if (hosts.qualified === users.qualified) {
    throw new ProvisioningConfigurationError(
      `The hosts table cannot be the user table (${table}): set hostsTable to another name`,
    );
  }
  return hosts;
}

// The type and constraints of each column. host_name has collation "C", so
// listHosts() orders by bytes, as every other store does.
const HOST_COLUMN_TYPES: Readonly<Record<HostField, (quoted: string) => string>> = {
  ...SHARED_COLUMN_TYPES,
  hostName: () => 'text collate "C" primary key',
  capacity: (c) => `integer not null check (${c} >= 1)`,
  used: (c) => `integer not null default 1 check (${c} >= 0)`,
  defaultDatabaseIds: () => 'text',
  slotReleasedAt: () => 'timestamptz',
};

/** The DDL of the hosts table, one statement per entry, for `migrate()` to run one at a time. */
export function hostsTableStatements(table: TableName): string[] {
  const definitions = HOST_COLUMNS.all.map(
    (column) => `  ${column.quoted} ${HOST_COLUMN_TYPES[column.field](column.quoted)}`,
  );
  const password = HOST_COLUMNS.of('encryptedPassword').quoted;
  const defaults = HOST_COLUMNS.of('defaultDatabaseIds').quoted;
  const released = HOST_COLUMNS.of('slotReleasedAt').quoted;
  // listHosts() reads the primary key's order: no other index.
  return [
    `create table if not exists ${table.qualified} (\n${definitions.join(',\n')}\n)`,
    `comment on column ${table.qualified}.${password} is 'Neo4j password of the host instance, encrypted by the CredentialCipher (AES-256-GCM). Never plaintext.'`,
    // Upgrades a table made by an earlier version.
    `alter table ${table.qualified} add column if not exists ${defaults} text`,
    `comment on column ${table.qualified}.${defaults} is 'Ids of the host''s own databases (its default), comma-separated; null while unknown.'`,
    `alter table ${table.qualified} add column if not exists ${released} timestamptz`,
    `comment on column ${table.qualified}.${released} is 'When a user''s database on the host was last deleted and its slot handed back; null when no slot has come back.'`,
  ];
}

/** Options of {@link createAuraHostsTableSql}. */
export interface AuraHostsTableSqlOptions {
  /** `table` or `schema.table`. Default `aura_hosts` (found through `search_path`). */
  table?: string;
}

/**
 * The SQL that creates the hosts table of `PostgresCredentialStore` on plain
 * PostgreSQL (no row-level security): one row per shared multi-database Aura
 * instance of the `database-per-user` placement. Idempotent (`if not
 * exists`), for apps that run their own migrations; `migrate()` runs the
 * same. On Supabase use the migrations in `supabase/migrations/` instead.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { createAuraHostsTableSql } from 'aura-provisioner/postgres';
 *
 * writeFileSync('migrations/002_aura_hosts.sql', createAuraHostsTableSql());
 * ```
 */
export function createAuraHostsTableSql(options: AuraHostsTableSqlOptions = {}): string {
  const table = parseTableName(options.table ?? DEFAULT_HOSTS_TABLE);
  return `${hostsTableStatements(table).join(';\n\n')};\n`;
}
