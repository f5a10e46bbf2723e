import { ProvisioningConfigurationError } from '../records/errors.js';
import type { ListQuery } from '../records/store.js';
import { decodeListCursor, type ListPosition } from './list-cursor.js';
import type { ResolvedColumn, ResolvedColumns } from './postgres-columns.js';
import { toParameter } from './postgres-row.js';
import type { FilterBuilder, TableBuilder } from './supabase-builder.js';

/** Defaults of `SupabaseCredentialStore`, declared once. */
export const SUPABASE_STORE_DEFAULTS = {
  /** The default table name, in the client's schema (`public` unless configured). */
  table: 'user_databases',
  /** `list` page size when the query gives none. */
  listLimit: 100,
  /**
   * The largest page `list` returns. PostgREST silently caps every read at
   * `max-rows` (1,000 on Supabase): `list` asks for one row more than the page
   * to learn whether another page follows, so the page must stay below the cap,
   * or a full page would pass for the last one.
   */
  maxListLimit: 999,
  /** Claims retried when the row vanished between the insert and the re-read. */
  claimAttempts: 3,
} as const;

/**
 * A value inside a PostgREST logic tree (`or=(...)`), quoted: unquoted, a
 * comma, a parenthesis or a quote in a user id would change the filter.
 * In quotes PostgREST takes every character as is, a backslash escaping the
 * next one (`pQuotedValue` in PostgREST's `QueryParams.hs`).
 *
 * @example
 * ```ts
 * quoteFilterValue('a,b"c'); // '"a,b\\"c"'
 * ```
 */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The rows strictly after `after` in the order of `list` (`next_check_at`
 * ascending, nulls last, then `user_id`): after a time `t`, a later time, no
 * time at all, or the same time and a greater id; after a null time, only
 * null times with a greater id. The same keyset as the SQL store's.
 */
export function filterAfter(
  request: FilterBuilder,
  after: ListPosition,
  next: ResolvedColumn,
  user: ResolvedColumn,
): FilterBuilder {
  const n = next.column;
  const u = user.column;
  if (after.nextCheckAt === null) {
    // Top-level values are read verbatim to the end of the parameter: no quoting.
    return request.is(n, null).gt(u, after.userId);
  }
  // ISO times (`2026-01-01T00:00:00.000Z`) hold no `,` `)` or `"`: safe unquoted.
  const t = toParameter(next, after.nextCheckAt) as string;
  return request.or(
    `${n}.gt.${t},${n}.is.null,and(${n}.eq.${t},${u}.gt.${quoteFilterValue(after.userId)})`,
  );
}

/** What one `list` call sends: the request (absent when nothing can match) and its page size. */
export interface ListRequest {
  request: FilterBuilder | undefined;
  pageSize: number;
}

/**
 * Builds the GET of one `list` call: filters, the keyset after the cursor,
 * the order, and one row over the page. Checks the query first, so a bad
 * limit or cursor fails without a request.
 */
export function listRequest(
  table: TableBuilder,
  columns: ResolvedColumns,
  query: ListQuery,
): ListRequest {
  const limit = query.limit ?? SUPABASE_STORE_DEFAULTS.listLimit;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ProvisioningConfigurationError(`list limit must be a positive integer, not ${limit}`);
  }
  const pageSize = Math.min(limit, SUPABASE_STORE_DEFAULTS.maxListLimit);
  const byUser = query.order === 'userId';
  const after =
    query.cursor === undefined ? undefined : decodeListCursor(query.cursor, query.order);
  const next = columns.of('nextCheckAt');
  const user = columns.of('userId');
  const dueBefore =
    query.dueBefore === undefined ? undefined : (toParameter(next, query.dueBefore) as string);
  // `in.()` would do, but an empty selection needs no round trip.
  if (query.statuses !== undefined && query.statuses.length === 0) {
    return { request: undefined, pageSize };
  }
  let request = table.select(columns.all.map((column) => column.column).join(','));
  if (query.statuses !== undefined) {
    request = request.in(columns.of('status').column, [...query.statuses]);
  }
  if (dueBefore !== undefined) request = request.lte(next.column, dueBefore);
  if (after !== undefined) {
    request = byUser
      ? request.gt(user.column, after.userId)
      : filterAfter(request, after, next, user);
  }
  if (!byUser) request = request.order(next.column, { ascending: true, nullsFirst: false });
  request = request.order(user.column, { ascending: true }).limit(pageSize + 1);
  return { request, pageSize };
}
