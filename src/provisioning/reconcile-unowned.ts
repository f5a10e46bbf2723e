import { isAuraError } from '../aura/errors/base.js';
import { isHostedRecord } from '../records/host-record.js';
import { instanceNameForUser } from '../records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../records/record.js';
import { deleteInstance } from './create-step.js';
import type { HostPool } from './host-pool.js';
import type { UnownedDatabase, UnownedInstance } from './ownership.js';
import type { OrphanAction, OrphanPolicy } from './reconcile-plan.js';
import { applyEvent, type EventDeps, type Runtime, type ScheduleDeps } from './runtime.js';

/** What reconcile does with a duplicate (a user's name whose id no record holds). */
export type DuplicatePolicy = 'report' | 'delete';

/** What handling unowned resources works with. */
export type UnownedDeps = EventDeps & ScheduleDeps & Pick<Runtime, 'aura' | 'prefix' | 'emit'>;

/**
 * What becomes of an unowned resource under the policies: only a proven
 * `orphan` is deleted (`orphans: 'delete'`) or adopted (`adopt`, when its
 * name gives its user back), only a `duplicate` past the grace period is
 * deleted (`duplicates: 'delete'`); everything else is reported. Pure.
 *
 * @example
 * ```ts
 * unownedAction({ kind: 'young', ... }, { orphans: 'delete', duplicates: 'delete' }, 'ap-'); // 'reported'
 * ```
 */
export function unownedAction(
  unowned: Pick<UnownedInstance, 'kind' | 'userId' | 'instanceName'>,
  policies: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
  prefix: string,
): OrphanAction {
  if (unowned.kind === 'duplicate')
    return policies.duplicates === 'delete' ? 'deleted' : 'reported';
  if (unowned.kind !== 'orphan') return 'reported';
  if (policies.orphans === 'delete') return 'deleted';
  const { userId } = unowned;
  const adoptable =
    policies.orphans === 'adopt' &&
    userId !== undefined &&
    instanceNameForUser(userId, prefix) === unowned.instanceName;
  return adoptable ? 'adopted' : 'reported';
}

/** An unowned instance: reported, and deleted or adopted where the policy and its kind allow. */
export async function handleUnownedInstance(
  rt: UnownedDeps,
  unowned: UnownedInstance,
  policies: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
): Promise<{
  instanceId: string;
  instanceName: string;
  kind: UnownedInstance['kind'];
  userId: string | undefined;
  action: OrphanAction;
}> {
  const { instanceId, instanceName, kind, userId } = unowned;
  const orphan = { instanceId, instanceName, kind, userId };
  let action = unownedAction(unowned, policies, rt.prefix);
  // A last look before acting: gone or being deleted already is nothing to act on.
  if (action !== 'reported' && !(await isLive(rt, instanceId))) action = 'reported';
  rt.emit({ type: 'orphan-found', ...orphan });
  if (action === 'deleted') {
    await deleteInstance(rt, instanceId);
    rt.emit({ type: 'orphan-deleted', ...orphan });
  } else if (action === 'adopted' && userId) {
    // Aura never shows the password again: the adopted record fails retryably,
    // and its retry replaces the instance with one whose credentials are kept.
    const { claimed } = await rt.store.claim(
      newRecord(userId, instanceName, {
        status: 'failed',
        instanceId,
        lastError: 'adopted-without-credentials',
        nextCheckAt: rt.clock.now(),
      }),
    );
    if (claimed) rt.emit({ type: 'adopted', ...orphan, reason: 'orphan' });
    else action = 'reported';
  }
  return { ...orphan, action };
}

/** An unowned database on one of our hosts: reported, and deleted where the policy and its kind allow. */
export async function handleUnownedDatabase(
  rt: Pick<Runtime, 'emit'>,
  hosts: HostPool,
  unowned: UnownedDatabase,
  policies: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
): Promise<{
  hostName: string;
  instanceId: string;
  databaseName: string;
  kind: UnownedDatabase['kind'];
  userId: string | undefined;
  action: 'deleted' | 'reported';
}> {
  const { hostName, instanceId, databaseName, databaseId, kind, userId } = unowned;
  const found = { hostName, instanceId, databaseName, kind, userId };
  const event = { instanceId, instanceName: databaseName, databaseName, kind, userId };
  rt.emit({ type: 'orphan-found', ...event });
  const deletes =
    (kind === 'orphan' && policies.orphans === 'delete') ||
    (kind === 'duplicate' && policies.duplicates === 'delete');
  if (!deletes) return { ...found, action: 'reported' };
  await hosts
    .project()
    .databases.delete(instanceId, databaseId)
    .catch((error: unknown) => {
      if (!isAuraError(error, 'not_found')) throw error;
    });
  hosts.invalidate(instanceId);
  rt.emit({ type: 'orphan-deleted', ...event });
  return { ...found, action: 'deleted' };
}

/** A failed record's old instance is deleted first, so the retry leaves nothing behind. */
export async function retryFailed(
  rt: UnownedDeps & Pick<Runtime, 'hosts'>,
  record: UserDatabaseRecord,
): Promise<boolean> {
  if (isHostedRecord(record)) {
    // Its instance is a host: only its own database goes, and its slot comes back.
    if (!rt.hosts || !(await discardHostedDatabase(rt, rt.hosts, record))) return false;
  } else if (record.instanceId) {
    try {
      await deleteInstance(rt, record.instanceId);
    } catch (error) {
      rt.logger.warn?.('reconcile could not delete a failed instance', {
        userId: record.userId,
        error: String(error),
      });
      return false;
    }
  }
  const pending = await applyEvent(rt, record, { type: 'retry' });
  if (!pending) return false;
  rt.emit({ type: 'retrying', userId: record.userId, reason: record.lastError ?? undefined });
  await rt.scheduler.schedule(record.userId, rt.clock.now());
  return true;
}

/** Deletes a failed hosted user's database, if any, and gives its slot back. */
async function discardHostedDatabase(
  rt: Pick<Runtime, 'logger'>,
  hosts: HostPool,
  record: UserDatabaseRecord,
): Promise<boolean> {
  const { instanceId, databaseName } = record;
  if (!instanceId || !databaseName) return true;
  try {
    await hosts.deleteDatabase(instanceId, databaseName);
  } catch (error) {
    if (!isAuraError(error, 'not_found')) {
      rt.logger.warn?.('reconcile could not delete a failed database', {
        userId: record.userId,
        error: String(error),
      });
      return false;
    }
  }
  await hosts.release(instanceId);
  return true;
}

/** Whether Aura still has the instance and is not deleting it. */
export async function isLive(rt: Pick<Runtime, 'aura'>, instanceId: string): Promise<boolean> {
  return rt.aura.instances.get(instanceId).then(
    (instance) => instance.status !== 'destroying',
    (error: unknown) => {
      if (isAuraError(error, 'not_found')) return false;
      throw error;
    },
  );
}
