import { isAuraError } from '../../aura/errors/base.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { PROVISIONING_DEFAULTS } from '../defaults.js';
import { type Runtime, tenantOf } from '../runtime.js';
import { deleteInstance } from './create-step.js';

/** What the delete step works with. */
export type DeleteStepDeps = Pick<
  Runtime,
  'aura' | 'store' | 'spec' | 'scheduler' | 'clock' | 'logger' | 'emit'
>;

/**
 * Drives a `deleting` record: delete the instance (202 and 404 both mean
 * done), or, when no instance id was recorded but a create may have been
 * sent, every live instance carrying the user's name; then the record.
 * Returns whether the record is gone.
 */
export async function runDelete(rt: DeleteStepDeps, record: UserDatabaseRecord): Promise<boolean> {
  const { userId } = record;
  try {
    if (record.instanceId) {
      await deleteInstance(rt, record.instanceId);
    } else if (record.attempts > 0) {
      const matches = await rt.aura.instances.findByName(record.instanceName, {
        tenantId: await tenantOf(rt),
      });
      for (const match of matches) await deleteInstance(rt, match.id);
    }
  } catch (error) {
    if (!isAuraError(error)) throw error;
    rt.logger.warn?.('deleting the instance failed; will retry', { userId, error: String(error) });
    await rt.scheduler.schedule(userId, rt.clock.now() + PROVISIONING_DEFAULTS.transientRetryMs);
    return false;
  }
  const removed = await rt.store.delete(userId, record.version);
  if (!removed && (await rt.store.get(userId)) !== null) return false;
  rt.emit({
    type: 'deprovisioned',
    userId,
    instanceId: record.instanceId ?? undefined,
    instanceName: record.instanceName,
  });
  return true;
}
