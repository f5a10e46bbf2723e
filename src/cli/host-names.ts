import type { HostStore } from '../records/host-record.js';
import type { UserDatabaseRecord } from '../records/record.js';
import { toStatus, type UserDatabaseStatus } from '../records/status.js';

/** A user's status as `status` and `list` show it: for a user on a host, the host's name too. */
export interface HostedStatus extends UserDatabaseStatus {
  /** The host holding the user's database (database-per-user); `null` for an instance of its own. */
  hostName: string | null;
}

/**
 * The host names of the hosts these records live on, by instance id. Reads
 * the hosts only when a record is hosted, so a store without the hosts table
 * (an instance per user) is never asked for it.
 */
export async function hostNamesOf(
  store: HostStore,
  records: readonly UserDatabaseRecord[],
): Promise<Map<string, string>> {
  if (!records.some((record) => record.placement === 'database-per-user')) return new Map();
  const hosts = await store.listHosts();
  return new Map(hosts.flatMap((h) => (h.instanceId ? [[h.instanceId, h.hostName]] : [])));
}

/** The status of a user (see `toStatus`), with its host's name from `hostNames`. */
export function hostedStatusOf(
  userId: string,
  record: UserDatabaseRecord | null,
  hostNames: ReadonlyMap<string, string>,
): HostedStatus {
  const hosted = record?.placement === 'database-per-user' && record.instanceId !== null;
  const hostName = hosted ? (hostNames.get(record.instanceId as string) ?? null) : null;
  return { ...toStatus(userId, record), hostName };
}
