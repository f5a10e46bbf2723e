import type { UserDatabasePatch, UserDatabaseRecord } from '../records/record.js';
import { idleTransition } from './idle/idle-transition.js';
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

/** The move to `failed` with `reason`: retried later when `retryable` and attempts are left. */
export const failed = (
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

/** Why an event does not apply to a record in its status. */
export const refuse = (record: UserDatabaseRecord, event: { type: string }): TransitionResult => ({
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
 * The moves both placements share (`retry`, `deprovision`, `lost`) and those of
 * `instance-per-user`; a `database-per-user` user's database moves are its
 * strategy's (`database/hosted-transition.ts`), which hands every other event here.
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
        default:
          return refuse(record, event);
      }
    case 'creating': {
      const since = record.createRequestedAt ?? record.updatedAt;
      // A hosted user's instance is the host: its status says nothing about the user's database
      // (the database strategy's own moves, `database/hosted-transition.ts`, read that).
      if (record.placement === 'database-per-user') return refuse(record, event);
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
