import { isAuraError } from '../aura/errors/base.js';
import {
  instanceNameForUser,
  isOwnInstanceName,
  userIdFromInstanceName,
} from '../records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../records/record.js';
import { deleteInstance } from './create-step.js';
import { applyEvent, type Runtime, scheduleNext } from './runtime.js';

/** What reconcile does with an instance that carries our prefix but that no record owns. */
export type OrphanPolicy = 'report' | 'adopt' | 'delete';

/** Options of `reconcile`. */
export interface ReconcileOptions {
  /** Retry failed records whose retry is due. Default true. */
  retryFailed?: boolean;
  /** Default: the provisioner's `orphans` option (`report` unless set). */
  orphans?: OrphanPolicy;
}

/** One orphan found by reconcile, and what was done about it. */
export interface OrphanInstance {
  instanceId: string;
  instanceName: string;
  /** The user the name encodes, when it can be recovered (UUID user ids). */
  userId: string | undefined;
  action: 'reported' | 'adopted' | 'deleted';
}

/** What one reconcile run found and did. */
export interface ReconcileReport {
  /** Waiting records handed (back) to the scheduler. */
  resumed: number;
  /** Failed records sent back to pending. */
  retried: number;
  orphans: OrphanInstance[];
}

/**
 * Brings the store and Aura back in line: resumes waiting records (after a
 * restart, say), retries failed records that are due, and finds instances
 * with our prefix that no record owns. Every change goes through a
 * compare-and-set, so several processes may reconcile at once.
 */
export async function reconcile(
  rt: Runtime,
  options: ReconcileOptions & { orphans: OrphanPolicy },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { resumed: 0, retried: 0, orphans: [] };
  const ownedIds = new Set<string>();
  const ownedNames = new Set<string>();
  const now = rt.clock.now();
  let cursor: string | undefined;
  do {
    const page = await rt.store.list({ cursor, limit: 200 });
    for (const record of page.records) {
      ownedNames.add(record.instanceName);
      if (record.instanceId) ownedIds.add(record.instanceId);
      if (
        record.status === 'pending' ||
        record.status === 'creating' ||
        record.status === 'deleting'
      ) {
        if (record.status === 'creating' && record.nextCheckAt !== null) {
          // As after a status read: probes (or idle reads) start again before the planned read.
          if (record.instanceId && record.createRequestedAt !== null) {
            rt.idleReader.track(record.userId, {
              instanceId: record.instanceId,
              createRequestedAt: record.createRequestedAt,
              lastReadAt: Number.NEGATIVE_INFINITY,
              plannedAt: record.nextCheckAt,
            });
          }
          await scheduleNext(rt, record);
        } else {
          const priority = record.status === 'creating' ? 'high' : 'normal';
          await rt.scheduler.schedule(
            record.userId,
            Math.max(now, record.nextCheckAt ?? now),
            priority,
          );
        }
        report.resumed++;
      } else if (
        record.status === 'failed' &&
        options.retryFailed !== false &&
        record.nextCheckAt !== null &&
        record.nextCheckAt <= now &&
        (await retryFailed(rt, record))
      ) {
        report.retried++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);

  const instances = await rt.aura.instances.list({ tenantId: rt.spec.tenantId });
  for (const instance of instances) {
    if (!isOwnInstanceName(instance.name, rt.prefix)) continue;
    if (ownedIds.has(instance.id) || ownedNames.has(instance.name)) continue;
    if (!(await isLive(rt, instance.id))) continue;
    report.orphans.push(await handleOrphan(rt, instance.id, instance.name, options.orphans));
  }
  return report;
}

/** A failed record's old instance is deleted first, so the retry leaves nothing behind. */
async function retryFailed(rt: Runtime, record: UserDatabaseRecord): Promise<boolean> {
  if (record.instanceId) {
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

async function isLive(rt: Runtime, instanceId: string): Promise<boolean> {
  return rt.aura.instances.get(instanceId).then(
    (instance) => instance.status !== 'destroying',
    (error: unknown) => {
      if (isAuraError(error, 'not_found')) return false;
      throw error;
    },
  );
}

async function handleOrphan(
  rt: Runtime,
  instanceId: string,
  instanceName: string,
  policy: OrphanPolicy,
): Promise<OrphanInstance> {
  const userId = userIdFromInstanceName(instanceName, rt.prefix);
  const orphan = { instanceId, instanceName, userId };
  rt.emit({ type: 'orphan-found', ...orphan });
  if (policy === 'delete') {
    await deleteInstance(rt, instanceId);
    rt.emit({ type: 'orphan-deleted', ...orphan });
    return { ...orphan, action: 'deleted' };
  }
  if (policy === 'adopt' && userId && instanceNameForUser(userId, rt.prefix) === instanceName) {
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
    if (claimed) {
      rt.emit({ type: 'adopted', ...orphan, reason: 'orphan' });
      return { ...orphan, action: 'adopted' };
    }
  }
  return { ...orphan, action: 'reported' };
}
