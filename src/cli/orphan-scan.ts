import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import { type AuraProject, AuraV2 } from '../aura/resources/v2/aura-v2.js';
import type { Database } from '../aura/schemas-v2.js';
import { hostNumberOf, hostPrefixFor } from '../provisioning/placement.js';
import {
  type HostedDatabases,
  noteHostedDatabase,
  orphanDatabasesOf,
  planReconcile,
  type ReconcilePlan,
} from '../provisioning/reconcile-plan.js';
import type { HostStore } from '../records/host-record.js';
import { isOwnInstanceName } from '../records/instance-name.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore, ListQuery } from '../records/store.js';
import type { CliConfig } from './config.js';

/** An instance with our prefix that no record owns, still live at Aura. */
export interface FoundOrphan {
  instanceId: string;
  instanceName: string;
  /** Its Aura status when it was checked. */
  instanceStatus: string;
}

const PAGE_SIZE = 200;

/** Every record of the store (of these statuses), page by page. Read-only. */
export async function readAllRecords(
  store: CredentialStore,
  query: Pick<ListQuery, 'statuses'> = {},
): Promise<UserDatabaseRecord[]> {
  const records: UserDatabaseRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...query, cursor, limit: PAGE_SIZE });
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}

/** A read-only snapshot: the records, the plan reconcile would follow, and the live orphans. */
export interface ReconcileSnapshot {
  records: UserDatabaseRecord[];
  plan: ReconcilePlan;
  orphans: FoundOrphan[];
  /** Instances named as the prefix names them, by kind. */
  instances: {
    /** Owned by a record. */
    owned: number;
    /** Owned by none but being deleted (`destroying`): not orphans. */
    destroying: number;
    /** Hosts of the `database-per-user` placement (`<prefix>host-0001`, ...). */
    hosts: number;
    /** Names that start with the prefix but are not of the provisioner's making: left alone. */
    foreign: number;
  };
}

/**
 * Reads the store and Aura and works out what reconcile would do, changing
 * nothing, with reconcile's own plan (`planReconcile`): like reconcile, an
 * orphan candidate counts only while Aura still has it and it is not
 * `destroying` (one status read each).
 */
export async function scanForReconcile(
  aura: AuraClient,
  store: CredentialStore,
  context: { tenantId: string; prefix: string; retryFailed: boolean; now: number },
): Promise<ReconcileSnapshot> {
  const records = await readAllRecords(store);
  const instances = await aura.instances.list({ tenantId: context.tenantId });
  const plan = planReconcile(records, instances, context);
  const orphans: FoundOrphan[] = [];
  let destroying = 0;
  for (const candidate of plan.candidates) {
    const status = await aura.instances.get(candidate.instanceId).then(
      (instance) => instance.status as string,
      (error: unknown) => {
        if (isAuraError(error, 'not_found')) return undefined;
        throw error;
      },
    );
    if (status === 'destroying') destroying++;
    if (status === undefined || status === 'destroying') continue;
    orphans.push({ ...candidate, instanceStatus: status });
  }
  const named = instances.filter((i) => i.name.startsWith(context.prefix));
  const own = named.filter((i) => isOwnInstanceName(i.name, context.prefix)).length;
  const hostPrefix = hostPrefixFor(context.prefix);
  const hosts = named.filter((i) => hostNumberOf(i.name, hostPrefix) !== undefined).length;
  const counts = {
    owned: own - plan.candidates.length,
    destroying,
    hosts,
    foreign: named.length - own - hosts,
  };
  return { records, plan, orphans, instances: counts };
}

/** The databases of one ready host, as listed. */
export interface HostListing {
  hostName: string;
  instanceId: string;
  databases: Database[];
}

/** A database on one of our hosts that no record owns (placement `database-per-user`). */
export interface FoundOrphanDatabase {
  hostName: string;
  instanceId: string;
  databaseId: string;
  databaseName: string;
}

/**
 * The databases of every ready host. List them before reading the records: a
 * user's record names its database before the database is created, so a
 * database listed first is owned by a record read after.
 */
export async function listHostDatabases(
  project: AuraProject,
  hosts: HostStore,
): Promise<HostListing[]> {
  const listings: HostListing[] = [];
  for (const host of await hosts.listHosts()) {
    if (host.status !== 'ready' || !host.instanceId) continue;
    const databases = await project.databases.list(host.instanceId);
    listings.push({ hostName: host.hostName, instanceId: host.instanceId, databases });
  }
  return listings;
}

/** The listed databases of our making that none of `records` owns, as reconcile finds them. Pure. */
export function orphanDatabasesIn(
  listings: readonly HostListing[],
  records: readonly UserDatabaseRecord[],
  prefix: string,
): FoundOrphanDatabase[] {
  const hosted: HostedDatabases = new Map();
  for (const record of records) noteHostedDatabase(hosted, record);
  return listings.flatMap(({ hostName, instanceId, databases }) =>
    orphanDatabasesOf(databases, hosted.get(instanceId) ?? new Set(), prefix).map((db) => ({
      hostName,
      instanceId,
      databaseId: db.id,
      databaseName: db.name,
    })),
  );
}

/**
 * {@link scanForReconcile}, and with the `database-per-user` placement the
 * hosts' databases that no record owns (listed before the records are read);
 * `project` and `databases` are `undefined` without the placement.
 */
export async function scanWithHosts(
  aura: AuraClient,
  store: CredentialStore & HostStore,
  config: Pick<CliConfig, 'aura' | 'placement'>,
  options: { retryFailed: boolean },
) {
  const { tenantId, instancePrefix: prefix } = config.aura;
  const { kind, organizationId } = config.placement;
  const project =
    kind === 'database-per-user'
      ? new AuraV2(aura).project(organizationId as string, tenantId)
      : undefined;
  const listings = project ? await listHostDatabases(project, store) : undefined;
  const snapshot = await scanForReconcile(aura, store, {
    tenantId,
    prefix,
    retryFailed: options.retryFailed,
    now: Date.now(),
  });
  const databases = listings && orphanDatabasesIn(listings, snapshot.records, prefix);
  return { snapshot, project, databases };
}
