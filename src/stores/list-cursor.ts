import { decodeBase64, encodeBase64Url } from '../kernel/base64.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import type { ListOrder } from '../records/store.js';

/**
 * A record's place in the order of `CredentialStore.list`: `nextCheckAt`
 * ascending with `null` last, then `userId`.
 */
export interface ListPosition {
  nextCheckAt: number | null;
  userId: string;
}

/**
 * Orders two positions as `list` returns them (negative: `a` comes first).
 * `userId`s compare by UTF-16 code unit; SQL stores get the same order from
 * `COLLATE "C"` for ASCII ids (UUIDs included).
 *
 * @example
 * ```ts
 * records.sort(compareListPosition);
 * ```
 */
export function compareListPosition(
  a: ListPosition,
  b: ListPosition,
  order: ListOrder = 'due',
): number {
  if (order === 'due' && a.nextCheckAt !== b.nextCheckAt) {
    if (a.nextCheckAt === null) return 1;
    if (b.nextCheckAt === null) return -1;
    return a.nextCheckAt - b.nextCheckAt;
  }
  if (a.userId === b.userId) return 0;
  return a.userId < b.userId ? -1 : 1;
}

/**
 * The opaque cursor of the page after `last` (the last record of a page). A
 * keyset, not an offset: the next page starts strictly after this position,
 * so records changing between pages neither shift nor repeat the others.
 * In SQL, after `(t, u)`: `next_check_at > t OR next_check_at IS NULL OR
 * (next_check_at = t AND user_id > u)`; after `(null, u)`: `next_check_at IS
 * NULL AND user_id > u`.
 *
 * @example
 * ```ts
 * const last = page.at(-1);
 * return { records: page, nextCursor: last && encodeListCursor(last) };
 * ```
 */
export function encodeListCursor(last: ListPosition, order: ListOrder = 'due'): string {
  // The order is in the cursor, so a cursor of one order is refused by the other.
  const json = JSON.stringify(
    order === 'due' ? [last.nextCheckAt, last.userId] : { u: last.userId },
  );
  return encodeBase64Url(new TextEncoder().encode(json));
}

/**
 * Reads a cursor made by {@link encodeListCursor}. Throws
 * {@link ProvisioningConfigurationError} for anything else.
 *
 * @example
 * ```ts
 * const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
 * ```
 */
export function decodeListCursor(cursor: string, order: ListOrder = 'due'): ListPosition {
  const invalid = () => new ProvisioningConfigurationError('Invalid list cursor');
  const bytes = typeof cursor === 'string' ? decodeBase64(cursor) : null;
  if (!bytes) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid();
  }
  if (order === 'userId') {
    const userId = (value as { u?: unknown } | null)?.u;
    if (Array.isArray(value) || typeof userId !== 'string') throw invalid();
    return { nextCheckAt: null, userId };
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalid();
  const [nextCheckAt, userId] = value as [unknown, unknown];
  const validTime = nextCheckAt === null || Number.isFinite(nextCheckAt);
  if (!validTime || typeof userId !== 'string') throw invalid();
  return { nextCheckAt: nextCheckAt as number | null, userId };
}
