import type { UnownedKind } from '../records/events.js';
import { isHostedRecord } from '../records/host-record.js';
import type { UserDatabaseRecord } from '../records/record.js';
import { trackCreating } from './creating-users.js';
import { healLost, type LostPolicy, type LostResource } from './drift.js';
import type { Snapshot } from './ownership.js';
import { PLACEMENT_DEFAULTS } from './placement.js';
import type { OrphanAction, OrphanPolicy } from './reconcile-plan.js';
import { planRecord } from './reconcile-plan.js';
import { readAllRecords } from './reconcile-snapshot.js';
import { type Survey, survey } from './reconcile-survey.js';
import {
  type DuplicatePolicy,
  handleUnownedDatabase,
  handleUnownedInstance,
  retryFailed,
} from './reconcile-unowned.js';
import {
  type EventDeps,
  type Runtime,
  type ScheduleDeps,
  scheduleNext,
  tenantOf,
} from './runtime.js';

export type { LostPolicy, LostResource } from './drift.js';
export type { OrphanPolicy } from './reconcile-plan.js';
export type { DuplicatePolicy } from './reconcile-unowned.js';

/** What reconcile works with. */
export type ReconcileDeps = EventDeps &
  ScheduleDeps &
  Pick<Runtime, 'aura' | 'spec' | 'prefix' | 'emit' | 'hosts' | 'names' | 'reconciling'>;

/** Options of `reconcile`. */
export interface ReconcileOptions {
  /** Retry failed records whose retry is due. Default true. */
  retryFailed?: boolean;
  /** Default: the provisioner's `orphans` option (`report` unless set). */
  orphans?: OrphanPolicy;
  /** Default: the provisioner's `duplicates` option (`report` unless set). */
  duplicates?: DuplicatePolicy;
  /** Default: the provisioner's `lost` option (`reprovision` unless set). */
  lost?: LostPolicy;
}

/**
 * An instance of our making that no record owns by id, and what was done
 * about it. Only an `orphan` is deleted (under `orphans: 'delete'`) or
 * adopted, and a `duplicate` deleted under `duplicates: 'delete'`; `young`,
 * `foreign` and `unproven` ones are always only reported.
 */
export interface OrphanInstance {
  instanceId: string;
  instanceName: string;
  /** What it is (see {@link UnownedKind}). */
  kind: UnownedKind;
  /** The user: the record's for a duplicate; else the one the name encodes (UUID ids, untagged names). */
  userId: string | undefined;
  action: OrphanAction;
}

/** A database on one of our hosts that no record owns, and what was done about it. */
export interface OrphanDatabase {
  hostName: string;
  instanceId: string;
  databaseName: string;
  kind: UnownedKind;
  /** The user the name encodes (UUID user ids), or the record's for a duplicate. */
  userId: string | undefined;
  /** `deleted` under `orphans: 'delete'` (or `duplicates: 'delete'`); otherwise `reported`. */
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
  /** Instances of our making that no record owns by id, each with its kind. */
  orphans: OrphanInstance[];
  /** Users, databases and hosts found gone behind the library, and how each was healed. */
  lost: LostResource[];
  /** With the `database-per-user` placement: databases on our hosts that no record owns. */
  orphanDatabases?: OrphanDatabase[];
  /** With the `database-per-user` placement: every host, its slots counted again. */
  hosts?: HostSummary[];
}

/**
 * Brings the store and Aura back in line from one snapshot (Aura listed
 * first, then every record, see `reconcile-survey.ts`): resumes waiting
 * records, retries failed ones that are due, judges what no record owns
 * (deleting only proven orphans, by policy), heals users whose instance,
 * database or host is gone, and counts each host's slots from its listing.
 * Every change is a compare-and-set, so several processes may reconcile at once.
 */
export async function reconcile(
  rt: ReconcileDeps,
  options: ReconcileOptions & {
    orphans: OrphanPolicy;
    duplicates: DuplicatePolicy;
    lost: LostPolicy;
  },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { resumed: 0, retried: 0, orphans: [], lost: [] };
  let found: Survey;
  try {
    found = await survey(rt, await tenantOf(rt));
  } catch (error) {
    // Aura could not be listed: resuming waiting records needs no proof, so it still happens
    // (best effort: the error callers see is the listing's).
    await readAllRecords(rt.store)
      .then(({ records }) =>
        resumeAndRetry(rt, { takenAt: rt.clock.now(), records }, false, report),
      )
      .catch(() => {});
    throw error;
  }
  await resumeAndRetry(rt, found.snapshot, options.retryFailed !== false, report);
  for (const unowned of found.judged.unownedInstances) {
    report.orphans.push(await handleUnownedInstance(rt, unowned, options));
  }
  report.lost = await healLost(rt, found, options.lost);
  if (rt.hosts) await reconcileHosts(rt, found, options, report);
  return report;
}

/** Resumes waiting records and retries failed ones that are due, as the pure plan says. */
async function resumeAndRetry(
  rt: ReconcileDeps,
  snapshot: Pick<Snapshot, 'takenAt' | 'records'>,
  retry: boolean,
  report: ReconcileReport,
): Promise<void> {
  const context = { now: snapshot.takenAt, retryFailed: retry };
  for (const record of snapshot.records) {
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
}

/**
 * The hosts' part: unowned databases judged and handled, each ready host's
 * slots set from the snapshot (up at once; down only on a host nobody
 * touched lately, since a slot is taken before its user's record says so),
 * and hosts opened if the warm capacity is short.
 */
async function reconcileHosts(
  rt: ReconcileDeps,
  { snapshot, judged }: Survey,
  options: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
  report: ReconcileReport,
): Promise<void> {
  const hosts = rt.hosts;
  if (!hosts) return;
  report.orphanDatabases = [];
  for (const unowned of judged.unownedDatabases) {
    report.orphanDatabases.push(await handleUnownedDatabase(rt, hosts, unowned, options));
  }
  report.hosts = [];
  const users = usersByHost(snapshot.records);
  for (const host of await hosts.records()) {
    let current = host;
    const counted = host.instanceId ? judged.slots.get(host.instanceId) : undefined;
    const quiet = host.updatedAt < snapshot.takenAt - PLACEMENT_DEFAULTS.hostQuietMs;
    if (host.status === 'ready' && counted !== undefined && (counted > host.used || quiet)) {
      current = (await hosts.recount(host, counted)) ?? host;
    }
    report.hosts.push(hostSummary(current, users));
  }
  await hosts.ensureCapacity();
}

/** Users placed on each host by the records, by host instance id. */
export function usersByHost(records: readonly UserDatabaseRecord[]): Map<string, number> {
  const users = new Map<string, number>();
  for (const record of records) {
    if (isHostedRecord(record) && record.instanceId) {
      users.set(record.instanceId, (users.get(record.instanceId) ?? 0) + 1);
    }
  }
  return users;
}

function hostSummary(
  host: Awaited<ReturnType<NonNullable<Runtime['hosts']>['records']>>[number],
  users: ReadonlyMap<string, number>,
): HostSummary {
  return {
    hostName: host.hostName,
    instanceId: host.instanceId,
    status: host.status,
    capacity: host.capacity,
    used: host.used,
    free: Math.max(0, host.capacity - host.used),
    users: host.instanceId ? (users.get(host.instanceId) ?? 0) : 0,
  };
}
