import { isAuraError } from '../../aura/errors/base.js';
import type { CreatedInstance } from '../../aura/schemas.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { classifyCreateFailure } from '../classify.js';
import { trackCreating } from '../creating-users.js';
import {
  applyEvent,
  type EventDeps,
  type Runtime,
  type ScheduleDeps,
  scheduleNext,
  tenantOf,
} from '../runtime.js';

/** What the create step works with. */
export type CreateStepDeps = EventDeps &
  ScheduleDeps &
  Pick<Runtime, 'aura' | 'cipher' | 'spec' | 'emit'>;

/**
 * Drives a due `pending` record: take the lease, make sure no instance of
 * this user already exists (when an earlier attempt may have reached Aura),
 * create, encrypt the password and store it with the record's move to
 * `creating`, all before anything else can see the instance.
 */
export async function runCreate(rt: CreateStepDeps, due: UserDatabaseRecord): Promise<void> {
  if (due.attempts >= rt.limits.maxCreateAttempts) {
    // Out of attempts: an earlier unknown outcome may have left an instance; discard it first.
    if (!(await discardLostInstances(rt, due).catch(() => false))) {
      await rt.scheduler.schedule(due.userId, rt.clock.now() + rt.limits.ambiguousCreateDelayMs);
      return;
    }
  }
  const record = await applyEvent(rt, due, { type: 'create-attempt' });
  if (!record) return;
  if (record.status === 'failed') {
    const reason = record.lastError ?? undefined;
    rt.emit({ type: 'failed', userId: record.userId, reason, retryable: false });
    return;
  }
  const { userId, instanceName } = record;
  if (record.attempts > 1) {
    // An earlier attempt may have created the instance and lost the answer.
    const settled = await discardLostInstances(rt, record).catch(() => false);
    if (!settled) {
      await defer(rt, record, 'instance-lookup-failed', rt.limits.ambiguousCreateDelayMs, false);
      return;
    }
  }
  rt.emit({ type: 'create-requested', userId, instanceName });
  // The lease runs from when the create leaves, not from when it joined the rate limiter's
  // queue: a create that waited out a burst (half its lease or more) renews it right before it
  // is sent, and is not sent at all if the record moved on meanwhile (another worker took it
  // over after the lease ran out, or it was deprovisioned).
  let owned = record;
  const beforeSend = async () => {
    // Most creates leave soon after their attempt began: with over half the lease left, nobody
    // can have taken the record over, and no store write comes between the slot and the send.
    const left = (owned.nextCheckAt ?? 0) - rt.clock.now();
    if (left > rt.limits.createLeaseMs / 2) return;
    const next = await applyEvent(rt, owned, { type: 'create-sending' }).catch((cause: unknown) => {
      throw new NotSent('store-unavailable', cause);
    });
    if (!next) throw new NotSent('record-changed');
    owned = next;
  };
  let created: CreatedInstance;
  try {
    created = await rt.aura.instances.create({ ...rt.spec, name: instanceName }, { beforeSend });
  } catch (error) {
    if (error instanceof NotSent) {
      rt.logger.info?.('create not sent', { userId, reason: error.reason });
      // Changed meanwhile: whoever changed it carries on. A store that failed: try again later.
      if (error.reason === 'store-unavailable') {
        await defer(rt, owned, error.reason, rt.limits.ambiguousCreateDelayMs, true);
      }
      return;
    }
    const failure = classifyCreateFailure(error);
    if (failure.kind === 'deferred') {
      const delay = failure.retryAfterMs ?? rt.limits.ambiguousCreateDelayMs;
      await defer(rt, owned, failure.reason, delay, failure.refused);
      return;
    }
    const failed = await applyEvent(rt, owned, { type: 'create-rejected', ...failure });
    if (failed) {
      const retryable = failed.nextCheckAt !== null;
      rt.emit({ type: 'failed', userId, reason: failure.reason, retryable });
    }
    return;
  }
  await persistCreated(rt, owned, created);
}

/** The create was stopped before it left: nothing reached Aura. */
class NotSent extends Error {
  override readonly name = 'NotSent';
  constructor(
    readonly reason: 'record-changed' | 'store-unavailable',
    cause?: unknown,
  ) {
    super(`create not sent: ${reason}`, { cause });
  }
}

async function defer(
  rt: CreateStepDeps,
  record: UserDatabaseRecord,
  reason: string,
  delayMs: number,
  refused: boolean,
) {
  const next = await applyEvent(rt, record, {
    type: 'create-deferred',
    reason,
    retryAt: rt.clock.now() + delayMs,
    refused,
  });
  rt.emit({ type: 'create-deferred', userId: record.userId, reason });
  await scheduleNext(rt, next);
}

/**
 * Looks the user's instance name up. A live instance found here was created
 * by an attempt whose answer (and so the password) was lost: it is adopted
 * and replaced, since Aura never shows the password again. Returns whether
 * the lookup completed.
 */
async function discardLostInstances(
  rt: Pick<Runtime, 'aura' | 'spec' | 'emit'>,
  record: UserDatabaseRecord,
): Promise<boolean> {
  const matches = await rt.aura.instances.findByName(record.instanceName, {
    tenantId: await tenantOf(rt),
  });
  for (const match of matches) {
    const live = await rt.aura.instances.get(match.id).then(
      (instance) => instance.status !== 'destroying',
      (error: unknown) => {
        if (isAuraError(error, 'not_found')) return false;
        throw error;
      },
    );
    if (!live) continue;
    const info = { userId: record.userId, instanceId: match.id, instanceName: match.name };
    rt.emit({ type: 'adopted', ...info, reason: 'create-answer-lost' });
    await deleteInstance(rt, match.id);
    rt.emit({ type: 'instance-discarded', ...info, reason: 'credentials-lost' });
  }
  return true;
}

/** Deletes an instance; 404 means it is already gone. */
export async function deleteInstance(rt: Pick<Runtime, 'aura'>, instanceId: string): Promise<void> {
  await rt.aura.instances.delete(instanceId).catch((error: unknown) => {
    if (!isAuraError(error, 'not_found')) throw error;
  });
}

/**
 * Encrypts the password and stores it with the move to `creating`, retrying
 * the write. If the record cannot take it (the store keeps failing, the
 * record was deprovisioned, the cipher fails), the instance is deleted:
 * nothing billed is left that nobody can use.
 */
async function persistCreated(
  rt: CreateStepDeps,
  record: UserDatabaseRecord,
  created: CreatedInstance,
) {
  const { userId } = record;
  const info = { userId, instanceId: created.id, instanceName: created.name };
  let reason = 'store-write-failed';
  try {
    const encryptedPassword = await rt.cipher.encrypt(created.password.reveal(), userId);
    for (let attempt = 1; attempt <= rt.limits.storeWriteAttempts; attempt++) {
      try {
        const next = await applyEvent(rt, record, {
          type: 'create-accepted',
          instanceId: created.id,
          connectionUrl: created.connectionUrl,
          username: created.username,
          encryptedPassword,
        });
        // No record back: changed meanwhile, or an earlier write landed but its answer was lost.
        const stored = next ?? (await rt.store.get(userId));
        if (stored?.status === 'creating' && stored.instanceId === created.id) {
          rt.readLearner.observeCreate(rt.clock.now());
          trackCreating(rt, stored);
          rt.emit({ type: 'creating', ...info });
          await scheduleNext(rt, stored);
          return;
        }
        reason = 'record-changed-during-create';
        break;
      } catch (error) {
        rt.logger.warn?.('storing the created instance failed', {
          userId,
          attempt,
          error: String(error),
        });
        if (attempt < rt.limits.storeWriteAttempts) {
          await rt.clock.sleep(rt.limits.storeWriteBackoffMs * 2 ** (attempt - 1));
        }
      }
    }
  } catch (error) {
    reason = 'cipher-failed';
    rt.logger.error?.('encrypting the password failed', { userId, error: String(error) });
  }
  await deleteInstance(rt, created.id).catch((error: unknown) => {
    rt.logger.error?.('deleting an unusable instance failed', { ...info, error: String(error) });
  });
  rt.emit({ type: 'instance-discarded', ...info, reason });
  const current = await rt.store.get(userId).catch(() => null);
  if (current?.status !== 'pending') return;
  const failed = await applyEvent(rt, current, {
    type: 'create-rejected',
    reason,
    retryable: reason !== 'cipher-failed',
  }).catch(() => null);
  if (failed) rt.emit({ type: 'failed', userId, reason, retryable: failed.nextCheckAt !== null });
}
