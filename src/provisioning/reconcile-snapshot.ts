import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import type { AuraProject } from '../aura/resources/v2/aura-v2.js';
import type { Database } from '../aura/schemas-v2.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { HostStore } from '../records/host-record.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore, ListQuery } from '../records/store.js';
import type { AuraListing, Snapshot } from './ownership.js';

/** Records read per page of the store. */
const PAGE_SIZE = 200;

/** Where a snapshot is read from. */
export interface SnapshotSources {
  aura: AuraClient;
  tenantId: string;
  store: CredentialStore;
  clock: Clock;
  logger?: Logger | undefined;
  /** With the `database-per-user` placement: the host records and the hosts' project. */
  hosts?: { store: Pick<HostStore, 'listHosts'>; project: AuraProject } | undefined;
}

/**
 * Whether `b` may follow `a` in the store's `userId` order: UTF-16 order (the
 * memory store's) or code point order (`collate "C"` over UTF-8, the SQL
 * stores'). They differ only for characters beyond the BMP.
 */
function follows(a: string, b: string): boolean {
  if (a < b) return true;
  const left = [...a].map((c) => c.codePointAt(0) as number);
  const right = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return (left[i] as number) < (right[i] as number);
  }
  return left.length < right.length;
}

/**
 * Every record of the store (of these statuses), by user id: a read in
 * which a record that exists from the first page to the last is seen exactly
 * once. `consistent` is false when the store did not keep that order (a
 * store of one's own that ignores `order`): nothing may be judged unowned on
 * such a read.
 */
export async function readAllRecords(
  store: Pick<CredentialStore, 'list'>,
  query: Pick<ListQuery, 'statuses'> = {},
): Promise<{ records: UserDatabaseRecord[]; consistent: boolean }> {
  const records: UserDatabaseRecord[] = [];
  let consistent = true;
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...query, cursor, limit: PAGE_SIZE, order: 'userId' });
    for (const record of page.records) {
      const last = records.at(-1);
      if (last && !follows(last.userId, record.userId)) consistent = false;
      records.push(record);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { records, consistent };
}

/**
 * Lists Aura: the tenant's instances, the host records, each ready host's
 * databases. A host whose databases answer 404 is `gone` only when Aura does
 * not have its instance either; a host that fails otherwise is left out of
 * this pass (logged), so one host never stops reconcile for everyone else.
 */
export async function listAura(sources: SnapshotSources): Promise<AuraListing> {
  const takenAt = sources.clock.now();
  const instances = await sources.aura.instances.list({ tenantId: sources.tenantId });
  const hosts = sources.hosts ? await sources.hosts.store.listHosts() : [];
  const databases = new Map<string, readonly Database[] | 'gone'>();
  const project = sources.hosts?.project;
  for (const host of hosts) {
    if (!project || host.status !== 'ready' || !host.instanceId) continue;
    const listing = await listHost(project, host.instanceId).catch((error: unknown) => {
      sources.logger?.warn?.('reconcile could not list a host; skipped this pass', {
        hostName: host.hostName,
        error: String(error),
      });
      return undefined;
    });
    if (listing !== undefined) databases.set(host.instanceId, listing);
  }
  return { takenAt, instances, hosts, databases };
}

/** A host's databases, or `gone` when Aura has neither them nor the instance. */
async function listHost(project: AuraProject, instanceId: string): Promise<Database[] | 'gone'> {
  try {
    return await project.databases.list(instanceId);
  } catch (error) {
    if (!isAuraError(error, 'not_found')) throw error;
  }
  const instance = await project.instances.get(instanceId).then(
    (found) => found,
    (error: unknown) => {
      if (isAuraError(error, 'not_found')) return undefined;
      throw error;
    },
  );
  if (instance === undefined || instance.status === 'destroying') return 'gone';
  throw new Error('the host answered 404 for its databases but Aura still has its instance');
}

/**
 * One snapshot: Aura listed first, then the records, so anything Aura
 * showed was made before the records were read, and its record (claimed
 * before any create) is among them.
 *
 * @example
 * ```ts
 * const snapshot = await takeSnapshot({ aura, tenantId, store, clock });
 * judgeSnapshot(snapshot, { prefix: 'ap-', names: { tag }, graceMs: 600_000, now: clock.now() });
 * ```
 */
export async function takeSnapshot(sources: SnapshotSources): Promise<Snapshot> {
  const listing = await listAura(sources);
  const { records, consistent } = await readAllRecords(sources.store);
  return { ...listing, records, consistent };
}
