import type { InstanceSummary } from '../aura/schemas.js';
import { isHostedRecord } from '../records/host-record.js';
import {
  instanceNameForUser,
  isOwnInstanceName,
  userIdFromInstanceName,
} from '../records/instance-name.js';
import type { ProvisioningStatus, UserDatabaseRecord } from '../records/record.js';
import type { SchedulePriority } from './scheduler.js';

/** What reconcile does with an instance that carries our prefix but that no record owns. */
export type OrphanPolicy = 'report' | 'adopt' | 'delete';

/** What became of an orphan (or, in a dry run, would). */
export type OrphanAction = 'reported' | 'adopted' | 'deleted';

/** What reconcile does with one record, as {@link planRecord} decides it. */
export type RecordStep =
  /**
   * Hand it (back) to the scheduler at `at`. `plannedRead`: a creating record
   * waiting for its planned status read, resumed as after a read (idle reads
   * tracked; a followed readiness probe may wake it before `at`).
   */
  | { kind: 'resume'; at: number; priority: SchedulePriority; plannedRead: boolean }
  /** A failed record whose retry is due: delete its old instance, then back to pending. */
  | { kind: 'retry' }
  /** Ready, or failed and not (yet) to be retried. */
  | { kind: 'none' };

/** What {@link planRecord} needs besides the record. */
export interface RecordPlanContext {
  /** When the reconcile run started. */
  now: number;
  /** Retry failed records whose retry is due. */
  retryFailed: boolean;
}

/**
 * What reconcile does with one record, page by page: resume a waiting one
 * (pending, creating, deleting) at its due time or now, retry a failed one
 * whose retry is due, leave the rest. Pure.
 *
 * @example
 * ```ts
 * planRecord(failed, { now: Date.now(), retryFailed: true }); // { kind: 'retry' } once its retry is due
 * ```
 */
export function planRecord(record: UserDatabaseRecord, context: RecordPlanContext): RecordStep {
  const { status, nextCheckAt } = record;
  if (status === 'pending' || status === 'creating' || status === 'deleting') {
    if (status === 'creating' && nextCheckAt !== null) {
      return { kind: 'resume', at: nextCheckAt, priority: 'high', plannedRead: true };
    }
    const at = Math.max(context.now, nextCheckAt ?? context.now);
    const priority = status === 'creating' ? 'high' : 'normal';
    return { kind: 'resume', at, priority, plannedRead: false };
  }
  const due = status === 'failed' && nextCheckAt !== null && nextCheckAt <= context.now;
  return due && context.retryFailed ? { kind: 'retry' } : { kind: 'none' };
}

/** The instance ids and names the store's records own, gathered page by page. */
export interface OwnedInstances {
  ids: Set<string>;
  names: Set<string>;
}

/** An empty {@link OwnedInstances}, to fill with {@link noteOwned}. */
export const noOwnedInstances = (): OwnedInstances => ({ ids: new Set(), names: new Set() });

/** Counts the record's instance (by name, and by id once it has one) as owned. */
export function noteOwned(owned: OwnedInstances, record: UserDatabaseRecord): void {
  owned.names.add(record.instanceName);
  if (record.instanceId) owned.ids.add(record.instanceId);
}

/** The databases hosted records own, by their host's instance id (names lower-cased). */
export type HostedDatabases = Map<string, Set<string>>;

/** Counts a hosted record's database (placement `database-per-user`) as owned on its host. */
export function noteHostedDatabase(hosted: HostedDatabases, record: UserDatabaseRecord): void {
  if (!isHostedRecord(record) || !record.instanceId || !record.databaseName) return;
  const names = hosted.get(record.instanceId) ?? new Set<string>();
  names.add(record.databaseName.toLowerCase());
  hosted.set(record.instanceId, names);
}

/**
 * The databases of a host whose names are of our making (so never `neo4j`)
 * and that no record owns (`owned`: lower-cased names, see
 * {@link noteHostedDatabase}). Pure.
 *
 * @example
 * ```ts
 * orphanDatabasesOf(await project.databases.list(hostId), hosted.get(hostId) ?? new Set(), 'ap-');
 * ```
 */
export function orphanDatabasesOf<D extends { name?: string | undefined }>(
  databases: readonly D[],
  owned: ReadonlySet<string>,
  prefix: string,
): (D & { name: string })[] {
  return databases.filter((database): database is D & { name: string } => {
    const name = database.name?.toLowerCase();
    return name !== undefined && !owned.has(name) && isOwnInstanceName(name, prefix);
  });
}

/** An instance with our prefix that no record owns, before its liveness is checked. */
export interface OrphanCandidate {
  instanceId: string;
  instanceName: string;
}

/**
 * The instances with our prefix that no record owns, by id or by name (a
 * create in flight owns its name before its id is stored). Reconcile checks
 * each is still live (not gone, not `destroying`) before it counts. Pure.
 *
 * @example
 * ```ts
 * orphanCandidates(await aura.instances.list(), owned, 'ap-');
 * ```
 */
export function orphanCandidates(
  instances: readonly InstanceSummary[],
  owned: OwnedInstances,
  prefix: string,
): OrphanCandidate[] {
  return instances
    .filter((instance) => isOwnInstanceName(instance.name, prefix))
    .filter((instance) => !owned.ids.has(instance.id) && !owned.names.has(instance.name))
    .map((instance) => ({ instanceId: instance.id, instanceName: instance.name }));
}

/**
 * What reconcile does with a live orphan under `policy`: delete it, adopt it
 * (only when its name encodes a user, i.e. UUID ids, and names them exactly),
 * or report it. An adoption is a claim, so it turns into a report when the
 * user has a record by then: `usersWithRecords`, where given (a dry run),
 * predicts that. Pure.
 *
 * @example
 * ```ts
 * orphanOutcome('ap-u0abc...', 'adopt', 'ap-'); // { userId: '7b0c...', action: 'adopted' }
 * ```
 */
export function orphanOutcome(
  instanceName: string,
  policy: Exclude<OrphanPolicy, 'delete'>,
  prefix: string,
  usersWithRecords?: ReadonlySet<string>,
): { userId: string | undefined; action: Exclude<OrphanAction, 'deleted'> };
export function orphanOutcome(
  instanceName: string,
  policy: OrphanPolicy,
  prefix: string,
  usersWithRecords?: ReadonlySet<string>,
): { userId: string | undefined; action: OrphanAction };
export function orphanOutcome(
  instanceName: string,
  policy: OrphanPolicy,
  prefix: string,
  usersWithRecords: ReadonlySet<string> = new Set(),
): { userId: string | undefined; action: OrphanAction } {
  const userId = userIdFromInstanceName(instanceName, prefix);
  if (policy === 'delete') return { userId, action: 'deleted' };
  const adoptable =
    policy === 'adopt' &&
    userId !== undefined &&
    instanceNameForUser(userId, prefix) === instanceName &&
    !usersWithRecords.has(userId);
  return { userId, action: adoptable ? 'adopted' : 'reported' };
}

/** What `reconcile` would do with a snapshot of the store and of Aura's instance list. */
export interface ReconcilePlan {
  /** Waiting records reconcile would hand to the scheduler. */
  resume: { userId: string; status: ProvisioningStatus }[];
  /** Failed records whose retry is due. */
  retry: { userId: string; lastError: string | null }[];
  /** Instances with our prefix that no record owns (before checking that they are still live). */
  candidates: OrphanCandidate[];
}

/**
 * The whole plan over snapshots ({@link planRecord} for each record, then
 * {@link orphanCandidates}), so `reconcile --dry-run` shows what reconcile
 * decides without changing anything. Pure.
 *
 * @example
 * ```ts
 * const plan = planReconcile(records, await aura.instances.list(), { now: Date.now(), prefix: 'ap-', retryFailed: true });
 * ```
 */
export function planReconcile(
  records: readonly UserDatabaseRecord[],
  instances: readonly InstanceSummary[],
  context: RecordPlanContext & { prefix: string },
): ReconcilePlan {
  const plan: ReconcilePlan = { resume: [], retry: [], candidates: [] };
  const owned = noOwnedInstances();
  for (const record of records) {
    noteOwned(owned, record);
    const step = planRecord(record, context);
    if (step.kind === 'resume') plan.resume.push({ userId: record.userId, status: record.status });
    if (step.kind === 'retry')
      plan.retry.push({ userId: record.userId, lastError: record.lastError });
  }
  plan.candidates = orphanCandidates(instances, owned, context.prefix);
  return plan;
}
