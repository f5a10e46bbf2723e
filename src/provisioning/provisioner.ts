import { isProvisioningError, ProvisioningConfigurationError } from '../records/errors.js';
import { ProvisioningEvents, type ProvisioningListener } from '../records/events.js';
import { instanceNameForUser } from '../records/instance-name.js';
import {
  type NewUserDatabaseRecord,
  newRecord,
  type UserDatabaseRecord,
} from '../records/record.js';
import { toStatus, type UserDatabaseStatus } from '../records/status.js';
import { buildRuntime } from './build-runtime.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';
import { tagOf } from './deployment.js';
import { startIdleGovernor } from './idle/governor.js';
import { resolveIdleOptions } from './idle/idle-options.js';
import { runResumeCheck, wakeUser } from './idle/resume-step.js';
import { nextCheck } from './next-check.js';
import type { ProvisionerOptions } from './provisioner-options.js';
import { type ReconcileOptions, type ReconcileReport, reconcile } from './reconcile.js';
import { applyEvent } from './runtime.js';
import { createStrategies } from './strategies.js';
import { type WaitUntilReadyOptions, waitUntilReady } from './wait-ready.js';

export type { ProvisionerOptions } from './provisioner-options.js';

/** The provisioner: one database per user, exactly once. See {@link createProvisioner}. */
export interface Provisioner {
  /** Claims the user and starts creating their instance; idempotent on the user id. */
  provisionUserDatabase(userId: string): Promise<UserDatabaseStatus>;
  /** Claims the user only (fast; for webhooks), leaving the create to the scheduler. */
  claimUser(userId: string): Promise<UserDatabaseStatus>;
  getProvisioningStatus(userId: string): Promise<UserDatabaseStatus>;
  /** Resolves when the user's database is ready; rejects with the failure or a timeout. */
  waitUntilReady(userId: string, options?: WaitUntilReadyOptions): Promise<UserDatabaseStatus>;
  /**
   * Wakes a user whose instance the `idle` policy paused: one of any number of callers (in any
   * process) wins the store's compare-and-set `paused -> resuming` and asks Aura to resume;
   * the provisioner follows the instance until it runs (`ready` again). Answers the status as it
   * stands (`resuming`); any other status is left as it is. Give the provisioner as
   * `wake: { waker: provisioner }` to the per-user clients to wake users on first use.
   */
  wakeUserDatabase(userId: string): Promise<UserDatabaseStatus>;
  /**
   * Deletes the user's instance, then the record. Idempotent: `not_found`
   * when there was nothing to delete; `deleting` when Aura could not be
   * reached and the deletion continues in the background.
   */
  deprovisionUserDatabase(
    userId: string,
  ): Promise<{ status: 'deleted' | 'deleting' | 'not_found' }>;
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>;
  /** Listens to provisioning events; returns the unsubscribe function. */
  subscribe(listener: ProvisioningListener): () => void;
  /**
   * Stops the scheduler (waiting for running checks) and the reconcile timer.
   * Records stay in the store for reconcile.
   */
  close(): Promise<void>;
}

const MAX_USER_ID_LENGTH = 255;

/** Checks a user id: 1–255 characters, no surrounding white space. */
export function checkUserId(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
    throw new ProvisioningConfigurationError(
      `Invalid user id: expected a string of 1–${MAX_USER_ID_LENGTH} characters`,
    );
  }
  if (userId.trim() !== userId) {
    throw new ProvisioningConfigurationError('Invalid user id: it starts or ends with white space');
  }
  return userId;
}

/**
 * Creates the provisioner: every user gets exactly one Aura instance,
 * whatever duplicates, crashes, rate limits and Aura faults happen. The
 * record is claimed before the create, the password is stored encrypted
 * before the record leaves `pending`, and polling follows a budget-aware
 * policy through the scheduler.
 *
 * @example
 * ```ts
 * const provisioner = createProvisioner({
 *   aura, store: new MemoryCredentialStore(), cipher: createAesGcmCipher({ keys, currentKeyId: 'k1' }),
 *   instance: { type: 'professional-db', memory: '1GB', region: 'europe-west1', cloudProvider: 'gcp' },
 * });
 * await provisioner.reconcile(); // at start-up: resume what a restart interrupted
 * await provisioner.provisionUserDatabase(user.id);
 * ```
 */
export function createProvisioner(options: ProvisionerOptions): Provisioner {
  const events = new ProvisioningEvents();
  if (options.onEvent) events.subscribe(options.onEvent);
  const { rt, hosts, reconcileIntervalMs } = buildRuntime(options, events);
  const { clock, logger, scheduler, probeTrust, prefix } = rt;

  const strategies = createStrategies(rt, hosts);
  /**
   * Deletes a user's database as its placement does: their instance, or their database on its
   * host. A hosted record is never handed to the instance delete: that would remove the host.
   */
  const deleteUserDatabase = async (record: UserDatabaseRecord): Promise<boolean> => {
    const strategy = strategies.of(record);
    if (strategy) return strategy.delete(record);
    logger.error?.(
      `a ${record.placement} user can be deprovisioned only with the ${record.placement} placement`,
      {
        userId: record.userId,
      },
    );
    return false;
  };

  /** One scheduled check: read the record afresh, decide (see `nextCheck`), do. */
  const advance = async (userId: string): Promise<void> => {
    const record = await rt.store.get(userId);
    // Ready, failed, gone or not yet created, by this process or another: let go of it.
    for (const strategy of strategies.all) strategy.letGo(userId, record);
    if (!record) return;
    // Asked only for a creating record: the only kind whose check it changes.
    const probeFollowed = record.status === 'creating' && probeTrust.enabled;
    const next = nextCheck(record, { now: clock.now(), probeFollowed });
    const strategy = strategies.of(record);
    if (!strategy && next.kind !== 'delete' && next.kind !== 'forget') {
      // Claimed by a provisioner of the other placement: left for one that runs it.
      logger.warn?.(`a ${record.placement} user is left for a provisioner with that placement`, {
        userId,
      });
    }
    switch (next.kind) {
      case 'delete':
        await deleteUserDatabase(record);
        return;
      case 'create':
        await strategy?.create(record);
        return;
      case 'read-status':
        await strategy?.readStatus(record);
        return;
      case 'wait':
        if (strategy?.wakes(record)) {
          await strategy.create(record);
          return;
        }
        await scheduler.schedule(userId, next.at, next.priority);
        return;
      case 'resume':
        await runResumeCheck(rt, record);
        return;
      case 'forget':
        return;
    }
  };
  scheduler.start(advance);

  for (const strategy of strategies.all) strategy.start();

  /** The claim is an insert-if-absent, so a store that failed is simply asked again. */
  const claimWithRetry = async (fresh: NewUserDatabaseRecord) => {
    const { claimAttempts, claimBackoffMs } = PROVISIONING_DEFAULTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await rt.store.claim(fresh);
      } catch (error) {
        if (attempt >= claimAttempts || !isProvisioningError(error, 'store_failure')) throw error;
        logger.warn?.('claiming a user failed; trying again', {
          userId: fresh.userId,
          attempt,
          error: String(error),
        });
        await clock.sleep(claimBackoffMs * 2 ** (attempt - 1));
      }
    }
  };

  const claim = async (rawUserId: string, schedule: boolean): Promise<UserDatabaseRecord> => {
    const userId = checkUserId(rawUserId);
    const tag = tagOf(await rt.names());
    const { claimed, record } = await claimWithRetry(
      newRecord(userId, instanceNameForUser(userId, prefix, tag), {
        placement: strategies.placement,
        nextCheckAt: clock.now(),
      }),
    );
    if (claimed) {
      rt.emit({ type: 'claimed', userId, instanceName: record.instanceName });
      if (schedule) await scheduler.schedule(userId, clock.now());
    }
    return record;
  };

  const runReconcile = (reconcileOptions: ReconcileOptions = {}) =>
    reconcile(rt, strategies.all, {
      ...reconcileOptions,
      orphans: reconcileOptions.orphans ?? options.orphans ?? 'report',
      duplicates: reconcileOptions.duplicates ?? options.duplicates ?? 'report',
      lost: reconcileOptions.lost ?? options.lost ?? 'reprovision',
    });
  // Reconcile on a timer, so no user waits on the app remembering to: one run at a time.
  const stopReconciling = new AbortController();
  const reconciling =
    reconcileIntervalMs > 0
      ? (async () => {
          for (;;) {
            const slept = await clock.sleep(reconcileIntervalMs, stopReconciling.signal).then(
              () => true,
              () => false,
            );
            if (!slept) return;
            await runReconcile().catch((error: unknown) => {
              logger.warn?.('scheduled reconcile failed', { error: String(error) });
            });
          }
        })()
      : undefined;

  const idle = resolveIdleOptions(options.idle);
  const governor = idle && startIdleGovernor(rt, idle);

  const getStatus = async (rawUserId: string) =>
    toStatus(checkUserId(rawUserId), await rt.store.get(checkUserId(rawUserId)));

  return {
    async provisionUserDatabase(userId) {
      const record = await claim(userId, false);
      if (record.status === 'pending' && record.attempts === 0) await advance(record.userId);
      return getStatus(userId);
    },
    async claimUser(userId) {
      return toStatus(userId, await claim(userId, true));
    },
    getProvisioningStatus: getStatus,
    async wakeUserDatabase(rawUserId) {
      const userId = checkUserId(rawUserId);
      return toStatus(userId, await wakeUser(rt, userId));
    },
    waitUntilReady: (userId, waitOptions) =>
      waitUntilReady(checkUserId(userId), rt, events, getStatus, waitOptions),
    async deprovisionUserDatabase(rawUserId) {
      const userId = checkUserId(rawUserId);
      for (;;) {
        const record = await rt.store.get(userId);
        if (!record) return { status: 'not_found' };
        const deleting =
          record.status === 'deleting'
            ? record
            : await applyEvent(rt, record, { type: 'deprovision' });
        if (!deleting) continue; // changed meanwhile: read again
        if (record.status !== 'deleting') rt.emit({ type: 'deprovisioning', userId });
        return { status: (await deleteUserDatabase(deleting)) ? 'deleted' : 'deleting' };
      }
    },
    reconcile: runReconcile,
    subscribe: (listener) => events.subscribe(listener),
    close: async () => {
      stopReconciling.abort();
      await Promise.all([
        scheduler.close(),
        rt.idleReader.close(),
        reconciling,
        ...strategies.all.map((strategy) => strategy.close()),
        governor?.close(),
      ]);
    },
  };
}
