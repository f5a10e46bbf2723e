import type { UserDatabaseRecord } from '../../records/record.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';
import {
  failed,
  type ProvisioningEvent,
  refuse,
  type TransitionContext,
  type TransitionResult,
  transition,
} from '../transition.js';

/**
 * What happened to the database of a user placed on a shared host (placement
 * `database-per-user`). The database strategy feeds these to {@link hostedTransition}.
 */
export type HostedEvent =
  /**
   * A process is about to take a slot for the user: the record's version
   * moves (a compare-and-set), so of the processes that stepped the user from
   * one read (a signup delivered to both, a wake) only one takes a slot.
   * Nothing else changes: should that process stop, the user is as due as before.
   */
  | { type: 'placement-claimed' }
  /**
   * No host has a free slot yet. The user waits (`waitingForHostSince`), woken
   * by a host with room, or looked at again at `retryAt`.
   */
  | { type: 'host-awaited'; reason: string; retryAt: number }
  /**
   * A slot on a host is taken; the user's database is about to be created
   * there (its name is fixed, so a lost answer is settled by listing the
   * host's databases). First read at `readAt`.
   */
  | {
      type: 'database-placed';
      instanceId: string;
      connectionUrl: string;
      username: string;
      databaseName: string;
      readAt: number;
    }
  /** A listing of the host shows the user's database: `online` or not yet; next read at `readAt`. */
  | { type: 'database-seen'; online: boolean; readAt: number }
  /** The listing does not show it: the create is sent again (a duplicate is refused by name). */
  | { type: 'database-resent'; readAt: number }
  /**
   * Aura answered the create (or a listing or a settled lost answer names the
   * user's database): the record takes the database's id, and the name Aura
   * reports (it may assign its own). Stored at once: the id owns the database.
   */
  | { type: 'database-named'; databaseId: string; databaseName: string }
  /**
   * Another user's lost create answer on the same host is about to be settled:
   * the record's version moves, so an answer still on its way for it cannot be
   * stored afterwards (it no longer matches the version it was sent from).
   */
  | { type: 'database-fenced' }
  /** The host cannot take it after all (full): back to pending, to be placed again. */
  | { type: 'database-unplaced' }
  /** Aura refused the database for good or for now (`retryable`). */
  | { type: 'database-rejected'; reason: string; retryable: boolean };

const HOSTED_EVENTS: ReadonlySet<string> = new Set<HostedEvent['type']>([
  'placement-claimed',
  'host-awaited',
  'database-placed',
  'database-seen',
  'database-resent',
  'database-named',
  'database-fenced',
  'database-unplaced',
  'database-rejected',
]);

const isHosted = (event: HostedEvent | ProvisioningEvent): event is HostedEvent =>
  HOSTED_EVENTS.has(event.type);

/**
 * The moves of a hosted user's record, as a pure function: the user's
 * database on a shared host, and every other event handed to the shared
 * {@link transition} (`retry`, `deprovision`, `lost`).
 *
 * ```
 * pending --placement-claimed--> pending (one placer of those that read it)
 * pending --host-awaited--> pending (waiting)   pending --database-placed--> creating
 * creating --database-seen online--> ready      creating --database-unplaced--> pending
 * creating --database-named / database-fenced / database-resent--> creating
 * creating --database-rejected / too many creates / deadline--> failed
 * ```
 *
 * @example
 * ```ts
 * hostedTransition(placed, { type: 'database-named', databaseId: 'd1', databaseName: 'n1' }, ctx);
 * // { ok: true, patch: { databaseId: 'd1', databaseName: 'n1' } }
 * ```
 */
export function hostedTransition(
  record: UserDatabaseRecord,
  event: HostedEvent | ProvisioningEvent,
  ctx: TransitionContext,
): TransitionResult {
  if (!isHosted(event)) return transition(record, event, ctx);
  if (record.status === 'pending') return placing(record, event, ctx);
  if (record.status === 'creating' && record.placement === 'database-per-user') {
    return creating(record, event, ctx);
  }
  return refuse(record, event);
}

/** The `pending` moves: waiting for a slot, then placed on a host. */
function placing(
  record: UserDatabaseRecord,
  event: HostedEvent,
  { now }: TransitionContext,
): TransitionResult {
  switch (event.type) {
    case 'placement-claimed':
      return { ok: true, patch: {} };
    case 'host-awaited':
      return {
        ok: true,
        patch: {
          lastError: event.reason,
          nextCheckAt: event.retryAt,
          waitingForHostSince: record.waitingForHostSince ?? now,
          attempts: Math.max(0, record.attempts - 1),
        },
      };
    case 'database-placed':
      return {
        ok: true,
        patch: {
          status: 'creating',
          instanceId: event.instanceId,
          connectionUrl: event.connectionUrl,
          username: event.username,
          encryptedPassword: null,
          databaseName: event.databaseName,
          databaseId: null,
          attempts: record.attempts + 1,
          createRequestedAt: now,
          lastError: null,
          waitingForHostSince: null,
          nextCheckAt: event.readAt,
        },
      };
    default:
      return refuse(record, event);
  }
}

/** The `creating` moves: the database read, named, sent again, or given up. */
function creating(
  record: UserDatabaseRecord,
  event: HostedEvent,
  ctx: TransitionContext,
): TransitionResult {
  const { now } = ctx;
  const since = record.createRequestedAt ?? record.updatedAt;
  switch (event.type) {
    case 'database-seen':
      if (event.online) {
        return {
          ok: true,
          patch: { status: 'ready', readyAt: now, nextCheckAt: null, lastError: null },
        };
      }
      if (now - since >= PLACEMENT_DEFAULTS.databaseDeadlineMs) {
        return failed(record, 'database-deadline-exceeded', true, ctx);
      }
      return { ok: true, patch: { nextCheckAt: event.readAt } };
    case 'database-resent':
      if (record.attempts >= ctx.maxCreateAttempts) {
        return failed(record, 'too-many-create-attempts', true, ctx);
      }
      return {
        ok: true,
        patch: { attempts: record.attempts + 1, createRequestedAt: now, nextCheckAt: event.readAt },
      };
    case 'database-named':
      return {
        ok: true,
        patch: { databaseId: event.databaseId, databaseName: event.databaseName },
      };
    case 'database-fenced':
      return { ok: true, patch: { nextCheckAt: record.nextCheckAt } };
    case 'database-unplaced':
      return {
        ok: true,
        patch: {
          status: 'pending',
          instanceId: null,
          connectionUrl: null,
          username: null,
          databaseId: null,
          createRequestedAt: null,
          nextCheckAt: now,
        },
      };
    case 'database-rejected':
      return failed(record, event.reason, event.retryable, ctx);
    default:
      return refuse(record, event);
  }
}
