import type { UserDatabasePatch, UserDatabaseRecord } from '../records/record.js';
import { idleTransition } from './idle/idle-transition.js';
import { PLACEMENT_DEFAULTS } from './placement.js';
import type { PollPolicy } from './poll-policy.js';
import {
  failedRetryAt,
  nextStatusCheckAt,
  pastDeadline,
  withinNotFoundGrace,
} from './poll-policy.js';

/** Something that happened to a user's database. The orchestrator feeds these to {@link transition}. */
export type ProvisioningEvent =
  /** A worker starts a create attempt (it owns the record for the lease). */
  | { type: 'create-attempt' }
  /**
   * The attempt's create is about to leave (it may have waited in the rate
   * limiter): the lease runs from now, so it covers the request itself.
   */
  | { type: 'create-sending' }
  /** Aura accepted the create; the password is already encrypted. */
  | {
      type: 'create-accepted';
      instanceId: string;
      connectionUrl: string;
      username: string;
      encryptedPassword: string;
    }
  /**
   * Not now: try again at `retryAt`. `refused` when Aura certainly created
   * nothing (a 429, or the request never left): the attempt is not counted.
   */
  | { type: 'create-deferred'; reason: string; retryAt: number; refused: boolean }
  /**
   * Placement `database-per-user`: no host has a free slot yet. The user waits
   * (`waitingForHostSince`), woken by a host with room, or looked at again at `retryAt`.
   */
  | { type: 'host-awaited'; reason: string; retryAt: number }
  /** Aura refused the create for good or for now (`retryable`). */
  | { type: 'create-rejected'; reason: string; retryable: boolean }
  /** A status read of the creating instance. */
  | { type: 'status-seen'; status: string }
  /** A status read answered 404. */
  | { type: 'instance-missing' }
  /**
   * Reconcile retries a failed record: back to pending, without the old
   * instance. `resetAttempts` (an operator's explicit retry) starts the
   * attempt count afresh.
   */
  | { type: 'retry'; resetAttempts?: boolean }
  /** Deprovisioning starts. */
  | { type: 'deprovision' }
  /**
   * Reconcile found the user's instance (or database, or its host) gone
   * behind the library: provisioned again (`reprovision`: back to pending,
   * attempts and history kept) or failed for an operator to retry.
   */
  | { type: 'lost'; reason: string; reprovision: boolean }
  /**
   * Placement `database-per-user`: a slot on a host is taken; the user's
   * database is about to be created there (its name is fixed, so a lost
   * answer is settled by listing the host's databases). First read at `readAt`.
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
  | { type: 'database-rejected'; reason: string; retryable: boolean }
  /**
   * The idle policy pauses the user's instance (about to be asked of Aura; again, for an
   * instance Aura resumed on its own): the record says paused from now on.
   */
  | { type: 'pause-requested' }
  /**
   * A use wakes a paused user: the resume is about to be asked of Aura (again, for a resuming
   * record whose resume is re-sent). The compare-and-set makes one waker of many.
   */
  | { type: 'resume-requested' };

/** Everything {@link transition} needs besides the record and the event. */
export interface TransitionContext {
  now: number;
  policy: PollPolicy;
  createLeaseMs: number;
  maxCreateAttempts: number;
  failedRetryBaseMs: number;
  failedRetryMaxMs: number;
}

export type TransitionResult =
  | { ok: true; patch: UserDatabasePatch }
  | { ok: false; reason: string };

/** Reasons a record fails with that a later retry may cure. */
const failed = (
  record: UserDatabaseRecord,
  reason: string,
  retryable: boolean,
  ctx: TransitionContext,
): TransitionResult => ({
  ok: true,
  patch: {
    status: 'failed',
    lastError: reason,
    nextCheckAt:
      retryable && record.attempts < ctx.maxCreateAttempts
        ? failedRetryAt(ctx.now, record.attempts, ctx.failedRetryBaseMs, ctx.failedRetryMaxMs)
        : null,
  },
});

/** The statuses whose instance (or database) can be found lost. */
const LOSABLE = new Set<UserDatabaseRecord['status']>(['ready', 'creating', 'paused', 'resuming']);

const refuse = (record: UserDatabaseRecord, event: ProvisioningEvent): TransitionResult => ({
  ok: false,
  reason: `${event.type} does not apply to a ${record.status} record`,
});

/** A record that no longer holds an instance or a database (a retry, a lost one). */
const WITHOUT_RESOURCE = {
  instanceId: null,
  connectionUrl: null,
  username: null,
  encryptedPassword: null,
  databaseName: null,
  databaseId: null,
  createRequestedAt: null,
  readyAt: null,
} as const satisfies UserDatabasePatch;

/** The `creating` moves of a user whose database lives on a host (placement `database-per-user`). */
function hostedTransition(
  record: UserDatabaseRecord,
  event: ProvisioningEvent,
  ctx: TransitionContext,
  since: number,
): TransitionResult {
  const { now } = ctx;
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

/**
 * The provisioning state machine, as a pure function: given a record and an
 * event, the patch to compare-and-set, or why the event does not apply.
 *
 * ```
 * (none) --claim--> pending --create-accepted--> creating --status running--> ready
 * pending --create-rejected--> failed          pending --create-deferred--> pending
 * pending --create-attempt / create-sending (the lease)--> pending
 * creating --loading failed / destroying / deadline / lasting 404--> failed
 * failed --retry--> pending                    any --deprovision--> deleting
 * ready --lost--> pending (reprovision) or failed
 * ```
 * With the `database-per-user` placement, a user's database is created on a
 * shared host: `pending --database-placed--> creating --database-seen online--> ready`,
 * `creating --database-unplaced--> pending` (the host was full after all),
 * `creating --database-resent / database-rejected / deadline--> creating / failed`.
 * A failed record is retryable when its `nextCheckAt` is set. The idle policy
 * (instance-per-user only, see `idle/idle-transition.ts`):
 * `ready --pause-requested--> paused --resume-requested--> resuming --status running--> ready`.
 */
export function transition(
  record: UserDatabaseRecord,
  event: ProvisioningEvent,
  ctx: TransitionContext,
): TransitionResult {
  const { now, policy } = ctx;
  if (event.type === 'deprovision') {
    return record.status === 'deleting'
      ? refuse(record, event)
      : { ok: true, patch: { status: 'deleting', nextCheckAt: now } };
  }
  if (event.type === 'lost') {
    // Ready, paused or resuming, or (a host gone) creating: anything else is settling on its own.
    if (!LOSABLE.has(record.status)) return refuse(record, event);
    return {
      ok: true,
      patch: {
        ...WITHOUT_RESOURCE,
        status: event.reprovision ? 'pending' : 'failed',
        lastError: event.reason,
        nextCheckAt: event.reprovision ? now : null,
      },
    };
  }
  const idle = idleTransition(record, event, now);
  if (idle) return idle;
  switch (record.status) {
    case 'pending':
      switch (event.type) {
        case 'create-attempt':
          if (record.attempts >= ctx.maxCreateAttempts) {
            return failed(record, 'too-many-create-attempts', false, ctx);
          }
          return {
            ok: true,
            patch: { attempts: record.attempts + 1, nextCheckAt: now + ctx.createLeaseMs },
          };
        case 'create-sending':
          return { ok: true, patch: { nextCheckAt: now + ctx.createLeaseMs } };
        case 'create-accepted':
          return {
            ok: true,
            patch: {
              status: 'creating',
              instanceId: event.instanceId,
              connectionUrl: event.connectionUrl,
              username: event.username,
              encryptedPassword: event.encryptedPassword,
              createRequestedAt: now,
              lastError: null,
              nextCheckAt: nextStatusCheckAt(now, now, policy),
            },
          };
        case 'create-deferred':
          // Never fails here: at the attempt limit, the next create-attempt first looks
          // the name up (an unknown outcome may have left an instance) and then fails.
          return {
            ok: true,
            patch: {
              lastError: event.reason,
              nextCheckAt: event.retryAt,
              attempts: event.refused ? Math.max(0, record.attempts - 1) : record.attempts,
            },
          };
        case 'create-rejected':
          return failed(record, event.reason, event.retryable, ctx);
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
    case 'creating': {
      const since = record.createRequestedAt ?? record.updatedAt;
      // A hosted user's instance is the host: its status says nothing about the user's database.
      if (record.placement === 'database-per-user') {
        return hostedTransition(record, event, ctx, since);
      }
      if (event.type === 'status-seen') {
        if (event.status === 'running') {
          return {
            ok: true,
            patch: { status: 'ready', readyAt: now, nextCheckAt: null, lastError: null },
          };
        }
        if (event.status === 'loading failed' || event.status === 'destroying') {
          return failed(record, `instance-${event.status.replace(' ', '-')}`, true, ctx);
        }
      } else if (event.type === 'instance-missing') {
        if (!withinNotFoundGrace(since, now, policy)) {
          return failed(record, 'instance-not-found', true, ctx);
        }
      } else {
        return refuse(record, event);
      }
      if (pastDeadline(since, now, policy)) return failed(record, 'deadline-exceeded', true, ctx);
      return { ok: true, patch: { nextCheckAt: nextStatusCheckAt(since, now, policy) } };
    }
    case 'failed':
      if (event.type !== 'retry') return refuse(record, event);
      return {
        ok: true,
        patch: {
          status: 'pending',
          ...(event.resetAttempts ? { attempts: 0 } : {}),
          ...WITHOUT_RESOURCE,
          nextCheckAt: now,
        },
      };
    default:
      return refuse(record, event);
  }
}
