import { type AuraError, isAuraError } from '../../aura/errors/base.js';
import type { Database } from '../../aura/schemas-v2.js';
import type { HostRecord } from '../../records/host-record.js';
import { isOwnInstanceName } from '../../records/instance-name.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';

/** Databases every multi-database instance has, which no user ever owns. */
export const BUILT_IN_DATABASES: ReadonlySet<string> = new Set(['neo4j', 'system']);

/** What a host record tells of the host's own databases. */
export type HostDefaults = Pick<HostRecord, 'defaultDatabaseIds' | 'readyAt'>;

/** A host of which nothing is known (no record of it): none of its databases is proven not its default. */
export const UNKNOWN_HOST: HostDefaults = { defaultDatabaseIds: null, readyAt: null };

/**
 * What a listed database is to its host, whoever owns it: `own` (named
 * `neo4j` or `system`, or an id the host record stores: the host's default,
 * never a user's), `maybe-own` (on a host that stores no ids, a name Aura gave
 * that nothing proves is not its default: reported, never deleted nor
 * adopted), or `other`. On such a host a name of our making is never the
 * default, nor is a database Aura made (`created_at`) after the host became
 * ready, the clock skew allowed: the default is made with the instance. Pure.
 *
 * @example
 * ```ts
 * hostDatabaseRole({ id: 'a1', name: '293fd870' }, { defaultDatabaseIds: ['a1'], readyAt: 0 }, 'ap-'); // 'own'
 * ```
 */
export function hostDatabaseRole(
  database: Pick<Database, 'id' | 'name' | 'createdAt'>,
  host: HostDefaults,
  prefix: string,
): 'own' | 'maybe-own' | 'other' {
  const name = (database.name ?? database.id).toLowerCase();
  if (BUILT_IN_DATABASES.has(name) || host.defaultDatabaseIds?.includes(database.id)) return 'own';
  if (host.defaultDatabaseIds !== null || isOwnInstanceName(name, prefix)) return 'other';
  const created = database.createdAt ? Date.parse(database.createdAt) : Number.NaN;
  const madeLater =
    host.readyAt !== null && created > host.readyAt + PLACEMENT_DEFAULTS.clockSkewMs;
  return madeLater ? 'other' : 'maybe-own';
}

/**
 * The slots a host's listing shows taken: every listed database but `system`,
 * and one for the host's default while none of its own is listed (the default
 * counts toward the limit). Reconcile's count and a learned capacity both use
 * it, so the two agree. Pure.
 *
 * @example
 * ```ts
 * slotsListed([{ id: 'a1', name: 'neo4j' }, { id: 'b2', name: 'ap-u...' }], host); // 2
 * ```
 */
export function slotsListed(
  listing: readonly Pick<Database, 'id' | 'name'>[],
  host: HostDefaults,
): number {
  const names = listing.map((d) => (d.name ?? d.id).toLowerCase());
  const listed = names.filter((name) => name !== 'system').length;
  const ownListed = listing.some(
    (d, i) =>
      names[i] !== 'system' &&
      (names[i] === 'neo4j' || host.defaultDatabaseIds?.includes(d.id) === true),
  );
  return listed + (ownListed ? 0 : 1);
}

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

/**
 * Which listed databases of a host the records placed on it own, by database
 * id: a record with a `databaseId` owns that database whatever its name; a
 * record with none yet (its create unanswered) owns the database named its
 * `databaseName`. Pure.
 *
 * @example
 * ```ts
 * ownersOf(await project.databases.list(hostId), recordsOnHost).get(database.id); // its record
 * ```
 */
export function ownersOf(
  databases: readonly Pick<Database, 'id' | 'name'>[],
  onHost: readonly UserDatabaseRecord[],
): Map<string, UserDatabaseRecord> {
  const byId = new Map<string, UserDatabaseRecord>();
  const byName = new Map<string, UserDatabaseRecord>();
  for (const record of onHost) {
    if (record.databaseId !== null) byId.set(record.databaseId, record);
    else if (record.databaseName !== null) byName.set(record.databaseName.toLowerCase(), record);
  }
  const owners = new Map<string, UserDatabaseRecord>();
  for (const database of databases) {
    const owner = byId.get(database.id) ?? byName.get((database.name ?? database.id).toLowerCase());
    if (owner) owners.set(database.id, owner);
  }
  return owners;
}

/**
 * The users of a host whose create may have made a database no record owns:
 * `creating`, no database id stored (no answer arrived) and nothing listed
 * under their name. Oldest create first. Pure.
 */
export function waitingForAnswer(
  databases: readonly Pick<Database, 'id' | 'name'>[],
  onHost: readonly UserDatabaseRecord[],
): UserDatabaseRecord[] {
  const owners = new Set(ownersOf(databases, onHost).values());
  return onHost
    .filter(
      (r) =>
        r.placement === 'database-per-user' &&
        r.status === 'creating' &&
        r.databaseId === null &&
        !owners.has(r),
    )
    .sort(
      (a, b) =>
        (a.createRequestedAt ?? a.updatedAt) - (b.createRequestedAt ?? b.updatedAt) ||
        (a.userId < b.userId ? -1 : 1),
    );
}

/** What to do about a placed user whose database the host does not list (by id or name). */
export type LostCreate =
  /**
   * A database no record owns, made after this user's create: the user's.
   * `fence` first (the other users still waiting on the host), then adopt.
   */
  | { kind: 'adopt'; databaseId: string; databaseName: string; fence: UserDatabaseRecord[] }
  /** Nothing was made: send the create again (a copy of an asked-for name is refused by name). */
  | { kind: 'resend' }
  /** Something no record owns is there, but none left for this user: wait, create nothing. */
  | { kind: 'wait' };

/**
 * Settles a create whose answer was lost, from the host's listing and every
 * record placed on the host. Aura may have named the database itself, so the
 * asked-for name proves nothing. The databases no record owns (by id, then
 * name; the host's own and our asked-for names aside) are matched to the users
 * waiting for an answer on the host: oldest create first, each to the oldest
 * database made after its create was sent (Aura's `created_at`, or first
 * listed by this process after that) and not matched before. This user's
 * match is adopted once every other waiting user is fenced (see
 * `database-fenced`): each step is a compare-and-set on the version the
 * snapshot read, so an answer still on its way can no longer be stored, and
 * two processes settling the same host cannot both adopt one database. No
 * database unowned: nothing was made, and the create is sent again; the same
 * where the host lists another user's database under its asked-for name (Aura
 * honours names there). Pure.
 *
 * @example
 * ```ts
 * settleLostCreate(record, databases, recordsOnHost, { prefix: 'ap-', host, firstSeen: () => undefined });
 * ```
 */
export function settleLostCreate(
  record: UserDatabaseRecord,
  databases: readonly Pick<Database, 'id' | 'name' | 'createdAt'>[],
  onHost: readonly UserDatabaseRecord[],
  context: {
    prefix: string;
    /** The host's record (its own databases; see {@link hostDatabaseRole}). */
    host: HostDefaults;
    /** When this process first listed a database (by id), if it ever did. */
    firstSeen: (databaseId: string) => number | undefined;
  },
): LostCreate {
  const { prefix } = context;
  const owners = ownersOf(databases, onHost);
  const unowned = databases.filter((d) => {
    const name = (d.name ?? d.id).toLowerCase();
    // One of our asked-for names belongs to the user it was asked for, never to another; what
    // may be the host's own default is never a user's.
    return (
      hostDatabaseRole(d, context.host, prefix) === 'other' &&
      !owners.has(d.id) &&
      !isOwnInstanceName(name, prefix)
    );
  });
  if (unowned.length === 0) return { kind: 'resend' };
  // The host shows how Aura names its databases: a user's asked-for name listed means names are
  // honoured, and then what no record names is never this user's (the create is sent again;
  // a copy of the asked-for name is refused by name).
  const honoured = [...owners.values()].some(
    (r) =>
      r.userId !== record.userId &&
      r.databaseName !== null &&
      isOwnInstanceName(r.databaseName.toLowerCase(), prefix) &&
      databases.some((d) => d.name?.toLowerCase() === r.databaseName?.toLowerCase()),
  );
  if (honoured) return { kind: 'resend' };
  const waiting = waitingForAnswer(databases, onHost);
  const candidates = [...unowned].sort(
    (a, b) => madeAt(a, context) - madeAt(b, context) || (a.id < b.id ? -1 : 1),
  );
  const taken = new Set<string>();
  for (const user of waiting) {
    const match = candidates.find(
      (d) => !taken.has(d.id) && madeAfterCreate(user, d, context.firstSeen(d.id)),
    );
    if (!match) continue;
    if (user.userId === record.userId) {
      const fence = waiting.filter((w) => w.userId !== record.userId);
      return { kind: 'adopt', databaseId: match.id, databaseName: match.name ?? match.id, fence };
    }
    taken.add(match.id);
  }
  return { kind: 'wait' };
}

/** When a database was made, as far as is known: Aura's `created_at`, else first listed. */
function madeAt(
  database: Pick<Database, 'id' | 'createdAt'>,
  context: { firstSeen: (databaseId: string) => number | undefined },
): number {
  const created = database.createdAt ? Date.parse(database.createdAt) : Number.NaN;
  return Number.isFinite(created) ? created : (context.firstSeen(database.id) ?? 0);
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
