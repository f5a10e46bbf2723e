import type { UserDatabasePatch } from '../records/record.js';
import type { ResolvedColumns, UserDatabaseField } from './postgres-columns.js';
import { firstRowValues, toParameter } from './postgres-row.js';
import { PATCHABLE_FIELDS } from './store-arguments.js';

/**
 * The JSON row `claim` inserts: every column, `version` 1, both times `now`
 * (ISO strings, which Postgres reads exactly), keyed by column name.
 */
export function claimRow<F extends string>(
  columns: ResolvedColumns<F>,
  record: object,
  now: number,
): Record<string, unknown> {
  const values = firstRowValues(columns, record, now);
  return Object.fromEntries(columns.all.map((column, i) => [column.column, values[i]]));
}

/**
 * The JSON body of `update`: the patch's defined, patchable fields (the key
 * and the bookkeeping are dropped, whatever an untyped caller sends), then
 * `version: expectedVersion + 1` and `updatedAt: now`.
 */
export function patchBody(
  columns: ResolvedColumns,
  patch: UserDatabasePatch,
  expectedVersion: number,
  now: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch ?? {})) {
    if (!PATCHABLE_FIELDS.has(field as UserDatabaseField) || value === undefined) continue;
    const column = columns.of(field as UserDatabaseField);
    body[column.column] = toParameter(column, value);
  }
  body[columns.of('version').column] = expectedVersion + 1;
  const updatedAt = columns.of('updatedAt');
  body[updatedAt.column] = toParameter(updatedAt, now);
  return body;
}
