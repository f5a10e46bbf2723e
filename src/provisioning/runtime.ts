import type { AuraClient } from '../aura/client.js';
import type { CreateInstanceInput } from '../aura/requests.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { ProvisioningEventInfo } from '../records/events.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore } from '../records/store.js';
import type { IdleReader } from './idle-reader.js';
import type { CreationTimeLearner, PollPolicy } from './poll-policy.js';
import type { ProbeTrust } from './probe-trust.js';
import type { PollScheduler } from './scheduler.js';
import { type ProvisioningEvent, type TransitionContext, transition } from './transition.js';

/** The instance every user gets: a create spec without the name (derived from the user id). */
export type InstanceSpec = Omit<CreateInstanceInput, 'name'>;

/**
 * Tells, without spending Aura API budget, whether a creating instance
 * answers yet (its host resolves and accepts TLS, say). Optional; when it
 * says yes, one status read confirms. Off by default.
 */
export type ReadinessProbe = (instance: {
  instanceId: string;
  connectionUrl: string;
}) => Promise<boolean>;

/** What the steps of the orchestrator share. Internal. */
export interface Runtime {
  aura: AuraClient;
  store: CredentialStore;
  cipher: CredentialCipher;
  scheduler: PollScheduler;
  clock: Clock;
  logger: Logger;
  spec: InstanceSpec;
  prefix: string;
  policy: PollPolicy;
  /**
   * Learns the first status read's timing from what the reads answer: for users read on the
   * status policy (no probe, or one not trusted for them).
   */
  readLearner: CreationTimeLearner;
  /**
   * Learns creation times from reads that come close after the instance does: right after the
   * probe said ready, or an idle-budget read (see {@link IdleReader}).
   */
  durationLearner: CreationTimeLearner;
  /** Spends idle rate budget on extra status reads of the longest-waiting creating users. */
  idleReader: IdleReader;
  probe: ReadinessProbe | undefined;
  /**
   * Whether the probe is followed, per user and overall: a user whose probe said ready while
   * the read still saw creating is read on the status policy from then on, and a probe found
   * wrong for most recent users is dropped altogether.
   */
  probeTrust: ProbeTrust;
  limits: Omit<TransitionContext, 'now' | 'policy'> & {
    ambiguousCreateDelayMs: number;
    storeWriteAttempts: number;
    storeWriteBackoffMs: number;
  };
  emit(event: Omit<ProvisioningEventInfo, 'at'>): void;
}

/**
 * The transition context for `userId` at this moment, with the learned
 * creation time. Where the readiness probe is followed, status reads are only
 * a backstop (the probe says when to read): the first comes at twice the
 * expected time, then every `maxIntervalMs`.
 */
export function contextOf(rt: Runtime, userId: string): TransitionContext {
  const policy = rt.probeTrust.trusts(userId)
    ? {
        ...rt.policy,
        expectedCreationMs: 2 * rt.durationLearner.estimate(),
        minIntervalMs: rt.policy.maxIntervalMs,
      }
    : { ...rt.policy, expectedCreationMs: rt.readLearner.estimate() };
  return { ...rt.limits, now: rt.clock.now(), policy };
}

/**
 * Applies `event` to `record` through the state machine and a
 * compare-and-set. `null` when the event does not apply or the record
 * changed meanwhile (the caller re-reads). The store is guarded: its errors are
 * `CredentialStoreError`s. A record that leaves `creating` is let go of by the
 * probe's trust and the idle reader.
 */
export async function applyEvent(
  rt: Runtime,
  record: UserDatabaseRecord,
  event: ProvisioningEvent,
): Promise<UserDatabaseRecord | null> {
  const result = transition(record, event, contextOf(rt, record.userId));
  if (!result.ok) {
    rt.logger.debug?.('provisioning event ignored', {
      userId: record.userId,
      reason: result.reason,
    });
    return null;
  }
  const next = await rt.store.update(record.userId, record.version, result.patch);
  // Out of `creating` here: nothing left to probe or idle-read for the user. (A record another
  // process moves on is let go of when this one next checks it.)
  if (next && next.status !== 'creating') forgetCreating(rt, record.userId);
  return next;
}

/** The user is no longer creating: the probe's trust and the idle reader let go of them. */
export function forgetCreating(rt: Runtime, userId: string): void {
  rt.probeTrust.forget(userId);
  rt.idleReader.forget(userId);
}

/**
 * Schedules the record's next check if it waits for one. With a readiness
 * probe, a creating record wakes up for cheap probes before its next
 * status read (from half the expected creation time on).
 */
export async function scheduleNext(rt: Runtime, record: UserDatabaseRecord | null): Promise<void> {
  if (!record || record.nextCheckAt === null) return;
  if (record.status === 'ready' || record.status === 'failed') return;
  let at = record.nextCheckAt;
  if (
    rt.probeTrust.trusts(record.userId) &&
    record.status === 'creating' &&
    record.createRequestedAt !== null
  ) {
    const now = rt.clock.now();
    const firstProbe = record.createRequestedAt + rt.durationLearner.estimate() / 2;
    at = Math.min(at, Math.max(firstProbe, now + rt.policy.probeIntervalMs));
  }
  await rt.scheduler.schedule(record.userId, at, record.status === 'creating' ? 'high' : 'normal');
}
