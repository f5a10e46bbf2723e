/**
 * What PostgREST's POST, PATCH and DELETE do to a table, as pure functions
 * over its rows: each returns the table after the statement and the rows it
 * touched, or throws (and changes nothing), like one SQL statement. Checks
 * come in PostgREST's order: the payload against the schema cache
 * (PGRST204) while planning, then what Postgres rejects while running.
 */
import { matching, type ParsedQuery } from './postgrest-query.js';
import {
  checkRow,
  fromJson,
  MockMisunderstood,
  PgError,
  type Row,
  type TableDef,
} from './postgrest-table.js';

/** The table after a statement, and the rows it inserted, updated or deleted. */
export interface WriteResult {
  rows: Row[];
  affected: Row[];
}

function checkPayloadColumns(table: TableDef, names: readonly string[]): void {
  for (const name of names) {
    if (!table.columns.some((c) => c.name === name)) {
      const message = `Could not find the '${name}' column of '${table.name}' in the schema cache`;
      throw new PgError(400, 'PGRST204', message);
    }
  }
}

/** Postgres' error for a column the query names but the table lacks. */
export function checkUnknownColumns(table: TableDef, query: ParsedQuery): void {
  const [name] = query.unknown;
  if (name !== undefined) {
    throw new PgError(400, '42703', `column ${table.name}.${name} does not exist`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * POST: `insert`, or with `resolution` an upsert on `on_conflict` (default
 * the primary key): `ignore-duplicates` is `on conflict do nothing`,
 * `merge-duplicates` `on conflict do update` of the payload's columns.
 * Columns come from `columns` or the first object's keys; a listed column
 * missing from an object is null, or its default with `missing=default`.
 */
export function insertRows(
  table: TableDef,
  current: readonly Row[],
  query: ParsedQuery,
  prefer: ReadonlyMap<string, string>,
  body: unknown,
): WriteResult {
  if (query.where.length > 0 || query.order.length > 0 || query.limit !== undefined) {
    throw new MockMisunderstood('filters or modifiers on POST');
  }
  const objects = Array.isArray(body) ? body : [body];
  if (!objects.every(isObject)) throw new MockMisunderstood('a POST body of non-objects');
  const keys = (o: Record<string, unknown>) => Object.keys(o).sort().join();
  const first = objects[0] ?? {};
  if (!query.columns && objects.some((o) => keys(o) !== keys(first))) {
    throw new MockMisunderstood('objects with different keys and no columns parameter');
  }
  const listed = query.columns ?? Object.keys(first);
  checkPayloadColumns(table, listed);
  const resolution = prefer.get('resolution');
  if (query.onConflict && !resolution)
    throw new MockMisunderstood('on_conflict without resolution');
  const target = query.onConflict ?? Object.keys(table.unique).slice(0, 1);
  const key = target[0];
  if (target.length !== 1 || key === undefined || !(key in table.unique)) {
    const message =
      'there is no unique or exclusion constraint matching the ON CONFLICT specification';
    throw new PgError(400, '42P10', message);
  }
  checkUnknownColumns(table, query);
  const rows = [...current];
  const affected: Row[] = [];
  for (const object of objects) {
    const row: Row = {};
    for (const column of table.columns) {
      const given = listed.includes(column.name) && column.name in object;
      const useDefault =
        !listed.includes(column.name) || (!given && prefer.get('missing') === 'default');
      if (given) row[column.name] = fromJson(column, object[column.name]);
      else row[column.name] = useDefault ? (column.default?.() ?? null) : null;
    }
    const existing = resolution
      ? rows.find((r) => row[key] !== null && r[key] === row[key])
      : undefined;
    if (existing && resolution === 'ignore-duplicates') continue;
    if (existing) {
      if (affected.includes(existing))
        throw new MockMisunderstood('an upsert touching a row twice');
      const merged = { ...existing, ...Object.fromEntries(listed.map((c) => [c, row[c] ?? null])) };
      checkRow(
        table,
        merged,
        rows.filter((r) => r !== existing),
      );
      rows[rows.indexOf(existing)] = merged;
      affected.push(merged);
      continue;
    }
    checkRow(table, row, rows);
    rows.push(row);
    affected.push(row);
  }
  return { rows, affected };
}

function checkFilteredWrite(query: ParsedQuery, method: 'PATCH' | 'DELETE'): void {
  if (query.order.length > 0 || query.limit !== undefined || query.onConflict || query.columns) {
    throw new MockMisunderstood(`modifiers on ${method}`);
  }
}

// Supabase loads pg-safeupdate: no UPDATE or DELETE without a WHERE clause.
function checkWhere(query: ParsedQuery, statement: 'UPDATE' | 'DELETE'): void {
  if (query.where.length === 0) {
    throw new PgError(400, '21000', `${statement} requires a WHERE clause`);
  }
}

/** PATCH: sets the body's columns on every row the filters match. */
export function updateRows(
  table: TableDef,
  current: readonly Row[],
  query: ParsedQuery,
  body: unknown,
): WriteResult {
  checkFilteredWrite(query, 'PATCH');
  if (!isObject(body) || Object.keys(body).length === 0) {
    throw new MockMisunderstood('a PATCH body that is not a non-empty object');
  }
  checkPayloadColumns(table, Object.keys(body));
  checkUnknownColumns(table, query);
  checkWhere(query, 'UPDATE');
  const patch: Row = {};
  for (const column of table.columns) {
    if (column.name in body) patch[column.name] = fromJson(column, body[column.name]);
  }
  const hits = matching(current, query.where);
  const rows = current.map((row) => (hits.includes(row) ? { ...row, ...patch } : row));
  const affected = rows.filter((_, i) => hits.includes(current[i] as Row));
  for (const row of affected)
    checkRow(
      table,
      row,
      rows.filter((other) => other !== row),
    );
  return { rows, affected };
}

/** DELETE: removes every row the filters match. */
export function deleteRows(
  table: TableDef,
  current: readonly Row[],
  query: ParsedQuery,
): WriteResult {
  checkFilteredWrite(query, 'DELETE');
  checkUnknownColumns(table, query);
  checkWhere(query, 'DELETE');
  const affected = matching(current, query.where);
  return { rows: current.filter((row) => !affected.includes(row)), affected };
}
