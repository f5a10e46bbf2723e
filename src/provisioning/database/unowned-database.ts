import { isAuraError } from '../../aura/errors/base.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import type { UnownedDatabase } from '../ownership.js';
import type { OrphanPolicy } from '../reconcile-plan.js';
import type { DuplicatePolicy } from '../reconcile-unowned.js';
import type { Runtime } from '../runtime.js';
import type { HostPool } from './host-pool.js';

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

/** Deletes a failed hosted user's database, if any, and gives its slot back. */
export async function discardHostedDatabase(
  rt: Pick<Runtime, 'logger'>,
  hosts: HostPool,
  record: UserDatabaseRecord,
): Promise<boolean> {
  const { instanceId, databaseName } = record;
  if (!instanceId || !databaseName) return true;
  try {
    await hosts.deleteDatabase(instanceId, record);
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
