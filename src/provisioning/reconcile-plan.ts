import type { UserDatabaseRecord } from '../records/record.js';
import type { SchedulePriority } from './scheduler.js';

/** What reconcile does with a proven orphan (see `ownership.ts`). */
export type OrphanPolicy = 'report' | 'adopt' | 'delete';

/** What became of an orphan (or, in a dry run, would). */
export type OrphanAction = 'reported' | 'adopted' | 'deleted';

/** What reconcile does with one record, as {@link planRecord} decides it. */
export type RecordStep =
  /**
   * Hand it (back) to the scheduler at `at`. `plannedRead`: a creating record
   * waiting for its planned status read, resumed as after a read (idle reads
   * tracked; a followed readiness probe may wake it before `at`).
   */
  | { kind: 'resume'; at: number; priority: SchedulePriority; plannedRead: boolean }
  /** A failed record whose retry is due: delete its old instance, then back to pending. */
  | { kind: 'retry' }
  /** Ready, or failed and not (yet) to be retried. */
  | { kind: 'none' };

/** What {@link planRecord} needs besides the record. */
export interface RecordPlanContext {
  /** When the reconcile run started. */
  now: number;
  /** Retry failed records whose retry is due. */
  retryFailed: boolean;
}

/**
 * What reconcile does with one record of its snapshot: resume a waiting one
 * (pending, creating, deleting, resuming) at its due time or now, retry a failed one
 * whose retry is due, leave the rest. Pure.
 *
 * @example
 * ```ts
 * planRecord(failed, { now: Date.now(), retryFailed: true }); // { kind: 'retry' } once its retry is due
 * ```
 */
export function planRecord(record: UserDatabaseRecord, context: RecordPlanContext): RecordStep {
  const { status, nextCheckAt } = record;
  if (
    status === 'pending' ||
    status === 'creating' ||
    status === 'deleting' ||
    status === 'resuming'
  ) {
    if (status === 'creating' && nextCheckAt !== null) {
      return { kind: 'resume', at: nextCheckAt, priority: 'high', plannedRead: true };
    }
    const at = Math.max(context.now, nextCheckAt ?? context.now);
    // A resuming user waits for their database as a signup does: a wake a crash left is finished.
    const priority = status === 'creating' || status === 'resuming' ? 'high' : 'normal';
    return { kind: 'resume', at, priority, plannedRead: false };
  }
  const due = status === 'failed' && nextCheckAt !== null && nextCheckAt <= context.now;
  return due && context.retryFailed ? { kind: 'retry' } : { kind: 'none' };
}
