import { isAuraError } from '../aura/errors/base.js';
import { isHostedRecord } from '../records/host-record.js';
import { userIdFromInstanceName } from '../records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../records/record.js';
import { deleteInstance } from './create-step.js';
import { trackCreating } from './creating-users.js';
import type { HostPool } from './host-pool.js';
import {
  type HostedDatabases,
  noOwnedInstances,
  noteHostedDatabase,
  noteOwned,
  type OrphanAction,
  type OrphanPolicy,
  orphanCandidates,
  orphanDatabasesOf,
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
  Pick<Runtime, 'aura' | 'spec' | 'prefix' | 'emit' | 'hosts'>;

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

/** A database on one of our hosts that no record owns, and what was done about it. */
export interface OrphanDatabase {
  hostName: string;
  instanceId: string;
  databaseName: string;
  /** The user the name encodes, when it can be recovered (UUID user ids). */
  userId: string | undefined;
  /** `deleted` under `orphans: 'delete'`; otherwise `reported` (a database is never adopted). */
  action: 'deleted' | 'reported';
}

/** One host as reconcile left it (placement `database-per-user`). */
export interface HostSummary {
  hostName: string;
  instanceId: string | null;
  status: UserDatabaseRecord['status'];
  capacity: number;
  used: number;
  free: number;
  /** Users whose records point at the host. */
  users: number;
}

/** What one reconcile run found and did. */
export interface ReconcileReport {
  /** Waiting records handed (back) to the scheduler. */
  resumed: number;
  /** Failed records sent back to pending. */
  retried: number;
  orphans: OrphanInstance[];
  /** With the `database-per-user` placement: databases on our hosts that no record owns. */
  orphanDatabases?: OrphanDatabase[];
  /** With the `database-per-user` placement: every host, its slots counted again from the records. */
  hosts?: HostSummary[];
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
  /** Hosted users by host instance id: their database names. */
  const hosted: HostedDatabases = new Map();
  const context = { now: rt.clock.now(), retryFailed: options.retryFailed !== false };
  let cursor: string | undefined;
  do {
    const page = await rt.store.list({ cursor, limit: PAGE_SIZE });
    for (const record of page.records) {
      noteOwned(owned, record);
      noteHostedDatabase(hosted, record);
      const step = planRecord(record, context);
      if (step.kind === 'resume') {
        if (step.plannedRead && !isHostedRecord(record)) {
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
  if (rt.hosts) await reconcileHosts(rt, rt.hosts, hosted, context.now, options.orphans, report);
  return report;
}

/**
 * The hosts' part of reconcile: counts each host's slots again from the
 * records (a process that stopped between taking a slot and recording the
 * user, or between deleting a user and giving the slot back, leaves the
 * count off), finds databases of ours that no record owns, and opens hosts
 * if the warm capacity is short.
 */
async function reconcileHosts(
  rt: ReconcileDeps,
  hosts: HostPool,
  hosted: HostedDatabases,
  startedAt: number,
  policy: OrphanPolicy,
  report: ReconcileReport,
): Promise<void> {
  report.orphanDatabases = [];
  report.hosts = [];
  for (const host of await hosts.records()) {
    const names = (host.instanceId && hosted.get(host.instanceId)) || new Set<string>();
    let current = host;
    if (host.status === 'ready' && host.instanceId) {
      // Only a host whose slots nobody touched while the records were read: both counts agree.
      if (host.updatedAt < startedAt) {
        const recounted = await hosts.recount(host, 1 + names.size);
        if (recounted) current = recounted;
      }
      hosts.invalidate(host.instanceId);
      const databases = await hosts.listDatabases(host.instanceId);
      for (const database of orphanDatabasesOf(databases, names, rt.prefix)) {
        const name = database.name.toLowerCase();
        const orphan = {
          hostName: host.hostName,
          instanceId: host.instanceId,
          databaseName: name,
          userId: userIdFromInstanceName(name, rt.prefix),
        };
        if (policy === 'delete') {
          await hosts.project().databases.delete(host.instanceId, database.id);
          rt.emit({
            type: 'orphan-deleted',
            userId: orphan.userId,
            instanceId: host.instanceId,
            instanceName: name,
          });
          report.orphanDatabases.push({ ...orphan, action: 'deleted' });
        } else {
          rt.emit({
            type: 'orphan-found',
            userId: orphan.userId,
            instanceId: host.instanceId,
            instanceName: name,
          });
          report.orphanDatabases.push({ ...orphan, action: 'reported' });
        }
      }
    }
    report.hosts.push({
      hostName: current.hostName,
      instanceId: current.instanceId,
      status: current.status,
      capacity: current.capacity,
      used: current.used,
      free: Math.max(0, current.capacity - current.used),
      users: names.size,
    });
  }
  await hosts.ensureCapacity();
}

/** A failed record's old instance is deleted first, so the retry leaves nothing behind. */
async function retryFailed(rt: ReconcileDeps, record: UserDatabaseRecord): Promise<boolean> {
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
  rt: ReconcileDeps,
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
