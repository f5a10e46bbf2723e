import type { AuraClient } from '../aura/client.js';
import type { CreateInstanceInput } from '../aura/requests.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { ProvisioningEventInfo } from '../records/events.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore } from '../records/store.js';
import { forgetCreating } from './creating-users.js';
import type { IdleReader } from './idle-reader.js';
import { plannedWait, waitsForCheck } from './next-check.js';
import type { NameOwnership } from './ownership.js';
import type { CreationTimeLearner, PollPolicy } from './poll-policy.js';
import type { ProbeTrust } from './probe-trust.js';
import type { PollScheduler } from './scheduler.js';
import {
  type ProvisioningEvent,
  type TransitionContext,
  type TransitionResult,
  transition,
} from './transition.js';

/** The instance every user gets: a create spec without the name (derived from the user id). */
export type InstanceSpec = Omit<CreateInstanceInput, 'name'>;

/**
 * The tenant the provisioner creates and looks in: the spec's `tenantId`
 * (or the client's), else the only tenant the credentials see, looked up
 * once by the client (`AuraTenantRequiredError` with none or several).
 */
export function tenantOf(rt: Pick<Runtime, 'aura' | 'spec'>): Promise<string> {
  return rt.spec.tenantId !== undefined
    ? Promise.resolve(rt.spec.tenantId)
    : rt.aura.tenants.defaultId();
}

/**
 * Tells, without spending Aura API budget, whether a creating instance
 * answers yet (its host resolves and accepts TLS, say). Optional; when it
 * says yes, one status read confirms. Off by default.
 */
export type ReadinessProbe = (instance: {
  instanceId: string;
  connectionUrl: string;
}) => Promise<boolean>;

/**
 * Everything the engine's steps work with, built once by `createProvisioner`.
 * No step takes all of it: each names the part it uses (the `...Deps` types
 * below and beside each step). Internal.
 */
export interface Runtime {
  aura: AuraClient;
  store: CredentialStore;
  cipher: CredentialCipher;
  scheduler: PollScheduler;
  clock: Clock;
  logger: Logger;
  /** Without `tenantId` when neither the spec nor the client named one: see {@link tenantOf}. */
  spec: Omit<InstanceSpec, 'tenantId'> & { tenantId?: string | undefined };
  prefix: string;
  /** The configured poll policy (its `expectedCreationMs` is only the learners' starting value). */
  policy: PollPolicy;
  /**
   * Learns the first status read's timing from what the reads answer: for users read on the
   * status policy (no probe, or one not trusted for them). Starts at `policy.expectedCreationMs`.
   */
  readLearner: CreationTimeLearner;
  /**
   * Learns creation times from reads that come close after the instance does: right after the
   * probe said ready. `policy.expectedCreationMs` until 10 are seen.
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
  /** How this deployment's names are told from others' (the deployment tag), resolved once. */
  names(): Promise<NameOwnership>;
  /** Reconcile's settings, and what it remembers between passes. */
  reconciling: {
    graceMs: number;
    firstSeen: Map<string, number>;
  };
}

/** What working out a user's transition context takes (see {@link contextOf}). */
export type TransitionDeps = Pick<
  Runtime,
  'clock' | 'policy' | 'limits' | 'probeTrust' | 'readLearner' | 'durationLearner'
>;

/** What keeps track of the users this process has seen creating (probe trust, idle reads). */
export type CreatingDeps = Pick<Runtime, 'probeTrust' | 'idleReader'>;

/** What applying an event to a record takes (see {@link applyEvent}). */
export type EventDeps = TransitionDeps & CreatingDeps & Pick<Runtime, 'store' | 'logger'>;

/** What scheduling a record's next check takes (see {@link scheduleNext}). */
export type ScheduleDeps = Pick<
  Runtime,
  'scheduler' | 'clock' | 'policy' | 'probeTrust' | 'durationLearner'
>;

/**
 * The transition context for `userId` at this moment. Its policy's
 * `expectedCreationMs` is the learned first-read time, not the configured
 * one: where the readiness probe is followed, status reads are only a
 * backstop (the probe says when to read), so the first comes at twice the
 * probe-timed creation time, then every `maxIntervalMs`; elsewhere it is
 * what the read learner settled on.
 */
export function contextOf(rt: TransitionDeps, userId: string): TransitionContext {
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
export function applyEvent(
  rt: EventDeps,
  record: UserDatabaseRecord,
  event: ProvisioningEvent,
): Promise<UserDatabaseRecord | null> {
  return applyMove(rt, record, transition(record, event, contextOf(rt, record.userId)));
}

/**
 * Writes the move a state machine decided for `record` (the shared {@link transition}, or a
 * placement's own on top of it, given {@link contextOf} the user), as {@link applyEvent} does.
 */
export async function applyMove(
  rt: EventDeps,
  record: UserDatabaseRecord,
  result: TransitionResult,
): Promise<UserDatabaseRecord | null> {
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

/**
 * Schedules the record's next check if it waits for one (see `plannedWait`):
 * where the readiness probe is followed for a creating user, it wakes up for
 * cheap probes before its next status read, from half the probe-timed
 * creation time on.
 */
export async function scheduleNext(
  rt: ScheduleDeps,
  record: UserDatabaseRecord | null,
): Promise<void> {
  if (!record || !waitsForCheck(record)) return;
  const probe = rt.probeTrust.trusts(record.userId)
    ? {
        firstProbeAfterMs: rt.durationLearner.estimate() / 2,
        probeIntervalMs: rt.policy.probeIntervalMs,
      }
    : undefined;
  const wait = plannedWait(record, rt.clock.now(), probe);
  if (wait) await rt.scheduler.schedule(record.userId, wait.at, wait.priority);
}
