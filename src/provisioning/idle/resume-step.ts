import { isAuraError } from '../../aura/errors/base.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { PROVISIONING_DEFAULTS } from '../defaults.js';
import {
  applyEvent,
  type EventDeps,
  type Runtime,
  type ScheduleDeps,
  scheduleNext,
} from '../runtime.js';

/** What waking a user and following the resume work with. */
export type ResumeDeps = EventDeps & ScheduleDeps & Pick<Runtime, 'aura' | 'emit'>;

/**
 * Asks Aura to resume the user's instance. A 409 (still pausing, or running already) and a
 * transient failure are left to the resume check, which reads the status and asks again while
 * the instance is paused.
 */
async function sendResume(rt: ResumeDeps, record: UserDatabaseRecord): Promise<void> {
  if (!record.instanceId) return;
  try {
    await rt.aura.instances.resume(record.instanceId, { priority: 'high' });
  } catch (error) {
    if (isAuraError(error, 'conflict')) return;
    rt.logger.warn?.('resume request failed; the resume check asks again', {
      userId: record.userId,
      error: String(error),
    });
  }
}

/**
 * Wakes a paused user: the compare-and-set `paused -> resuming` makes one waker of any number
 * of callers (across processes, through the store), which asks Aura to resume the instance and
 * schedules the resume check. Answers the record as it stands (`resuming` after a wake,
 * whatever it was otherwise, `null` without one).
 *
 * @example
 * ```ts
 * const record = await wakeUser(rt, userId); // record.status: 'resuming'
 * ```
 */
export async function wakeUser(rt: ResumeDeps, userId: string): Promise<UserDatabaseRecord | null> {
  for (;;) {
    const record = await rt.store.get(userId);
    if (record?.status !== 'paused') return record;
    const next = await applyEvent(rt, record, { type: 'resume-requested' });
    if (!next) continue; // changed meanwhile (another waker won): read again
    rt.emit({ type: 'resuming', userId, instanceId: record.instanceId ?? undefined });
    // A wake is a use: the idle policy must not pause the instance again before the user's
    // first query after it (recorded by the clients) arrives.
    await rt.store.recordUse?.([{ userId, at: rt.clock.now() }]).catch((error: unknown) => {
      rt.logger.warn?.('could not record the use that woke the user', {
        userId,
        error: String(error),
      });
    });
    await sendResume(rt, next);
    await scheduleNext(rt, next);
    return next;
  }
}

/**
 * Follows a `resuming` record whose check is due: one status read; a paused instance is asked
 * to resume (again: the first request was lost, or came while it was still pausing); a running
 * one makes the user ready. Reconcile hands over a resuming record left by a process that died,
 * so a wake is always finished.
 */
export async function runResumeCheck(rt: ResumeDeps, record: UserDatabaseRecord): Promise<void> {
  const { userId, instanceId } = record;
  if (!instanceId) return;
  let status: string;
  try {
    status = (await rt.aura.instances.get(instanceId, { priority: 'high' })).status;
  } catch (error) {
    if (isAuraError(error, 'not_found')) {
      const failed = await applyEvent(rt, record, { type: 'instance-missing' });
      if (failed) rt.emit({ type: 'failed', userId, instanceId, reason: 'instance-lost' });
      return;
    }
    rt.logger.warn?.('status read of a resuming instance failed; will retry', {
      userId,
      error: String(error),
    });
    await rt.scheduler.schedule(
      userId,
      rt.clock.now() + PROVISIONING_DEFAULTS.transientRetryMs,
      'high',
    );
    return;
  }
  if (status === 'paused') await sendResume(rt, record);
  const next = await applyEvent(rt, record, { type: 'status-seen', status });
  if (next?.status === 'ready') {
    rt.emit({ type: 'ready', userId, instanceId, instanceName: record.instanceName });
    return;
  }
  await scheduleNext(rt, next);
}
