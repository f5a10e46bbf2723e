import { isAuraError } from '../aura/errors/base.js';
import { newRecord, type UserDatabaseRecord } from '../records/record.js';
import { deleteInstance } from './create-step.js';
import { trackCreating } from './creating-users.js';
import {
  noOwnedInstances,
  noteOwned,
  type OrphanAction,
  type OrphanPolicy,
  orphanCandidates,
  orphanOutcome,
  planRecord,
} from './reconcile-plan.js';
import {
  applyEvent,
  type EventDeps,
  type Runtime,
  type ScheduleDeps,
  scheduleNext,
  tenantOf,
} from './runtime.js';

export type { OrphanPolicy } from './reconcile-plan.js';

/** What reconcile works with. */
export type ReconcileDeps = EventDeps &
  ScheduleDeps &
  Pick<Runtime, 'aura' | 'spec' | 'prefix' | 'emit'>;

/** Records read per page of the store. */
const PAGE_SIZE = 200;

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
  action: OrphanAction;
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
 * Brings the store and Aura back in line, following the pure plan of
 * `reconcile-plan.ts` (which `reconcile --dry-run` shows): resumes waiting
 * records (after a restart, say), retries failed records that are due, and
 * finds instances with our prefix that no record owns. Every change goes
 * through a compare-and-set, so several processes may reconcile at once.
 */
export async function reconcile(
  rt: ReconcileDeps,
  options: ReconcileOptions & { orphans: OrphanPolicy },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { resumed: 0, retried: 0, orphans: [] };
  const owned = noOwnedInstances();
  const context = { now: rt.clock.now(), retryFailed: options.retryFailed !== false };
  let cursor: string | undefined;
  do {
    const page = await rt.store.list({ cursor, limit: PAGE_SIZE });
    for (const record of page.records) {
      noteOwned(owned, record);
      const step = planRecord(record, context);
      if (step.kind === 'resume') {
        if (step.plannedRead) {
          // As after a status read: probes (or idle reads) start again before the planned read.
          trackCreating(rt, record);
          await scheduleNext(rt, record);
        } else {
          await rt.scheduler.schedule(record.userId, step.at, step.priority);
        }
        report.resumed++;
      } else if (step.kind === 'retry' && (await retryFailed(rt, record))) {
        report.retried++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);

  const instances = await rt.aura.instances.list({ tenantId: await tenantOf(rt) });
  for (const candidate of orphanCandidates(instances, owned, rt.prefix)) {
    if (!(await isLive(rt, candidate.instanceId))) continue;
    report.orphans.push(await handleOrphan(rt, candidate, options.orphans));
  }
  return report;
}

/** A failed record's old instance is deleted first, so the retry leaves nothing behind. */
async function retryFailed(rt: ReconcileDeps, record: UserDatabaseRecord): Promise<boolean> {
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

async function isLive(rt: Pick<Runtime, 'aura'>, instanceId: string): Promise<boolean> {
  return rt.aura.instances.get(instanceId).then(
    (instance) => instance.status !== 'destroying',
    (error: unknown) => {
      if (isAuraError(error, 'not_found')) return false;
      throw error;
    },
  );
}

async function handleOrphan(
  rt: ReconcileDeps,
  candidate: { instanceId: string; instanceName: string },
  policy: OrphanPolicy,
): Promise<OrphanInstance> {
  const { instanceId, instanceName } = candidate;
  const { userId, action } = orphanOutcome(instanceName, policy, rt.prefix);
  const orphan = { instanceId, instanceName, userId };
  rt.emit({ type: 'orphan-found', ...orphan });
  if (action === 'deleted') {
    await deleteInstance(rt, instanceId);
    rt.emit({ type: 'orphan-deleted', ...orphan });
    return { ...orphan, action };
  }
  if (action === 'adopted' && userId) {
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
      return { ...orphan, action };
    }
  }
  return { ...orphan, action: 'reported' };
}
