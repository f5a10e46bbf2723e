import type { InstanceSummary } from '../aura/schemas.js';
import type { OrphanPolicy } from '../provisioning/reconcile.js';
import {
  instanceNameForUser,
  isOwnInstanceName,
  userIdFromInstanceName,
} from '../records/instance-name.js';
import type { ProvisioningStatus, UserDatabaseRecord } from '../records/record.js';

/** What `reconcile` would do, computed from a snapshot of the store and of Aura's instance list. */
export interface ReconcilePlan {
  /** Waiting records reconcile would hand to the scheduler. */
  resume: { userId: string; status: ProvisioningStatus }[];
  /** Failed records whose retry is due. */
  retry: { userId: string; lastError: string | null }[];
  /** Instances with our prefix that no record owns (before checking that they are still live). */
  candidates: { instanceId: string; instanceName: string }[];
}

/** The inputs of {@link planReconcile} besides the snapshots. */
export interface PlanContext {
  now: number;
  prefix: string;
  retryFailed: boolean;
}

const WAITING: ReadonlySet<ProvisioningStatus> = new Set(['pending', 'creating', 'deleting']);

/**
 * The decisions of the provisioner's `reconcile`, as a pure function of the
 * records and the instance list, so `reconcile --dry-run` can show them
 * without changing anything. Mirrors `src/provisioning/reconcile.ts`.
 *
 * @example
 * ```ts
 * const plan = planReconcile(records, await aura.instances.list(), { now: Date.now(), prefix: 'ap-', retryFailed: true });
 * ```
 */
export function planReconcile(
  records: readonly UserDatabaseRecord[],
  instances: readonly InstanceSummary[],
  context: PlanContext,
): ReconcilePlan {
  const plan: ReconcilePlan = { resume: [], retry: [], candidates: [] };
  const ownedIds = new Set<string>();
  const ownedNames = new Set<string>();
  for (const record of records) {
    ownedNames.add(record.instanceName);
    if (record.instanceId) ownedIds.add(record.instanceId);
    if (WAITING.has(record.status)) {
      plan.resume.push({ userId: record.userId, status: record.status });
    } else if (
      record.status === 'failed' &&
      context.retryFailed &&
      record.nextCheckAt !== null &&
      record.nextCheckAt <= context.now
    ) {
      plan.retry.push({ userId: record.userId, lastError: record.lastError });
    }
  }
  for (const instance of instances) {
    if (!isOwnInstanceName(instance.name, context.prefix)) continue;
    if (ownedIds.has(instance.id) || ownedNames.has(instance.name)) continue;
    plan.candidates.push({ instanceId: instance.id, instanceName: instance.name });
  }
  return plan;
}

/**
 * What reconcile does with an orphan under `policy` (`delete` aside): adopt it
 * only when its name encodes a user (UUID ids) who has no record yet. Pure.
 *
 * @example
 * ```ts
 * orphanOutcome('ap-u0abc...', 'adopt', 'ap-', new Set()); // { userId: '7b0c...', action: 'adopted' }
 * ```
 */
export function orphanOutcome(
  instanceName: string,
  policy: Exclude<OrphanPolicy, 'delete'>,
  prefix: string,
  usersWithRecords: ReadonlySet<string>,
): { userId: string | undefined; action: 'reported' | 'adopted' } {
  const userId = userIdFromInstanceName(instanceName, prefix);
  const adoptable =
    policy === 'adopt' &&
    userId !== undefined &&
    instanceNameForUser(userId, prefix) === instanceName &&
    !usersWithRecords.has(userId);
  return { userId, action: adoptable ? 'adopted' : 'reported' };
}
