import { type AuraError, isAuraError } from '../../aura/errors/base.js';
import type { Database } from '../../aura/schemas-v2.js';
import { isOwnInstanceName } from '../../records/instance-name.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';

/** Databases every multi-database instance has, which no user ever owns. */
export const BUILT_IN_DATABASES: ReadonlySet<string> = new Set(['neo4j', 'system']);

const LIMIT_WORDS = /limit|quota|capacity|maximum|at most|too many|full/i;

/**
 * Whether Aura refused a database because the host is full. Aura documents no
 * answer for it: a 402 (how v2beta1 signals a full quota), or a 400 or 422
 * whose reason or message speaks of a limit, all count. Pure.
 *
 * @example
 * ```ts
 * isLimitRefusal(error); // true for 402 quota-exceeded, 400 database-limit-reached, ...
 * ```
 */
export function isLimitRefusal(error: unknown): boolean {
  if (!isAuraError(error)) return false;
  const { status, message } = error as AuraError & { status?: number };
  const reason = (error as { reason?: string }).reason ?? '';
  if (status === 402) return true;
  if (status !== 400 && status !== 422) return false;
  return LIMIT_WORDS.test(reason) || LIMIT_WORDS.test(message);
}

/**
 * Whether a listed database is online: `online` or `running` (the current page
 * says `RUNNING`), in any case, or no status at all (Aura may send none).
 * Any other status (`CREATING`, ...) is not yet. Pure.
 */
export function isDatabaseOnline(database: Pick<Database, 'status'>): boolean {
  const status = database.status?.toLowerCase();
  return status === undefined || status === 'online' || status === 'running';
}

/** What to do about a placed user whose database the host does not list under its name. */
export type LostCreate =
  /** The one database no record owns on the host: the user's, named by Aura. */
  | { kind: 'adopt'; databaseName: string }
  /** Nothing was made: send the create again (a copy of an asked-for name is refused by name). */
  | { kind: 'resend' }
  /** Something no record owns is there, but not provably this user's: wait, create nothing. */
  | { kind: 'wait' };

/**
 * Settles a create whose answer was lost, from the host's listing and every
 * record placed on the host. Aura may have named the database itself, so the
 * asked-for name proves nothing: a database of the host that no record names
 * (not built in) is the user's only when exactly one is there and this user
 * is the only one on the host still waiting for a database. Nothing unowned:
 * nothing was made, and the create is sent again; the same where the host
 * lists another user's database under its asked-for name (Aura honours names
 * there). The one database must be fresh: made after the create was sent
 * (Aura's `created_at`), or first listed by this process after that. Pure.
 *
 * @example
 * ```ts
 * settleLostCreate(record, databases, recordsOnHost, { prefix: 'ap-', firstSeen: () => undefined });
 * ```
 */
export function settleLostCreate(
  record: UserDatabaseRecord,
  databases: readonly Pick<Database, 'id' | 'name' | 'createdAt'>[],
  onHost: readonly UserDatabaseRecord[],
  context: {
    prefix: string;
    /** When this process first listed a database (by id), if it ever did. */
    firstSeen: (databaseId: string) => number | undefined;
  },
): LostCreate {
  const { prefix } = context;
  const listed = new Set(databases.flatMap((d) => (d.name ? [d.name.toLowerCase()] : [])));
  const named = new Set(
    onHost.flatMap((r) => (r.databaseName ? [r.databaseName.toLowerCase()] : [])),
  );
  const unowned = databases.filter((d) => {
    const name = (d.name ?? d.id).toLowerCase();
    // One of our asked-for names belongs to the user it was asked for, never to another.
    return !BUILT_IN_DATABASES.has(name) && !named.has(name) && !isOwnInstanceName(name, prefix);
  });
  if (unowned.length === 0) return { kind: 'resend' };
  const waiting = onHost.filter(
    (r) =>
      r.placement === 'database-per-user' &&
      r.status === 'creating' &&
      r.databaseName !== null &&
      !listed.has(r.databaseName.toLowerCase()),
  );
  // The host shows how Aura names its databases: a user's asked-for name listed means names are
  // honoured, and then what no record names is never this user's (the create is sent again;
  // a copy of the asked-for name is refused by name).
  const honoured = onHost.some(
    (r) =>
      r.userId !== record.userId &&
      r.databaseName !== null &&
      isOwnInstanceName(r.databaseName.toLowerCase(), prefix) &&
      listed.has(r.databaseName.toLowerCase()),
  );
  if (honoured) return { kind: 'resend' };
  const only = unowned.length === 1 && waiting.length === 1 && waiting[0]?.userId === record.userId;
  const [database] = unowned;
  if (!only || !database) return { kind: 'wait' };
  return madeAfterCreate(record, database, context.firstSeen(database.id))
    ? { kind: 'adopt', databaseName: database.name ?? database.id }
    : { kind: 'wait' };
}

/**
 * Whether a database may have been made by the user's create: made after the
 * create was sent (less the clock skew), by Aura's `created_at` or, without
 * one, by when it was first listed (`seen`; never listed before counts). Pure.
 *
 * @example
 * ```ts
 * madeAfterCreate(record, { createdAt: '2026-01-01T00:00:00Z' }, undefined);
 * ```
 */
export function madeAfterCreate(
  record: Pick<UserDatabaseRecord, 'createRequestedAt' | 'updatedAt'>,
  database: Pick<Database, 'createdAt'>,
  seen: number | undefined,
): boolean {
  const sent = (record.createRequestedAt ?? record.updatedAt) - PLACEMENT_DEFAULTS.clockSkewMs;
  const created = database.createdAt ? Date.parse(database.createdAt) : Number.NaN;
  return Number.isFinite(created) ? created >= sent : seen === undefined || seen >= sent;
}
