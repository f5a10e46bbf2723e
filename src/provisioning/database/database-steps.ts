import { isAuraError } from '../../aura/errors/base.js';
import type { Database } from '../../aura/schemas-v2.js';
import { databaseNameForUser } from '../../records/database-name.js';
import { DATABASE_HELD_ELSEWHERE, type UserDatabaseRecord } from '../../records/record.js';
import { classifyCreateFailure } from '../classify.js';
import { PLACEMENT_DEFAULTS } from '../placement.js';
import { readAllRecords } from '../reconcile-snapshot.js';
import { applyMove, contextOf, type EventDeps, type Runtime } from '../runtime.js';
import type { ProvisioningEvent } from '../transition.js';
import {
  isDatabaseOnline,
  isLimitRefusal,
  type LostCreate,
  settleLostCreate,
  UNKNOWN_HOST,
} from './database-naming.js';
import type { HostPool } from './host-pool.js';
import { type HostedEvent, hostedTransition } from './hosted-transition.js';

/** What the steps of a hosted user (placement `database-per-user`) work with. */
export type DatabaseStepDeps = EventDeps &
  Pick<Runtime, 'scheduler' | 'clock' | 'logger' | 'emit' | 'prefix'> & { hosts: HostPool };

/** Applies `event` to a hosted user's record through {@link hostedTransition} and a compare-and-set. */
const applyHosted = (
  rt: EventDeps,
  record: UserDatabaseRecord,
  event: HostedEvent | ProvisioningEvent,
): Promise<UserDatabaseRecord | null> =>
  applyMove(rt, record, hostedTransition(record, event, contextOf(rt, record.userId)));

/** The `lastError` of a user waiting for room on a host: a reason for people to read. */
const WAITING_FOR_HOST = 'waiting-for-host';

/** When a database created at `since` is read next, read at `now`: quickly at first, then less. */
function nextDatabaseRead(rt: DatabaseStepDeps, since: number, now: number): number {
  const expected = rt.hosts.placement.expectedDatabaseCreationMs;
  const waited = Math.max(0, now - since);
  if (waited < expected) return since + expected;
  const { minReadIntervalMs, databaseReadMaxIntervalMs } = PLACEMENT_DEFAULTS;
  return (
    now + Math.min(databaseReadMaxIntervalMs, Math.max(minReadIntervalMs, expected / 2, waited / 2))
  );
}

const sameName = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/**
 * A due `pending` user: take a slot on a host (or wait for one), record the
 * placement, then create the database. The placement is stored before the
 * create is sent, so whatever happens to the answer, the status step finds
 * the database by its name on that host or sends the create again.
 */
export async function runPlace(rt: DatabaseStepDeps, stepped: UserDatabaseRecord): Promise<void> {
  const { userId } = stepped;
  // One placer of those that read the same record: another process stepping the same user (a
  // signup both received, a wake) stops here, rather than taking a slot it hands back later.
  const due = await applyHosted(rt, stepped, { type: 'placement-claimed' });
  if (!due) return;
  const reserved = await rt.hosts.reserve(userId);
  const host = reserved?.host;
  if (!host?.instanceId || !host.connectionUrl || !host.username) {
    // No room yet: a host is on its way. Whoever frees a slot or makes a host ready (this
    // process or another) wakes the users stored as waiting; the check at retryAt is the backstop.
    const retryAt = rt.clock.now() + PLACEMENT_DEFAULTS.hostWaitMs;
    const deferred = await applyHosted(rt, due, {
      type: 'host-awaited',
      reason: WAITING_FOR_HOST,
      retryAt,
    });
    if (!deferred) return;
    // A slot handed back between the look at the hosts and the record saying it waits: its
    // giver looked for waiting users too early to see this one, so look again now.
    const roomNow = await rt.hosts.hasRoom();
    await rt.scheduler.schedule(userId, roomNow ? rt.clock.now() : retryAt);
    return;
  }
  const databaseName = due.databaseName ?? databaseNameForUser(userId, rt.prefix);
  const placed = await applyHosted(rt, due, {
    type: 'database-placed',
    instanceId: host.instanceId,
    connectionUrl: host.connectionUrl,
    username: host.username,
    databaseName,
    readAt: rt.clock.now() + rt.hosts.placement.expectedDatabaseCreationMs,
  })
    .catch(async (error: unknown) => {
      await rt.hosts.release(host.instanceId as string);
      throw error;
    })
    .finally(() => rt.hosts.forget(userId));
  if (!placed) {
    // Changed meanwhile (another process placed it, a deprovision): the slot goes back.
    await rt.hosts.release(host.instanceId);
    return;
  }
  rt.emit({
    type: 'create-requested',
    userId,
    instanceId: host.instanceId,
    instanceName: databaseName,
  });
  try {
    await sendCreate(rt, placed);
  } finally {
    // A slot fewer: below the warm threshold now? The next host opens ahead of the next signups.
    await rt.hosts.ensureCapacity(reserved?.hosts);
  }
}

/** Sends the create of a placed user's database and schedules the read that follows it. */
async function sendCreate(rt: DatabaseStepDeps, record: UserDatabaseRecord): Promise<void> {
  const { userId, instanceId, databaseName } = record;
  if (!instanceId || !databaseName) return;
  let named = record;
  try {
    const project = rt.hosts.project();
    const created = await project.databases.create(instanceId, databaseName);
    rt.hosts.invalidate(instanceId);
    // The name asked for is a wish: Aura may assign its own, or answer with the id alone. The id
    // is stored at once (a compare-and-set on the version the create was sent from): from now on
    // it names the user's database, and the status read's listing gives the name of that id.
    const name = created.name;
    named =
      (await applyHosted(rt, record, {
        type: 'database-named',
        databaseId: created.id,
        databaseName: name ?? databaseName,
      })) ?? record;
    rt.emit({ type: 'creating', userId, instanceId, instanceName: name ?? databaseName });
  } catch (error) {
    rt.hosts.invalidate(instanceId);
    const failure = classifyCreateFailure(error);
    if (isAuraError(error, 'conflict') || failure.kind === 'deferred') {
      // Exists already (an earlier send), unknown, or not sent: the read settles it.
      const at =
        rt.clock.now() + (failure.kind === 'deferred' ? PLACEMENT_DEFAULTS.databaseRetryMs : 0);
      await rt.scheduler.schedule(userId, at, 'high');
      return;
    }
    if (isLimitRefusal(error)) {
      // The host holds fewer than we counted on: what it holds is its capacity. Place the user
      // again, elsewhere (a host opens ahead of them if none has room).
      await rt.hosts.learnCapacity(instanceId);
      const unplaced = await applyHosted(rt, record, { type: 'database-unplaced' });
      if (unplaced) await rt.scheduler.schedule(userId, rt.clock.now());
      return;
    }
    const rejected = await applyHosted(rt, record, {
      type: 'database-rejected',
      reason: failure.reason,
      retryable: failure.retryable,
    });
    if (rejected) {
      const retryable = rejected.nextCheckAt !== null;
      rt.emit({ type: 'failed', userId, reason: failure.reason, retryable });
    }
    return;
  }
  await rt.scheduler.schedule(userId, named.nextCheckAt ?? rt.clock.now(), 'high');
}

/**
 * A due `creating` hosted user: look for the database on its host (one
 * listing shared by the users read at the same moment), by the id Aura
 * answered, or by the name asked for while no answer arrived. Online: ready.
 * Not yet: read again later. Answered but not listed yet: read again, create
 * nothing. Unanswered and absent under its name: the lost answer is settled
 * (see `settleLostCreate`): a database no record owns is matched and adopted,
 * or, with nothing unowned there, the create is sent again (a copy of an
 * asked-for name is refused by name), or, when none is left for the user,
 * nothing is created.
 */
export async function runDatabaseStatus(
  rt: DatabaseStepDeps,
  due: UserDatabaseRecord,
): Promise<void> {
  let record = due;
  const { userId, instanceId, databaseName } = record;
  if (!instanceId || !databaseName) return;
  let databases: Database[];
  try {
    databases = await rt.hosts.listDatabases(instanceId);
  } catch (error) {
    if (isAuraError(error, 'not_found')) {
      const failed = await applyHosted(rt, record, {
        type: 'database-rejected',
        reason: 'host-not-found',
        retryable: true,
      });
      if (failed) rt.emit({ type: 'failed', userId, reason: 'host-not-found', retryable: true });
      return;
    }
    rt.logger.warn?.('reading the host databases failed; will retry', {
      userId,
      error: String(error),
    });
    await rt.scheduler.schedule(
      userId,
      rt.clock.now() + PLACEMENT_DEFAULTS.databaseRetryMs,
      'high',
    );
    return;
  }
  const now = rt.clock.now();
  const since = record.createRequestedAt ?? record.updatedAt;
  // By the id Aura answered, once stored; before that (no answer yet), by the name asked for.
  const found =
    record.databaseId === null
      ? databases.find((database) => sameName(database.name, databaseName))
      : databases.find((database) => database.id === record.databaseId);
  if (
    found &&
    (found.id !== record.databaseId || !sameName(found.name ?? found.id, databaseName))
  ) {
    // The listing names the database (Aura answered its id alone, or named it otherwise).
    const renamed = await applyHosted(rt, record, {
      type: 'database-named',
      databaseId: found.id,
      databaseName: found.name ?? found.id,
    });
    if (!renamed) {
      await letGoIfHeldElsewhere(rt, record, instanceId);
      return;
    }
    record = renamed;
  }
  if (!found) {
    // Answered, so made: a listing that does not show it yet is waited for, never created again.
    const settled =
      record.databaseId === null
        ? await settle(rt, record, instanceId, databases)
        : { kind: 'wait' as const };
    if (settled === undefined) return;
    if (settled.kind === 'adopt') {
      if (await adopt(rt, settled)) await rt.scheduler.schedule(userId, now, 'high');
      else await rt.scheduler.schedule(userId, now + PLACEMENT_DEFAULTS.databaseRetryMs, 'high');
      return;
    }
    if (settled.kind === 'wait') {
      // Something no record owns is there but not provably this user's: create nothing more.
      const waited = await applyHosted(rt, record, {
        type: 'database-seen',
        online: false,
        readAt: nextDatabaseRead(rt, since, now),
      });
      if (waited?.status === 'creating' && waited.nextCheckAt !== null) {
        await rt.scheduler.schedule(userId, waited.nextCheckAt, 'high');
      } else if (waited?.status === 'failed') {
        rt.emit({ type: 'failed', userId, reason: waited.lastError ?? undefined, retryable: true });
      }
      return;
    }
    const resent = await applyHosted(rt, record, {
      type: 'database-resent',
      readAt: now + rt.hosts.placement.expectedDatabaseCreationMs,
    });
    if (resent?.status === 'creating') await sendCreate(rt, resent);
    else if (resent?.status === 'failed') {
      rt.emit({ type: 'failed', userId, reason: resent.lastError ?? undefined, retryable: true });
    }
    return;
  }
  const online = isDatabaseOnline(found);
  const next = await applyHosted(rt, record, {
    type: 'database-seen',
    online,
    readAt: nextDatabaseRead(rt, since, now),
  });
  if (!next) return;
  const info = { userId, instanceId, instanceName: next.databaseName ?? databaseName };
  if (next.status === 'ready') rt.emit({ type: 'ready', ...info });
  else if (next.status === 'failed') {
    rt.emit({ type: 'failed', ...info, reason: next.lastError ?? undefined, retryable: true });
  } else if (next.nextCheckAt !== null) {
    await rt.scheduler.schedule(userId, next.nextCheckAt, 'high');
  }
}

/**
 * After a `database-named` that was not applied: a record that moved is left to whoever moved
 * it. One whose version is unchanged was refused by the store because another user's record
 * holds that database (one database, one user): the user's name on the host names another
 * user's database, so nothing there is provably theirs. It lets go of the host without touching
 * any database (as a database found lost): failed for an operator to retry, its slot given back.
 */
async function letGoIfHeldElsewhere(
  rt: DatabaseStepDeps,
  record: UserDatabaseRecord,
  instanceId: string,
): Promise<void> {
  const current = await rt.store.get(record.userId);
  if (current?.version !== record.version) return;
  const reason = DATABASE_HELD_ELSEWHERE;
  const lost = await applyHosted(rt, current, { type: 'lost', reason, reprovision: false });
  if (!lost) return;
  await rt.hosts.release(instanceId);
  rt.emit({ type: 'failed', userId: record.userId, reason, retryable: false });
}

/**
 * A lost create answer, settled from the host's listing and the records
 * placed on the host (read after the listing); the user's own record as that
 * read saw it, so every compare-and-set of the settlement starts from one read;
 * `undefined` when the record moved since the step read it (read again now).
 */
async function settle(
  rt: DatabaseStepDeps,
  record: UserDatabaseRecord,
  instanceId: string,
  databases: readonly Database[],
): Promise<(LostCreate & { record?: UserDatabaseRecord }) | undefined> {
  // The host's own databases are never a user's: read before the records, so that nothing
  // comes between the read of the records and the settlement made from it.
  const host = (await rt.hosts.records()).find((h) => h.instanceId === instanceId);
  const { records } = await readAllRecords(rt.store);
  const onHost = records.filter(
    (r) => r.placement === 'database-per-user' && r.instanceId === instanceId,
  );
  const current = onHost.find((r) => r.userId === record.userId);
  if (current?.version !== record.version) {
    // Moved since it was read (fenced, answered, deprovisioned): read it again, afresh.
    await rt.scheduler.schedule(record.userId, rt.clock.now(), 'high');
    return undefined;
  }
  const settled = settleLostCreate(current, databases, onHost, {
    prefix: rt.prefix,
    host: host ?? UNKNOWN_HOST,
    firstSeen: (id) => rt.hosts.firstSeen(id),
  });
  return { ...settled, record: current };
}

/**
 * Adopts the database a settlement matched: every other user waiting on the
 * host fenced first, then the user's record takes the database's id and name.
 * Whether it did; a record that moved meanwhile stops it, to be settled again.
 */
async function adopt(
  rt: DatabaseStepDeps,
  settled: Extract<LostCreate, { kind: 'adopt' }> & { record?: UserDatabaseRecord },
): Promise<boolean> {
  if (!settled.record) return false;
  for (const other of settled.fence) {
    if (!(await applyHosted(rt, other, { type: 'database-fenced' }))) return false;
    // A read of theirs under way now fails its compare-and-set: they are read again, afresh.
    await rt.scheduler.schedule(other.userId, rt.clock.now(), 'high');
  }
  const adopted = await applyHosted(rt, settled.record, {
    type: 'database-named',
    databaseId: settled.databaseId,
    databaseName: settled.databaseName,
  });
  return adopted !== null;
}

/**
 * A `deleting` hosted user: delete the database (by id on its host, or by
 * name while no id is stored), then
 * the record, then give the slot back (a slot is lost rather than handed out
 * twice should the process stop in between: reconcile counts them again).
 * Returns whether the record is gone.
 */
export async function runDatabaseDelete(
  rt: DatabaseStepDeps,
  record: UserDatabaseRecord,
): Promise<boolean> {
  const { userId, instanceId, databaseName } = record;
  if (instanceId && databaseName) {
    try {
      await rt.hosts.deleteDatabase(instanceId, record);
    } catch (error) {
      if (!isAuraError(error)) throw error;
      if (!isAuraError(error, 'not_found')) {
        rt.logger.warn?.('deleting the database failed; will retry', {
          userId,
          error: String(error),
        });
        await rt.scheduler.schedule(userId, rt.clock.now() + PLACEMENT_DEFAULTS.databaseRetryMs);
        return false;
      }
      // The host itself is gone: so is the database.
    }
  }
  rt.hosts.forget(userId);
  const removed = await rt.store.delete(userId, record.version);
  if (!removed && (await rt.store.get(userId)) !== null) return false;
  if (instanceId && databaseName) await rt.hosts.release(instanceId, { databaseDeleted: true });
  rt.emit({
    type: 'deprovisioned',
    userId,
    instanceId: instanceId ?? undefined,
    instanceName: databaseName ?? record.instanceName,
  });
  return true;
}
