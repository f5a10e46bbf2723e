import { ProvisioningConfigurationError } from '../records/errors.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { ListOrder, ListQuery, RecordPage } from '../records/store.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import {
  POSTGRES_STORE_DEFAULTS,
  type ResolvedColumns,
  type TableName,
} from './postgres-columns.js';
import { toParameter } from './postgres-row.js';

/** The statement of one `list` call, and the page size it serves. */
export interface ListStatement {
  text: string;
  values: unknown[];
  pageSize: number;
}

/**
 * Builds the keyset query of `list`: order (next_check_at nulls last,
 * user_id), or user_id alone, strictly after the cursor's position, one row over the page so
 * the caller knows whether another page follows. Every value is a parameter.
 */
export function listStatement(
  table: TableName,
  columns: ResolvedColumns,
  query: ListQuery,
): ListStatement {
  const limit = query.limit ?? POSTGRES_STORE_DEFAULTS.listLimit;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ProvisioningConfigurationError(`list limit must be a positive integer, not ${limit}`);
  }
  const pageSize = Math.min(limit, POSTGRES_STORE_DEFAULTS.maxListLimit);
  const next = columns.of('nextCheckAt');
  const user = columns.of('userId').quoted;
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (query.statuses !== undefined) {
    // No cast: Postgres types the array from the column, so enum columns work too.
    where.push(`${columns.of('status').quoted} = any(${param([...query.statuses])})`);
  }
  if (query.dueBefore !== undefined) {
    where.push(`${next.quoted} <= ${param(toParameter(next, query.dueBefore))}`);
  }
  const byUser = query.order === 'userId';
  if (query.cursor !== undefined) {
    const after = decodeListCursor(query.cursor, query.order);
    const afterUser = param(after.userId);
    if (byUser) {
      where.push(`${user} > ${afterUser}`);
    } else if (after.nextCheckAt === null) {
      where.push(`(${next.quoted} is null and ${user} > ${afterUser})`);
    } else {
      const at = param(toParameter(next, after.nextCheckAt));
      where.push(
        `(${next.quoted} > ${at} or ${next.quoted} is null or (${next.quoted} = ${at} and ${user} > ${afterUser}))`,
      );
    }
  }
  const filter = where.length > 0 ? ` where ${where.join(' and ')}` : '';
  const order = byUser ? `${user} asc` : `${next.quoted} asc nulls last, ${user} asc`;
  const text = `select ${columns.list} from ${table.qualified}${filter} order by ${order} limit ${param(pageSize + 1)}`;
  return { text, values, pageSize };
}

/** The page for the records read by a {@link listStatement} (up to one more than the page). */
export function listPage(
  records: UserDatabaseRecord[],
  pageSize: number,
  order?: ListOrder,
): RecordPage {
  const page = records.slice(0, pageSize);
  const last = page[page.length - 1];
  if (records.length <= pageSize || last === undefined) return { records: page };
  return { records: page, nextCursor: encodeListCursor(last, order) };
}
