import { newRecord, type UserDatabaseRecord } from '../../records/record.js';
import type { UnownedInstance } from '../ownership.js';
import type { OrphanAction, OrphanPolicy } from '../reconcile-plan.js';
import {
  type DuplicatePolicy,
  isLive,
  type UnownedDeps,
  unownedAction,
} from '../reconcile-unowned.js';
import type { Runtime } from '../runtime.js';
import { deleteInstance } from './create-step.js';

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

/** Deletes a failed user's old instance, if any, before its retry. Whether the retry may go on. */
export async function discardFailedInstance(
  rt: Pick<Runtime, 'aura' | 'logger'>,
  record: UserDatabaseRecord,
): Promise<boolean> {
  if (!record.instanceId) return true;
  try {
    await deleteInstance(rt, record.instanceId);
    return true;
  } catch (error) {
    rt.logger.warn?.('reconcile could not delete a failed instance', {
      userId: record.userId,
      error: String(error),
    });
    return false;
  }
}
