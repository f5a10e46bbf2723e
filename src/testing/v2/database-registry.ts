import { findInstance } from '../instance-registry.js';
import { uniqueId } from '../random-ids.js';
import type { DatabaseRecord, InstanceRecord, MockState } from '../state.js';

/**
 * A name as Aura's current page shows one (`293fd870`): 8 hex digits, unused on the instance.
 *
 * @example
 * ```ts
 * assignedName([]); // '293fd870'
 * ```
 */
export function assignedName(databases: readonly { name: string }[]): string {
  for (let n = databases.length; ; n++) {
    const name = ((0x293fd870 + n * 0x9e3779b1) % 2 ** 32).toString(16).padStart(8, '0');
    if (!databases.some((db) => db.name === name)) return name;
  }
}

/**
 * Adds the default database a multi-database instance starts with (it cannot
 * be deleted): `neo4j`, or a name Aura assigned, as the fake's
 * `defaultDatabaseName` says.
 *
 * @example
 * ```ts
 * addDefaultDatabase(state, record, now, durations.creating).name; // 'neo4j'
 * ```
 */
export function addDefaultDatabase(
  state: MockState,
  instance: InstanceRecord,
  now: number,
  readyMs: number,
): DatabaseRecord {
  const assigned = state.multiDatabase.defaultDatabaseName === 'assigned';
  const name = assigned ? assignedName(databasesOf(state, instance.id, now)) : 'neo4j';
  const record = addDatabase(state, instance, name, now, readyMs);
  record.isDefault = true;
  return record;
}

/**
 * Neo4j's naming rule (3–63 ASCII letters, digits, dots and dashes, starting
 * with a letter). A copy of the client's: the fake keeps its own.
 *
 * @example
 * ```ts
 * databaseNameProblem('9lives'); // 'name must start with a letter and ...'
 * ```
 */
export function databaseNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'name must be a string';
  if (/^[A-Za-z][A-Za-z0-9.-]{2,62}$/.test(name)) return undefined;
  return 'name must start with a letter and hold 3-63 ASCII letters, digits, dots or dashes';
}

/**
 * How many databases an instance of this memory holds: 5 per GB, 100 at most,
 * `neo4j` counted (whether Aura counts it is UNKNOWN; the fake assumes so).
 *
 * @example
 * ```ts
 * databaseCapacity('4GB'); // 20
 * databaseCapacity('64GB'); // 100
 * ```
 */
export function databaseCapacity(memory: string, perGb = 5): number {
  const gigabytes = Number.parseInt(memory, 10);
  return Number.isFinite(gigabytes) ? Math.min(100, Math.max(0, gigabytes) * perGb) : 0;
}

/**
 * The status the fake shows for a database at `now`. Aura documents none:
 * `creating` then `online` is a guess, and clients must not rely on it.
 *
 * @example
 * ```ts
 * databaseStatus(record, clock.now()); // 'creating' | 'online'
 * ```
 */
export function databaseStatus(
  record: DatabaseRecord,
  now: number,
  naming: 'caller' | 'auto' = 'caller',
): string {
  const online = now >= record.onlineAt;
  if (naming === 'auto') return online ? 'RUNNING' : 'CREATING';
  return online ? 'online' : 'creating';
}

/**
 * The databases of a live instance; those of an instance that is gone are dropped.
 *
 * @example
 * ```ts
 * databasesOf(state, instanceId, now).map((db) => db.name); // ['neo4j', ...]
 * ```
 */
export function databasesOf(state: MockState, instanceId: string, now: number): DatabaseRecord[] {
  if (!findInstance(state, instanceId, now)) {
    state.databases.delete(instanceId);
    return [];
  }
  return state.databases.get(instanceId) ?? [];
}

/**
 * Adds a database (no checks: the route checks first), online after `readyMs`.
 *
 * @example
 * ```ts
 * addDatabase(state, record, 'neo4j', now, 0);
 * ```
 */
export function addDatabase(
  state: MockState,
  instance: InstanceRecord,
  name: string,
  now: number,
  readyMs: number,
): DatabaseRecord {
  const all = [...state.databases.values()].flat();
  const record: DatabaseRecord = {
    id: uniqueId(state.ids.snapshotId, (id) => all.some((db) => db.id === id)),
    name,
    instanceId: instance.id,
    createdAt: now,
    onlineAt: now + readyMs,
  };
  state.databases.set(instance.id, [...(state.databases.get(instance.id) ?? []), record]);
  return record;
}

/**
 * Removes a database of an instance; it still counts toward the instance's
 * limit until `countsUntil` (see {@link databasesCounted}), if given.
 *
 * @example
 * ```ts
 * removeDatabase(state, instanceId, databaseId);
 * ```
 */
export function removeDatabase(
  state: MockState,
  instanceId: string,
  databaseId: string,
  countsUntil?: number,
): void {
  const kept = (state.databases.get(instanceId) ?? []).filter((db) => db.id !== databaseId);
  state.databases.set(instanceId, kept);
  if (countsUntil !== undefined) {
    state.deletedDatabases.set(instanceId, [
      ...(state.deletedDatabases.get(instanceId) ?? []),
      countsUntil,
    ]);
  }
}

/**
 * The databases counted toward an instance's limit at `now`: those it lists,
 * and those deleted that still count.
 *
 * @example
 * ```ts
 * if (databasesCounted(state, instanceId, now) >= capacity) refuse();
 * ```
 */
export function databasesCounted(state: MockState, instanceId: string, now: number): number {
  const lingering = (state.deletedDatabases.get(instanceId) ?? []).filter((until) => until > now);
  state.deletedDatabases.set(instanceId, lingering);
  return databasesOf(state, instanceId, now).length + lingering.length;
}
