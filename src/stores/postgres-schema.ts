import type { HostRecord } from '../records/host-record.js';
import {
  DATABASE_HELD_ELSEWHERE,
  PROVISIONING_STATUSES,
  RECORD_PLACEMENTS,
} from '../records/record.js';
import {
  POSTGRES_STORE_DEFAULTS,
  parseTableName,
  type ResolvedColumns,
  resolveColumns,
  type TableName,
  type UserDatabaseColumns,
  type UserDatabaseField,
} from './postgres-columns.js';

/** Options of {@link createUserDatabasesTableSql}. */
export interface UserDatabasesTableSqlOptions {
  /** `table` or `schema.table`. Default `user_databases` (found through `search_path`). */
  table?: string;
  /** Column names other than the defaults, as for `PostgresCredentialStore`. */
  columns?: UserDatabaseColumns;
}

const sqlList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');
const STATUS_LIST = sqlList(PROVISIONING_STATUSES);
/** A host is never paused: its check keeps the statuses it can have. */
const HOST_STATUS_LIST = sqlList(
  PROVISIONING_STATUSES.filter((status) => status !== 'paused' && status !== 'resuming'),
);
const PLACEMENT_CHECK = (c: string) => `check (${c} in (${sqlList(RECORD_PLACEMENTS)}))`;

/** The fields user and host records share. */
type SharedField = UserDatabaseField & keyof HostRecord;

/**
 * The type and constraints of the columns user and host records share (the
 * hosts table's DDL uses them too), by field.
 */
export const SHARED_COLUMN_TYPES: Readonly<Record<SharedField, (quoted: string) => string>> = {
  status: (c) => `text not null check (${c} in (${HOST_STATUS_LIST}))`,
  version: (c) => `bigint not null default 1 check (${c} >= 1)`,
  instanceId: () => 'text',
  connectionUrl: () => 'text',
  username: () => 'text',
  encryptedPassword: () => 'text',
  attempts: (c) => `integer not null default 0 check (${c} >= 0)`,
  lastError: () => 'text',
  nextCheckAt: () => 'timestamptz',
  createRequestedAt: () => 'timestamptz',
  readyAt: () => 'timestamptz',
  createdAt: () => 'timestamptz not null default now()',
  updatedAt: () => 'timestamptz not null default now()',
};

// The type and constraints of each field's column. user_id is text so any
// app's ids fit; collation "C" makes list order the same byte order everywhere.
const COLUMN_TYPES: Readonly<Record<UserDatabaseField, (quoted: string) => string>> = {
  ...SHARED_COLUMN_TYPES,
  status: (c) => `text not null check (${c} in (${STATUS_LIST}))`,
  userId: () => 'text collate "C" primary key',
  placement: (c) => `text not null default 'instance-per-user' ${PLACEMENT_CHECK(c)}`,
  waitingForHostSince: () => 'timestamptz',
  databaseId: () => 'text',
  instanceName: () => 'text not null unique',
  databaseName: () => 'text',
  lastUsedAt: () => 'timestamptz',
};

function indexName(table: TableName, suffix: string): string {
  return `"${table.name.slice(0, 63 - suffix.length)}${suffix}"`;
}

/**
 * The name Postgres gave a column's inline check constraint (`<table>_<column>_check`), clipped
 * to 63 bytes as Postgres clips it (the longer part first; identifiers here are ASCII).
 */
function columnCheckName(table: TableName, column: string): string {
  let [tableChars, columnChars] = [table.name.length, column.length];
  while (tableChars + columnChars > 63 - '_check'.length - 1) {
    if (tableChars > columnChars) tableChars--;
    else columnChars--;
  }
  return `"${table.name.slice(0, tableChars)}_${column.slice(0, columnChars)}_check"`;
}

/** The DDL statements, one per entry, for `migrate()` to run one at a time. */
export function userDatabasesTableStatements(table: TableName, columns: ResolvedColumns): string[] {
  const col = (field: UserDatabaseField) => columns.of(field).quoted;
  const statusCheck = columnCheckName(table, columns.of('status').column);
  const definitions = columns.all.map(
    (column) => `  ${column.quoted} ${COLUMN_TYPES[column.field](column.quoted)}`,
  );
  return [
    `create table if not exists ${table.qualified} (\n${definitions.join(',\n')}\n)`,
    // Serves list(): filter by status, then keyset order (next_check_at, user_id).
    `create index if not exists ${indexName(table, '_status_next_check_idx')} on ${table.qualified} (${col('status')}, ${col('nextCheckAt')}, ${col('userId')})`,
    // Upgrades a table made by an earlier version: the statuses added since (the check is
    // replaced in one statement, so no row slips in without it), then the columns.
    `alter table ${table.qualified} drop constraint if exists ${statusCheck}, add constraint ${statusCheck} check (${col('status')} in (${STATUS_LIST}))`,
    `comment on column ${table.qualified}.${col('encryptedPassword')} is 'Neo4j password, encrypted by the CredentialCipher (AES-256-GCM, bound to user_id). Never plaintext.'`,
    ...placementUpgradeStatements(table, columns),
    `alter table ${table.qualified} add column if not exists ${col('waitingForHostSince')} timestamptz`,
    `alter table ${table.qualified} add column if not exists ${col('databaseId')} text`,
    `alter table ${table.qualified} add column if not exists ${col('lastUsedAt')} ${COLUMN_TYPES.lastUsedAt(col('lastUsedAt'))}`,
    ...databaseUniqueStatements(table, columns),
  ];
}

/**
 * One database, one user: a partial unique index on (instance id, database id), database id
 * set. An earlier version could, in a race, leave two records holding one database; before the
 * index is made, the record that became ready first (then the oldest, then the lowest user id)
 * keeps it, and each other one lets go of everything it held, as a database found lost: it
 * fails with `database-held-by-another-user` for an operator to retry (a `deleting` one stays
 * deleting, with nothing left to delete but its row). Nothing else changes, so running it again
 * changes nothing.
 */
function databaseUniqueStatements(table: TableName, columns: ResolvedColumns): string[] {
  const col = (field: UserDatabaseField) => columns.of(field).quoted;
  const [t, status] = [table.qualified, col('status')];
  const rank = (alias: string) =>
    `(coalesce(${alias}.${col('readyAt')}, 'infinity'), ${alias}.${col('createdAt')}, ${alias}.${col('userId')})`;
  const released = (
    [
      'instanceId',
      'connectionUrl',
      'username',
      'encryptedPassword',
      'databaseName',
      'databaseId',
      'createRequestedAt',
      'readyAt',
    ] as const
  ).map((field) => `${col(field)} = null`);
  return [
    `update ${t} as mine set ${status} = case when mine.${status} = 'deleting' then 'deleting' else 'failed' end, ${col('lastError')} = '${DATABASE_HELD_ELSEWHERE}', ${col('nextCheckAt')} = case when mine.${status} = 'deleting' then now() end, ${released.join(', ')}, ${col('version')} = mine.${col('version')} + 1, ${col('updatedAt')} = now() where mine.${col('databaseId')} is not null and exists (select 1 from ${t} as other where other.${col('instanceId')} = mine.${col('instanceId')} and other.${col('databaseId')} = mine.${col('databaseId')} and ${rank('other')} < ${rank('mine')})`,
    `create unique index if not exists ${indexName(table, '_instance_database_key')} on ${t} (${col('instanceId')}, ${col('databaseId')}) where ${col('databaseId')} is not null`,
  ];
}

/**
 * Upgrades a table created before records stored their placement: adds the
 * column (no-op where it exists), fills it in the rows the upgrade left empty
 * (a row on a shared host names its instance and database and has no password
 * of its own, a row waiting for a host has no instance and says so; every other
 * row is an instance of its own), then sets the
 * column's default and `not null`. Only rows from before the column have it
 * empty, so running it again changes nothing.
 */
function placementUpgradeStatements(table: TableName, columns: ResolvedColumns): string[] {
  const col = (field: UserDatabaseField) => columns.of(field).quoted;
  const placement = col('placement');
  // Placed on a host (an instance and database named, no password of its own), or waiting for
  // one: the only reason an earlier version gave a user it had not placed yet.
  const hosted = `(${col('instanceId')} is not null and ${col('databaseName')} is not null and ${col('encryptedPassword')} is null) or (${col('instanceId')} is null and ${col('lastError')} = 'waiting-for-host')`;
  return [
    `alter table ${table.qualified} add column if not exists ${placement} text ${PLACEMENT_CHECK(placement)}`,
    `update ${table.qualified} set ${placement} = case when ${hosted} then 'database-per-user' else 'instance-per-user' end where ${placement} is null`,
    `alter table ${table.qualified} alter column ${placement} set default 'instance-per-user'`,
    `alter table ${table.qualified} alter column ${placement} set not null`,
  ];
}

/**
 * The SQL that creates the credential table on plain PostgreSQL (no `auth`
 * schema, no row-level security): for apps that run their own migrations.
 * Idempotent (`if not exists`). On Supabase use the migration in
 * `supabase/migrations/` instead.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { createUserDatabasesTableSql } from 'aura-provisioner/postgres';
 *
 * writeFileSync('migrations/001_user_databases.sql', createUserDatabasesTableSql());
 * ```
 */
export function createUserDatabasesTableSql(options: UserDatabasesTableSqlOptions = {}): string {
  const table = parseTableName(options.table ?? POSTGRES_STORE_DEFAULTS.table);
  const statements = userDatabasesTableStatements(table, resolveColumns(options.columns));
  return `${statements.join(';\n\n')};\n`;
}
