import { ProvisioningConfigurationError } from '../records/errors.js';
import {
  PROVISIONING_STATUSES,
  RECORD_PLACEMENTS,
  type UserDatabaseRecord,
} from '../records/record.js';
import type { ColumnKind, ResolvedColumn, ResolvedColumns, TableName } from './postgres-columns.js';
import { checkDatabaseIds } from './store-arguments.js';

/**
 * A row that does not read as a record. The message names the column, never its value.
 * Always the `cause` of a `CredentialStoreError` (code `store_failure`), never thrown to the app.
 */
export class UnexpectedRowError extends Error {
  override readonly name = 'UnexpectedRowError' as const;
  readonly code = 'unexpected_row' as const;
}

const STATUSES = new Set<string>(PROVISIONING_STATUSES);
const PLACEMENTS = new Set<string>(RECORD_PLACEMENTS);

/**
 * Reads a timestamp as ms since the epoch. node-postgres and postgres.js
 * give `Date`s for timestamptz; other clients may give ISO strings.
 */
function readTimestamp(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** Reads an integer: `bigint` columns come back as strings from node-postgres. */
function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'bigint') return readInteger(Number(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return readInteger(Number(value));
  return undefined;
}

function readValue(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer': {
      const n = readInteger(value);
      return n !== undefined && n >= 0 ? n : undefined;
    }
    case 'version': {
      const n = readInteger(value);
      return n !== undefined && n >= 1 ? n : undefined;
    }
    case 'timestamp':
      return readTimestamp(value);
    case 'list':
      return typeof value === 'string' ? value.split(',').filter((id) => id !== '') : undefined;
  }
}

/**
 * Turns a row (keyed by column name) into a record (a user's, or a host's
 * with the host columns); throws {@link UnexpectedRowError}.
 */
export function recordFromRow<R = UserDatabaseRecord>(
  row: Record<string, unknown>,
  columns: readonly ResolvedColumn<string>[],
): R {
  const record: Record<string, unknown> = {};
  for (const column of columns) {
    const raw = row[column.column];
    if (raw === null || raw === undefined) {
      if (!column.nullable) throw new UnexpectedRowError(`column ${column.column} is null`);
      record[column.field] = null;
      continue;
    }
    const value = readValue(column.kind, raw);
    if (value === undefined) {
      throw new UnexpectedRowError(`column ${column.column} does not hold a valid ${column.kind}`);
    }
    record[column.field] = value;
  }
  if (!STATUSES.has(record.status as string)) {
    throw new UnexpectedRowError('column status does not hold a provisioning status');
  }
  // A user's row has a placement; a host's has none.
  if ('placement' in record && !PLACEMENTS.has(record.placement as string)) {
    throw new UnexpectedRowError('column placement does not hold a placement');
  }
  return record as R;
}

/**
 * A record value as a query parameter. Timestamps go as ISO strings, which
 * every client sends unchanged and Postgres reads exactly (ms precision).
 */
export function toParameter(column: ResolvedColumn<string>, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'list') {
    // A list of ids, comma-separated in its text column (the only list: a host's database ids).
    checkDatabaseIds(value);
    return value.join(',');
  }
  if (column.kind !== 'timestamp') return value;
  const date = new Date(typeof value === 'number' ? value : Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ProvisioningConfigurationError(`${column.field} must be ms since the epoch`);
  }
  return date.toISOString();
}

/**
 * The values a claim inserts, one per column in column order: `record`,
 * `version` 1 and both times `now`, each as {@link toParameter} sends it.
 */
export function firstRowValues<F extends string>(
  columns: ResolvedColumns<F>,
  record: object,
  now: number,
): unknown[] {
  const full: Record<string, unknown> = { ...record, version: 1, createdAt: now, updatedAt: now };
  return columns.all.map((column) => toParameter(column, full[column.field]));
}

/** `insert ... on conflict (<key>) do nothing returning <every column>`, every value a parameter. */
export function insertIfAbsentSql<F extends string>(
  table: TableName,
  columns: ResolvedColumns<F>,
  key: F,
): string {
  const parameters = columns.all.map((_, i) => `$${i + 1}`).join(', ');
  return `insert into ${table.qualified} (${columns.list}) values (${parameters}) on conflict (${columns.of(key).quoted}) do nothing returning ${columns.list}`;
}

/**
 * `update ... set <patched columns>, version = version + 1, updated_at = <now> where <key> = $1
 * and version = $2 returning <every column>` with its values: the patch's defined fields that
 * `patchable` holds (the key and the bookkeeping never), every value a parameter.
 */
export function compareAndSetUpdate<F extends string>(
  table: TableName,
  columns: ResolvedColumns<F | 'version' | 'updatedAt'>,
  where: { key: F; value: string; expectedVersion: number },
  patch: object | undefined,
  patchable: ReadonlySet<F>,
  now: number,
): { text: string; values: unknown[] } {
  const q = (field: F | 'version' | 'updatedAt') => columns.of(field).quoted;
  const values: unknown[] = [where.value, where.expectedVersion];
  const sets: string[] = [];
  for (const [field, value] of Object.entries(patch ?? {})) {
    if (!patchable.has(field as F) || value === undefined) continue;
    const column = columns.of(field as F);
    values.push(toParameter(column, value));
    sets.push(`${column.quoted} = $${values.length}`);
  }
  values.push(toParameter(columns.of('updatedAt'), now));
  sets.push(`${q('version')} = ${q('version')} + 1`);
  sets.push(`${q('updatedAt')} = $${values.length}`);
  const text = `update ${table.qualified} set ${sets.join(', ')} where ${q(where.key)} = $1 and ${q('version')} = $2 returning ${columns.list}`;
  return { text, values };
}
