import { isAuraError } from '../aura/errors/base.js';
import { instanceNameForUser } from '../records/instance-name.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { UnownedInstance } from './ownership.js';
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

/**
 * A failed record due for a retry: `discard` removes what it still holds (its
 * placement's strategy: an instance, or a database on a host), then the
 * record goes back to pending, so the retry leaves nothing behind.
 */
export async function retryFailed(
  rt: UnownedDeps,
  record: UserDatabaseRecord,
  discard: ((record: UserDatabaseRecord) => Promise<boolean>) | undefined,
): Promise<boolean> {
  if (!discard || !(await discard(record))) return false;
  const pending = await applyEvent(rt, record, { type: 'retry' });
  if (!pending) return false;
  rt.emit({ type: 'retrying', userId: record.userId, reason: record.lastError ?? undefined });
  await rt.scheduler.schedule(record.userId, rt.clock.now());
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
