import type { HostRecord } from '../../records/host-record.js';
import type { LostHosts } from '../drift.js';
import type { LostCandidate } from '../ownership.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';
import type { HostSummary, ReconcileReport } from '../reconcile.js';
import { usersByHost } from '../reconcile.js';
import type { OrphanPolicy } from '../reconcile-plan.js';
import type { Survey, SurveyHosts } from '../reconcile-survey.js';
import type { DuplicatePolicy } from '../reconcile-unowned.js';
import type { Runtime } from '../runtime.js';
import type { HostPool } from './host-pool.js';
import { freeSlotsOf } from './host-transition.js';
import { handleUnownedDatabase } from './unowned-database.js';

/**
 * The hosts' part: unowned databases judged and handled, each ready host's
 * slots set from the snapshot (up at once when the host did not change
 * since; down only on a host nobody touched lately, since a slot is taken
 * before its user's record says so),
 * and hosts opened if the warm capacity is short.
 */
export async function reconcileHosts(
  rt: Pick<Runtime, 'emit'>,
  hosts: HostPool,
  { snapshot, judged }: Survey,
  options: { orphans: OrphanPolicy; duplicates: DuplicatePolicy },
  report: ReconcileReport,
): Promise<void> {
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
    // Up only from a snapshot no later than the host's count: a slot handed back since (a retry's
    // discarded database) would otherwise be counted again, and lost until the host is quiet.
    const counts = host.updatedAt < snapshot.takenAt && counted !== undefined;
    if (
      host.status === 'ready' &&
      counted !== undefined &&
      ((counts && counted > host.used) || quiet)
    ) {
      current = (await hosts.recount(host, counted)) ?? host;
    }
    report.hosts.push(hostSummary(current, users));
  }
  await hosts.ensureCapacity();
}

/**
 * One host as a report shows it: its slots as stored, the free ones, and the users the records
 * place on it (`users`, from {@link usersByHost}). Pure.
 *
 * @example
 * ```ts
 * hosts.map((host) => hostSummary(host, usersByHost(records)));
 * ```
 */
export function hostSummary(host: HostRecord, users: ReadonlyMap<string, number>): HostSummary {
  return {
    hostName: host.hostName,
    instanceId: host.instanceId,
    status: host.status,
    capacity: host.capacity,
    used: host.used,
    free: freeSlotsOf(host),
    users: host.instanceId ? (users.get(host.instanceId) ?? 0) : 0,
  };
}

/**
 * The hosts as reconcile reaches them through the strategy: read by the survey, and healed
 * where it found them (or a user's database on them) gone.
 */
export function reconciledHosts(hosts: HostPool): SurveyHosts & LostHosts {
  return {
    records: () => hosts.records(),
    project: () => hosts.project(),
    judge: hosts.judge,
    markLost: (host) => hosts.markLost(host),
    release: (instanceId) => hosts.release(instanceId),
    databaseGone: (candidate) => databaseGone(hosts, candidate),
  };
}

/**
 * A second look at a hosted user's database the snapshot did not show, after the records were
 * read: a fresh listing of its host, by the database's id once stored, else by its name.
 */
async function databaseGone(hosts: HostPool, candidate: LostCandidate): Promise<boolean> {
  hosts.invalidate(candidate.instanceId);
  const databases = await hosts.listDatabases(candidate.instanceId);
  const { databaseId } = candidate;
  const wanted = candidate.databaseName?.toLowerCase();
  return !databases.some((database) =>
    databaseId === undefined ? database.name?.toLowerCase() === wanted : database.id === databaseId,
  );
}
