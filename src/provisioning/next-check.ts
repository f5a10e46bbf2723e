import type { UserDatabaseRecord } from '../records/record.js';
import type { SchedulePriority } from './scheduler.js';

/** When a record waits, and in which lane of the scheduler. */
export interface Wait {
  at: number;
  priority: SchedulePriority;
}

/** What a scheduled check does with a user, as {@link nextCheck} decides it. */
export type NextCheck =
  /** Gone, ready or failed (a failed one waits for reconcile): nothing to do; let go of it. */
  | { kind: 'forget' }
  /** Deprovisioning: delete the instance, then the record. */
  | { kind: 'delete' }
  /** Pending and due: a create attempt. */
  | { kind: 'create' }
  /**
   * Creating, and due or woken early while the readiness probe is followed:
   * the status step (which, before the planned read, only probes).
   */
  | { kind: 'read-status' }
  /** Resuming (a use woke it) and due: read the status, ask again while paused. */
  | { kind: 'resume' }
  /** Woken before its time (a stale or duplicate delivery): schedule the record's own check. */
  | ({ kind: 'wait' } & Wait);

/** What {@link nextCheck} needs besides the record. */
export interface NextCheckContext {
  now: number;
  /** Whether the readiness probe is followed at all (`ProbeTrust.enabled`). */
  probeFollowed: boolean;
}

/**
 * Decides what a scheduled check of a user does, from the record read afresh
 * (`null` when it is gone). Pure: the provisioner reads, decides, then does.
 *
 * @example
 * ```ts
 * nextCheck(record, { now: clock.now(), probeFollowed: false });
 * // a creating record due in a minute: { kind: 'wait', at: record.nextCheckAt, priority: 'high' }
 * ```
 */
export function nextCheck(record: UserDatabaseRecord | null, context: NextCheckContext): NextCheck {
  if (!record) return { kind: 'forget' };
  if (record.status === 'deleting') return { kind: 'delete' };
  const early = record.nextCheckAt !== null && record.nextCheckAt > context.now;
  if (record.status === 'creating' && (!early || context.probeFollowed)) {
    return { kind: 'read-status' };
  }
  if (!early && record.status === 'resuming') return { kind: 'resume' };
  if (!early) return record.status === 'pending' ? { kind: 'create' } : { kind: 'forget' };
  const wait = plannedWait(record, context.now);
  return wait ? { kind: 'wait', ...wait } : { kind: 'forget' };
}

/** Whether the scheduler has a check to make for the record: it is neither settled nor unscheduled. */
export function waitsForCheck(
  record: UserDatabaseRecord,
): record is UserDatabaseRecord & { nextCheckAt: number } {
  return (
    record.nextCheckAt !== null &&
    record.status !== 'ready' &&
    record.status !== 'failed' &&
    record.status !== 'paused'
  );
}

/** With the readiness probe followed for a creating user: when probing starts, and how often. */
export interface ProbeTiming {
  /** The first probe comes this long after the create (half the probe-timed creation time). */
  firstProbeAfterMs: number;
  probeIntervalMs: number;
}

/**
 * When a waiting record is checked next: at its `nextCheckAt`, or, for a
 * creating record whose probe is followed (`probe` given), at the next cheap
 * probe before that (from `firstProbeAfterMs` after the create on). Status
 * reads of creating instances go in the `high` lane. `undefined` when the
 * record waits for nothing (ready, failed: reconcile retries those). Pure.
 *
 * @example
 * ```ts
 * plannedWait(pending, now); // { at: pending.nextCheckAt, priority: 'normal' }
 * ```
 */
export function plannedWait(
  record: UserDatabaseRecord,
  now: number,
  probe?: ProbeTiming,
): Wait | undefined {
  if (!waitsForCheck(record)) return undefined;
  let at = record.nextCheckAt;
  if (probe && record.status === 'creating' && record.createRequestedAt !== null) {
    const firstProbe = record.createRequestedAt + probe.firstProbeAfterMs;
    at = Math.min(at, Math.max(firstProbe, now + probe.probeIntervalMs));
  }
  // A resuming user is being waited for, as a signup is.
  const waitedFor = record.status === 'creating' || record.status === 'resuming';
  return { at, priority: waitedFor ? 'high' : 'normal' };
}
