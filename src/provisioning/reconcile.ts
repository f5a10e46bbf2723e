import type { UnownedKind } from '../records/events.js';
import type { RecordPlacement, UserDatabaseRecord } from '../records/record.js';
import { healLost, type LostHosts, type LostPolicy, type LostResource } from './drift.js';
import type { Snapshot } from './ownership.js';
import type { OrphanAction, OrphanPolicy, RecordStep } from './reconcile-plan.js';
import { planRecord } from './reconcile-plan.js';
import { readAllRecords } from './reconcile-snapshot.js';
import { type Survey, type SurveyHosts, survey } from './reconcile-survey.js';
import { type DuplicatePolicy, retryFailed } from './reconcile-unowned.js';
import { type EventDeps, type Runtime, type ScheduleDeps, tenantOf } from './runtime.js';

export type { LostPolicy, LostResource } from './drift.js';
export type { OrphanPolicy } from './reconcile-plan.js';
export type { DuplicatePolicy } from './reconcile-unowned.js';

/**
 * A placement's part of reconcile (see `PlacementStrategy`): how its waiting
 * records resume, what a failed record's retry discards first, and its
 * resources judged from the survey.
 */
export interface ReconcileStrategy {
  readonly placement: RecordPlacement;
  /** Hands a waiting record (back) to the scheduler, as the plan says. */
  resume(record: UserDatabaseRecord, step: Extract<RecordStep, { kind: 'resume' }>): Promise<void>;
  /** Removes what a failed record still holds before its retry. Whether the retry may go on. */
  discard(record: UserDatabaseRecord): Promise<boolean>;
  /**
   * The placement's shared hosts, as reconcile reaches them: what the survey reads of them,
   * and how what it found gone is healed. Absent for a placement without hosts.
   */
  readonly hosts?: SurveyHosts & LostHosts;
  /** This placement's resources: those no record owns, by policy; the hosts' slots. */
  reconcileResources(
    found: Survey,
    policies: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
    report: ReconcileReport,
  ): Promise<void>;
}

/** What reconcile works with. */
export type ReconcileDeps = EventDeps &
  ScheduleDeps &
  Pick<Runtime, 'aura' | 'spec' | 'prefix' | 'emit' | 'names' | 'reconciling'>;

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
  strategies: readonly ReconcileStrategy[],
  options: ReconcileOptions & {
    orphans: OrphanPolicy;
    duplicates: DuplicatePolicy;
    lost: LostPolicy;
  },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { resumed: 0, retried: 0, orphans: [], lost: [] };
  const hosts = strategies.find((strategy) => strategy.hosts)?.hosts;
  let found: Survey;
  try {
    found = await survey({ ...rt, hosts }, await tenantOf(rt));
  } catch (error) {
    // Aura could not be listed: resuming waiting records needs no proof, so it still happens
    // (best effort: the error callers see is the listing's).
    await readAllRecords(rt.store)
      .then(({ records }) =>
        resumeAndRetry(rt, strategies, { takenAt: rt.clock.now(), records }, false, report),
      )
      .catch(() => {});
    throw error;
  }
  await resumeAndRetry(rt, strategies, found.snapshot, options.retryFailed !== false, report);
  report.lost = await healLost(rt, found, options.lost, hosts);
  for (const strategy of strategies) await strategy.reconcileResources(found, options, report);
  return report;
}

/** Resumes waiting records and retries failed ones that are due, as the pure plan says. */
async function resumeAndRetry(
  rt: ReconcileDeps,
  strategies: readonly ReconcileStrategy[],
  snapshot: Pick<Snapshot, 'takenAt' | 'records'>,
  retry: boolean,
  report: ReconcileReport,
): Promise<void> {
  const context = { now: snapshot.takenAt, retryFailed: retry };
  for (const record of snapshot.records) {
    const step = planRecord(record, context);
    // A record of a placement this provisioner does not run is only handed to the scheduler.
    const strategy = strategies.find((s) => s.placement === record.placement);
    if (step.kind === 'resume') {
      if (strategy) await strategy.resume(record, step);
      else await rt.scheduler.schedule(record.userId, step.at, step.priority);
      report.resumed++;
    } else if (step.kind === 'retry' && (await retryFailed(rt, record, strategy?.discard))) {
      report.retried++;
    }
  }
}

/** Users placed on each host by the records, by host instance id. */
export function usersByHost(records: readonly UserDatabaseRecord[]): Map<string, number> {
  const users = new Map<string, number>();
  for (const record of records) {
    if (record.placement === 'database-per-user' && record.instanceId) {
      users.set(record.instanceId, (users.get(record.instanceId) ?? 0) + 1);
    }
  }
  return users;
}
