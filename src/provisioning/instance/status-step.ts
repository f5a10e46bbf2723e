import { isAuraError } from '../../aura/errors/base.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { trackCreating } from '../creating-users.js';
import { PROVISIONING_DEFAULTS } from '../defaults.js';
import {
  applyEvent,
  type EventDeps,
  type Runtime,
  type ScheduleDeps,
  scheduleNext,
} from '../runtime.js';

/** What the status step works with. */
export type StatusStepDeps = EventDeps & ScheduleDeps & Pick<Runtime, 'aura' | 'probe' | 'emit'>;

/**
 * Drives a `creating` record whose check is due: one status read (or, with
 * a readiness probe, a free probe first), then the state machine decides:
 * ready, failed, or the next check time.
 */
export async function runStatusCheck(
  rt: StatusStepDeps,
  record: UserDatabaseRecord,
): Promise<void> {
  const { userId, instanceId } = record;
  if (!instanceId) return;
  const now = rt.clock.now();
  const probe = rt.probeTrust.trusts(userId) ? rt.probe : undefined;
  let probed = false;
  if (probe && record.connectionUrl && record.nextCheckAt !== null && now < record.nextCheckAt) {
    // Between status reads, only the probe runs; it costs no API budget.
    probed = await probe({ instanceId, connectionUrl: record.connectionUrl }).catch(() => false);
    if (!probed) {
      rt.probeTrust.noteNotReady(userId);
      const probeAt = Math.min(record.nextCheckAt, now + rt.policy.probeIntervalMs);
      await rt.scheduler.schedule(userId, probeAt, 'high');
      return;
    }
  } else if (record.nextCheckAt !== null && now < record.nextCheckAt) {
    // Woken early for a probe no longer followed for this user: wait for the policy's read.
    await scheduleNext(rt, record);
    return;
  }
  // Missed only if this process asked the probe and it said no shortly before the read left.
  // Asked before the transition, which lets go of the user's probe state when they leave `creating`.
  const lastNotReadyAt = probe ? rt.probeTrust.lastNotReadyAt(userId) : undefined;
  // When the read's last attempt left: after its wait in the client's queue (a 429 pause).
  let sentAt: number | undefined;
  const beforeSend = () => {
    sentAt = rt.clock.now();
  };
  let next: UserDatabaseRecord | null;
  let seen: string | undefined;
  try {
    const instance = await rt.aura.instances.get(instanceId, { priority: 'high', beforeSend });
    seen = instance.status;
    // Judged before the transition plans the next read: from now on, on the status policy.
    if (probed && seen === 'creating') rt.probeTrust.record(userId, 'early');
    next = await applyEvent(rt, record, { type: 'status-seen', status: seen });
  } catch (error) {
    if (!isAuraError(error, 'not_found')) {
      rt.logger.warn?.('status read failed; will retry', { userId, error: String(error) });
      await rt.scheduler.schedule(
        userId,
        rt.clock.now() + PROVISIONING_DEFAULTS.transientRetryMs,
        'high',
      );
      return;
    }
    // The probe said ready, and Aura does not even show the instance yet: early.
    if (probed) rt.probeTrust.record(userId, 'early');
    next = await applyEvent(rt, record, { type: 'instance-missing' });
  }
  if (!next) {
    // Changed meanwhile (another process, a deprovision): whoever changed it goes on.
    rt.idleReader.forget(userId);
    return;
  }
  if (record.createRequestedAt !== null && (seen === 'running' || seen === 'creating')) {
    const at = rt.clock.now();
    const running = seen === 'running';
    // A probe-timed read measures the creation time; a read on the policy's schedule only says
    // whether it came too early, and judges the probe if it was followed for this user.
    if (probed) {
      rt.durationLearner.observeRead(at - record.createRequestedAt, running, at);
      if (running) rt.probeTrust.record(userId, 'confirmed');
    } else {
      rt.readLearner.observeRead(at - record.createRequestedAt, running, at);
      const { probeIntervalMs } = rt.policy;
      if (running && rt.probeTrust.showsMissed(lastNotReadyAt, sentAt ?? at, probeIntervalMs)) {
        rt.probeTrust.record(userId, 'missed');
      }
    }
  }
  trackCreating(rt, next, rt.clock.now());
  const info = { userId, instanceId, instanceName: record.instanceName };
  if (next.status === 'ready') {
    rt.emit({ type: 'ready', ...info });
    return;
  }
  if (next.status === 'failed') {
    const retryable = next.nextCheckAt !== null;
    rt.emit({ type: 'failed', ...info, reason: next.lastError ?? undefined, retryable });
    return;
  }
  await scheduleNext(rt, next);
}

/**
 * An idle-budget read saw `instanceId` running: apply it to the user's record
 * (read afresh) as a status read would, and say so. The planned check, still
 * scheduled, then finds the user ready and does nothing.
 */
export async function markRunning(
  rt: EventDeps & Pick<Runtime, 'emit'>,
  userId: string,
  instanceId: string,
): Promise<void> {
  const record = await rt.store.get(userId);
  if (record?.status !== 'creating' || record.instanceId !== instanceId) return;
  const next = await applyEvent(rt, record, { type: 'status-seen', status: 'running' });
  if (next?.status !== 'ready') return;
  rt.emit({ type: 'ready', userId, instanceId, instanceName: record.instanceName });
}
