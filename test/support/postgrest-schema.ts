/**
 * The tables the PostgREST mock serves: the shipped Supabase migrations'
 * `user_databases` (under any column names) and `aura_hosts`, and a
 * seed-style table.
 */
import { randomUUID } from 'node:crypto';
import { PROVISIONING_STATUSES, RECORD_PLACEMENTS } from '../../src/records/record.js';
import {
  DEFAULT_COLUMNS,
  USER_DATABASE_FIELDS,
  type UserDatabaseColumns,
} from '../../src/stores/postgres-columns.js';
import { HOST_COLUMNS } from '../../src/stores/postgres-host-schema.js';
import type { ColumnDef, TableDef } from './postgrest-table.js';

const STATUSES = new Set<unknown>(PROVISIONING_STATUSES);
const PLACEMENTS = new Set<unknown>(RECORD_PLACEMENTS);
const TYPES = {
  text: 'text',
  integer: 'integer',
  version: 'bigint',
  timestamp: 'timestamptz',
  list: 'text',
} as const;

/**
 * The table of the shipped Supabase migration, under the given column
 * names: `user_id text collate "C" primary key`, checks on status, placement
 * (default `instance-per-user`), version and attempts, `instance_name` unique, `(instance_id,
 * database_id)` unique where both are set, `created_at`/`updated_at` default now().
 */
export function userDatabasesTable(
  options: {
    schema?: string;
    name?: string;
    columns?: UserDatabaseColumns;
    now?: () => number;
  } = {},
): TableDef {
  const name = options.name ?? 'user_databases';
  const now = options.now ?? Date.now;
  const col = (field: keyof typeof DEFAULT_COLUMNS) =>
    options.columns?.[field] ?? DEFAULT_COLUMNS[field].column;
  const columns = USER_DATABASE_FIELDS.map((field): ColumnDef => {
    const spec = DEFAULT_COLUMNS[field];
    const column: ColumnDef = { name: col(field), type: TYPES[spec.kind], notNull: !spec.nullable };
    if (field === 'status') {
      column.check = { name: `${name}_status_check`, holds: (v) => STATUSES.has(v) };
    }
    if (field === 'placement') {
      column.default = () => 'instance-per-user';
      column.check = { name: `${name}_placement_check`, holds: (v) => PLACEMENTS.has(v) };
    }
    if (field === 'version' || field === 'attempts') {
      const min = field === 'version' ? 1 : 0;
      column.default = () => min;
      column.check = { name: `${name}_${column.name}_check`, holds: (v) => (v as number) >= min };
    }
    if (field === 'createdAt' || field === 'updatedAt') column.default = now;
    return column;
  });
  return {
    schema: options.schema ?? 'public',
    name,
    columns,
    unique: {
      [col('userId')]: `${name}_pkey`,
      [col('instanceName')]: `${name}_${col('instanceName')}_key`,
    },
    // 20261207000300_aura_provisioner_database_unique.sql: one database, one user.
    uniqueIndexes: [
      { name: `${name}_instance_database_key`, columns: [col('instanceId'), col('databaseId')] },
    ],
  };
}

/** A seed-style table: a surrogate uuid key, `user_id uuid not null unique`, and the given names. */
export function seedStyleTable(columns: UserDatabaseColumns, now?: () => number): TableDef {
  const table = userDatabasesTable({ columns, ...(now ? { now } : {}) });
  const userColumn = columns.userId ?? 'user_id';
  return {
    ...table,
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: () => randomUUID() },
      ...table.columns.map((c) => (c.name === userColumn ? { ...c, type: 'uuid' as const } : c)),
    ],
    unique: {
      id: `${table.name}_pkey`,
      [userColumn]: `${table.name}_${userColumn}_key`,
      ...Object.fromEntries(Object.entries(table.unique).filter(([c]) => c !== userColumn)),
    },
  };
}

/**
 * The hosts table of the shipped migrations `20261204000000_aura_provisioner_hosts.sql`,
 * `20261207000200_aura_provisioner_host_default_database.sql` and
 * `20261207000400_aura_provisioner_host_slot_released.sql`:
 * `host_name text collate "C" primary key`, checks on status, version,
 * capacity, used and attempts, `created_at`/`updated_at` default now().
 */
export function auraHostsTable(options: { schema?: string; now?: () => number } = {}): TableDef {
  const name = 'aura_hosts';
  const now = options.now ?? Date.now;
  const minimum: Partial<Record<string, number>> = {
    version: 1,
    capacity: 1,
    used: 0,
    attempts: 0,
  };
  const defaults: Partial<Record<string, number>> = { version: 1, used: 1, attempts: 0 };
  const columns = HOST_COLUMNS.all.map((spec): ColumnDef => {
    const column: ColumnDef = {
      name: spec.column,
      type: TYPES[spec.kind],
      notNull: !spec.nullable,
    };
    if (spec.field === 'status') {
      column.check = { name: `${name}_status_check`, holds: (v) => STATUSES.has(v) };
    }
    const min = minimum[spec.column];
    if (min !== undefined) {
      column.check = { name: `${name}_${spec.column}_check`, holds: (v) => (v as number) >= min };
    }
    const fallback = defaults[spec.column];
    if (fallback !== undefined) column.default = () => fallback;
    if (spec.field === 'createdAt' || spec.field === 'updatedAt') column.default = now;
    return column;
  });
  return {
    schema: options.schema ?? 'public',
    name,
    columns,
    unique: { host_name: `${name}_pkey` },
  };
}
