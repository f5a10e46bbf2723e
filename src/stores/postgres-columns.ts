import { ProvisioningConfigurationError } from '../records/errors.js';
import type { UserDatabaseRecord } from '../records/record.js';

/** Defaults of `PostgresCredentialStore`, declared once. */
export const POSTGRES_STORE_DEFAULTS = {
  /** The default table name, unqualified so `search_path` finds it. */
  table: 'user_databases',
  /** `list` page size when the query gives none. */
  listLimit: 100,
  /** The largest page `list` returns, whatever the query asks. */
  maxListLimit: 1_000,
  /** Claims retried when the row vanished between the insert and the re-read. */
  claimAttempts: 3,
} as const;

/** A record field of {@link UserDatabaseRecord}. */
export type UserDatabaseField = keyof UserDatabaseRecord;

/**
 * Column names per record field, for a table that already exists under other
 * names. Fields left out keep their default column.
 *
 * @example
 * ```ts
 * const columns: UserDatabaseColumns = { instanceId: 'aura_instance_id' };
 * ```
 */
export type UserDatabaseColumns = Partial<Record<UserDatabaseField, string>>;

/**
 * How a field is stored: its SQL type in the DDL and how a value is read back.
 * `list`: a list of ids in one text column, comma-separated (every client
 * sends and reads text alike; ids hold no comma).
 */
export type ColumnKind = 'text' | 'integer' | 'version' | 'timestamp' | 'list';

/** A field's default column and how it is stored. */
export interface FieldSpec {
  column: string;
  kind: ColumnKind;
  nullable: boolean;
}

/**
 * The default column of every field, with the names apps commonly use where
 * there is one (`neo4j_uri`, `neo4j_user`, `neo4j_password`, `database_name`).
 * The order is the order of the columns in the DDL and in every query.
 */
export const DEFAULT_COLUMNS: Readonly<Record<UserDatabaseField, FieldSpec>> = {
  userId: { column: 'user_id', kind: 'text', nullable: false },
  status: { column: 'status', kind: 'text', nullable: false },
  version: { column: 'version', kind: 'version', nullable: false },
  instanceName: { column: 'instance_name', kind: 'text', nullable: false },
  instanceId: { column: 'instance_id', kind: 'text', nullable: true },
  connectionUrl: { column: 'neo4j_uri', kind: 'text', nullable: true },
  username: { column: 'neo4j_user', kind: 'text', nullable: true },
  encryptedPassword: { column: 'neo4j_password', kind: 'text', nullable: true },
  databaseName: { column: 'database_name', kind: 'text', nullable: true },
  attempts: { column: 'attempts', kind: 'integer', nullable: false },
  lastError: { column: 'last_error', kind: 'text', nullable: true },
  nextCheckAt: { column: 'next_check_at', kind: 'timestamp', nullable: true },
  createRequestedAt: { column: 'create_requested_at', kind: 'timestamp', nullable: true },
  readyAt: { column: 'ready_at', kind: 'timestamp', nullable: true },
  createdAt: { column: 'created_at', kind: 'timestamp', nullable: false },
  updatedAt: { column: 'updated_at', kind: 'timestamp', nullable: false },
  // Added after the first release: last, where `alter table ... add column` puts them.
  placement: { column: 'placement', kind: 'text', nullable: false },
  waitingForHostSince: { column: 'waiting_for_host_since', kind: 'timestamp', nullable: true },
  databaseId: { column: 'database_id', kind: 'text', nullable: true },
  lastUsedAt: { column: 'last_used_at', kind: 'timestamp', nullable: true },
};

/** Every field, in column order. */
export const USER_DATABASE_FIELDS = Object.keys(DEFAULT_COLUMNS) as UserDatabaseField[];

// Plain identifiers only: no quoting games, no way to smuggle SQL through a name.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a validated identifier: `user_databases` -> `"user_databases"`. */
export function quoteIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ProvisioningConfigurationError(
      `Invalid ${what} ${JSON.stringify(name)}: use letters, digits and underscores (at most 63), not starting with a digit`,
    );
  }
  return `"${name}"`;
}

/** A table name, `table` or `schema.table`, validated and quoted. */
export interface TableName {
  /** `"schema"."table"` or `"table"`. */
  qualified: string;
  /** The bare table name, unquoted, to derive index names from. */
  name: string;
}

/** Parses and quotes `table` or `schema.table`. */
export function parseTableName(table: string): TableName {
  const parts = table.split('.');
  if (parts.length > 2) {
    throw new ProvisioningConfigurationError(
      `Invalid table ${JSON.stringify(table)}: use "table" or "schema.table"`,
    );
  }
  const quoted = parts.map((part) => quoteIdentifier(part, 'table name'));
  return { qualified: quoted.join('.'), name: parts[parts.length - 1] as string };
}

/** One field with its resolved, quoted column. */
export interface ResolvedColumn<F extends string = UserDatabaseField> extends FieldSpec {
  field: F;
  quoted: string;
}

/** The resolved columns of a store: in order, by field, and as a select list. */
export interface ResolvedColumns<F extends string = UserDatabaseField> {
  /** Every field's column, in column order. */
  all: readonly ResolvedColumn<F>[];
  /** The column of `field`. */
  of(field: F): ResolvedColumn<F>;
  /** `"user_id", "status", ...`: the select and returning list. */
  list: string;
}

/** Resolves the column of every field, checking the names and that no two fields share one. */
export function resolveColumns(columns: UserDatabaseColumns = {}): ResolvedColumns {
  return resolveFieldColumns(DEFAULT_COLUMNS, columns);
}

/**
 * Resolves the columns of a record type: `specs` gives every field's default
 * column (in column order), `columns` the names that differ.
 */
export function resolveFieldColumns<F extends string>(
  specs: Readonly<Record<F, FieldSpec>>,
  columns: Partial<Record<F, string>> = {},
): ResolvedColumns<F> {
  const fields = Object.keys(specs) as F[];
  const known = new Set<string>(fields);
  for (const field of Object.keys(columns)) {
    if (!known.has(field)) {
      throw new ProvisioningConfigurationError(`Unknown record field in columns: ${field}`);
    }
  }
  const seen = new Map<string, F>();
  const all = fields.map((field): ResolvedColumn<F> => {
    const spec = specs[field];
    const column = columns[field] ?? spec.column;
    const quoted = quoteIdentifier(column, `column for ${field}`);
    const other = seen.get(column);
    if (other !== undefined) {
      throw new ProvisioningConfigurationError(
        `Fields ${other} and ${field} both map to column ${column}`,
      );
    }
    seen.set(column, field);
    return { ...spec, field, column, quoted };
  });
  const byField = new Map(all.map((column) => [column.field, column]));
  return {
    all,
    of: (field) => byField.get(field) as ResolvedColumn<F>,
    list: all.map((column) => column.quoted).join(', '),
  };
}
