import type { HostPatch, HostRecord } from '../../records/host-record.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';

/** The `lastError` of a host whose instance was deleted behind the library. */
export const HOST_LOST = 'host-lost';

/**
 * What happened to a host, as the host pool saw it. Each moves the host record
 * as {@link hostTransition} says; the pool writes the patch with a
 * compare-and-set on the host's version.
 */
export type HostEvent =
  /** A due `pending` host: take the create lease (one process sends it). */
  | { type: 'create-attempt' }
  /** A repeated attempt could not tell whether an earlier create opened the instance: later. */
  | { type: 'create-undecided' }
  /** Aura did not take the create now (rate limit, outage): again at `retryAfterMs` or later. */
  | { type: 'create-deferred'; reason: string; retryAfterMs?: number; refused: boolean }
  /** Aura refused the host for good (a quota, billing, a bad spec). */
  | { type: 'create-rejected'; reason: string }
  /** Aura accepted the create: the instance, its connection and the encrypted password. */
  | {
      type: 'create-accepted';
      instanceId: string;
      connectionUrl: string | null;
      username: string | null;
      encryptedPassword: string;
      /** When the new host is first read. */
      readAt: number;
      /** Aura's `default_database_id`, when its answer carried one. */
      defaultDatabaseId?: string | undefined;
    }
  /**
   * A starting host's instance status, from a list of the project's instances;
   * with a running one, the ids of the databases it lists now (before anyone
   * is placed on it), if they were read.
   */
  | {
      type: 'status-seen';
      status: string | undefined;
      intervalMs: number;
      listedIds?: string[] | undefined;
    }
  /** The host's instance is gone behind the library. */
  | { type: 'lost' }
  /** A user takes a slot. */
  | { type: 'slot-taken' }
  /** A user's slot comes back; `databaseDeleted` when its database was deleted at Aura. */
  | { type: 'slot-released'; databaseDeleted?: boolean }
  /** The slots counted again from the host's listing and the records. */
  | { type: 'recounted'; used: number }
  /**
   * Aura refused a user's database for the host's limit while it held `held`
   * databases: the host holds no more than that, and the refused user's slot
   * comes back (never below `held`, so the host shows no room it lacks). Soon
   * after a database there was deleted (`deletedDatabaseGraceMs`), the
   * deleted one may still count: the capacity stays, and the host rests
   * (takes nobody) for `hostRestMs`.
   */
  | { type: 'capacity-learned'; held: number }
  /** A resting host's rest is over: it takes users again. */
  | { type: 'rest-ended' };

/** The outcome of {@link hostTransition}: the patch to write, or why there is nothing to write. */
export type HostTransitionResult =
  | { ok: true; patch: HostPatch }
  | { ok: false; reason: 'not-allowed' | 'unchanged' };

const refuse = { ok: false, reason: 'not-allowed' } as const;
const unchanged = { ok: false, reason: 'unchanged' } as const;

/**
 * Whether a ready host rests at `now` (refused soon after a delete, see
 * `capacity-learned`): it takes nobody. A rest lasts `hostRestMs` at most; a
 * `nextCheckAt` further ahead is no rest of this library's.
 */
export const isResting = (host: Pick<HostRecord, 'status' | 'nextCheckAt'>, now: number) =>
  host.status === 'ready' &&
  host.nextCheckAt !== null &&
  host.nextCheckAt > now &&
  host.nextCheckAt - now <= PLACEMENT_DEFAULTS.hostRestMs;

/** A host's free slots. */
export const freeSlotsOf = (host: Pick<HostRecord, 'capacity' | 'used'>) =>
  Math.max(0, host.capacity - host.used);

/**
 * The host life cycle, as a pure function: `pending` (claimed) -> `creating`
 * (Aura accepted; credentials stored) -> `ready` (takes users); `failed` when
 * Aura refuses it, its instance fails or it is lost. Slots move only on a
 * `ready` host (taken) and never below the one `neo4j` holds (released); a
 * ready host with a `nextCheckAt` ahead rests (see `capacity-learned`).
 *
 * @example
 * ```ts
 * const result = hostTransition(host, { type: 'slot-taken' }, Date.now());
 * if (result.ok) await store.updateHost(host.hostName, host.version, result.patch);
 * ```
 */
export function hostTransition(
  host: HostRecord,
  event: HostEvent,
  now: number,
): HostTransitionResult {
  switch (event.type) {
    case 'create-attempt':
      if (host.status !== 'pending') return refuse;
      return {
        ok: true,
        patch: {
          attempts: host.attempts + 1,
          nextCheckAt: now + PLACEMENT_DEFAULTS.hostCreateLeaseMs,
        },
      };
    case 'create-undecided':
      if (host.status !== 'pending') return refuse;
      return { ok: true, patch: { nextCheckAt: now + PLACEMENT_DEFAULTS.hostCheckIntervalMs } };
    case 'create-deferred':
      if (host.status !== 'pending') return refuse;
      return {
        ok: true,
        patch: {
          lastError: event.reason,
          nextCheckAt: now + (event.retryAfterMs ?? PLACEMENT_DEFAULTS.hostCheckIntervalMs),
          // Refused before it was sent: the attempt does not count.
          attempts: event.refused ? host.attempts - 1 : host.attempts,
        },
      };
    case 'create-rejected':
      if (host.status !== 'pending') return refuse;
      return { ok: true, patch: { status: 'failed', lastError: event.reason, nextCheckAt: null } };
    case 'create-accepted':
      if (host.status !== 'pending') return refuse;
      return {
        ok: true,
        patch: {
          status: 'creating',
          instanceId: event.instanceId,
          connectionUrl: event.connectionUrl,
          username: event.username,
          encryptedPassword: event.encryptedPassword,
          ...(event.defaultDatabaseId ? { defaultDatabaseIds: [event.defaultDatabaseId] } : {}),
          createRequestedAt: now,
          lastError: null,
          nextCheckAt: event.readAt,
        },
      };
    case 'status-seen':
      if (host.status !== 'creating') return refuse;
      if (event.status === 'running') {
        // What a host lists before it takes anyone is its own; a listing of nothing proves nothing.
        const listed = host.defaultDatabaseIds === null && event.listedIds?.length;
        return {
          ok: true,
          patch: {
            status: 'ready',
            readyAt: now,
            nextCheckAt: null,
            ...(listed ? { defaultDatabaseIds: event.listedIds } : {}),
          },
        };
      }
      if (event.status === 'loading failed' || event.status === 'destroying') {
        return {
          ok: true,
          patch: {
            status: 'failed',
            lastError: `instance-${event.status.replace(' ', '-')}`,
            nextCheckAt: null,
          },
        };
      }
      return { ok: true, patch: { nextCheckAt: now + event.intervalMs } };
    case 'lost':
      return { ok: true, patch: { status: 'failed', lastError: HOST_LOST, nextCheckAt: null } };
    case 'slot-taken':
      if (host.status !== 'ready' || freeSlotsOf(host) === 0 || isResting(host, now)) return refuse;
      return { ok: true, patch: { used: host.used + 1 } };
    case 'slot-released':
      if (host.used <= 1) return unchanged;
      return {
        ok: true,
        patch: { used: host.used - 1, ...(event.databaseDeleted ? { slotReleasedAt: now } : {}) },
      };
    case 'rest-ended':
      if (host.status !== 'ready' || host.nextCheckAt === null) return unchanged;
      return { ok: true, patch: { nextCheckAt: null } };
    case 'recounted':
      return host.used === event.used ? unchanged : { ok: true, patch: { used: event.used } };
    case 'capacity-learned': {
      const used = Math.max(event.held, host.used - 1);
      const deletedLately =
        host.slotReleasedAt !== null &&
        now - host.slotReleasedAt < PLACEMENT_DEFAULTS.deletedDatabaseGraceMs;
      if (deletedLately && event.held < host.capacity) {
        return { ok: true, patch: { used, nextCheckAt: now + PLACEMENT_DEFAULTS.hostRestMs } };
      }
      const capacity = Math.min(host.capacity, Math.max(1, event.held));
      if (capacity === host.capacity && used === host.used) return unchanged;
      return { ok: true, patch: { capacity, used } };
    }
  }
}
