import { AuraMockConfigurationError } from './errors.js';
import type { PhaseDurations } from './lifecycle.js';
import { enter } from './lifecycle.js';
import { accrue, type MeterState, startMeter } from './meter.js';
import type { InstanceStatus, MockInstance, MockInstanceSpec, SeedInstance } from './model.js';
import { uniqueId } from './random-ids.js';
import type { InstanceRecord, MockState } from './state.js';
import { connectionUrl, isoSeconds } from './wire.js';

/**
 * Brings an instance's phase up to `now`, through every status it settled into on the way
 * (`pausing` -> `paused` -> `resuming` -> `running`), metering each; an instance whose destroy
 * finished is removed, with its snapshots.
 *
 * @example
 * ```ts
 * const record = findInstance(state, id, clock.now());
 * if (!record) return auraError(404, 'db-not-found', `DB not found: ${id}`);
 * ```
 */
export function findInstance(
  state: MockState,
  id: string,
  now: number,
): InstanceRecord | undefined {
  const record = state.instances.get(id);
  if (!record) return undefined;
  const meter = meterOf(state, record);
  let { phase } = record;
  while (phase.settlesAt !== undefined && phase.next !== undefined && now >= phase.settlesAt) {
    accrue(meter, phase.status, record.memory, phase.settlesAt);
    if (phase.next === 'gone') {
      meter.view.gone = true;
      state.instances.delete(id);
      state.snapshots = state.snapshots.filter((s) => s.instanceId !== id);
      return undefined;
    }
    if (phase.status === 'paused') meter.view.autoResumes += 1;
    // Never `creating` again: the creation time (a function, maybe counting calls) is not asked.
    const durations = {
      ...state.options.transitionMs,
      creating: 0,
      paused: state.options.autoResumeAfterMs,
    };
    phase = enter(phase.next, phase.settlesAt, durations);
  }
  accrue(meter, phase.status, record.memory, now);
  record.phase = phase;
  return record;
}

/** The meter of an instance, started at its creation when it has none yet. */
function meterOf(state: MockState, record: InstanceRecord): MeterState {
  let meter = state.meters.get(record.id);
  if (!meter) {
    meter = startMeter(record.id, record.name, record.memory, record.createdAt);
    state.meters.set(record.id, meter);
  }
  meter.view.name = record.name;
  return meter;
}

/**
 * Brings every meter up to `now` (settling every instance) for a reading of the bill.
 *
 * @example
 * ```ts
 * billOf(meteredUntil(state, clock.now()));
 * ```
 */
export function meteredUntil(state: MockState, now: number): MeterState[] {
  liveInstances(state, now);
  return [...state.meters.values()];
}

/**
 * Every instance not yet gone, in creation order, settled to `now`.
 *
 * @example
 * ```ts
 * liveInstances(state, now).filter((r) => r.tenantId === tenantId);
 * ```
 */
export function liveInstances(state: MockState, now: number): InstanceRecord[] {
  return [...state.instances.keys()]
    .map((id) => findInstance(state, id, now))
    .filter((record): record is InstanceRecord => record !== undefined);
}

/**
 * The public, camelCase view of a record (status as of the record's phase).
 *
 * @example
 * ```ts
 * liveInstances(state, now).map(toMockInstance);
 * ```
 */
export function toMockInstance(record: InstanceRecord): MockInstance {
  return {
    id: record.id,
    name: record.name,
    status: record.phase.status,
    tenantId: record.tenantId,
    cloudProvider: record.cloudProvider,
    region: record.region,
    type: record.type,
    memory: record.memory,
    storage: record.storage,
    version: record.version,
    connectionUrl: record.connectionUrl ?? connectionUrl(record.id),
    username: record.username,
    password: record.password,
    createdAt: isoSeconds(record.createdAt),
    vectorOptimized: record.vectorOptimized,
    graphAnalyticsPlugin: record.graphAnalyticsPlugin,
  };
}

/**
 * Puts an instance straight into the state, as if created earlier (an orphan,
 * say). Visible at once; a transitional status settles after its usual duration.
 *
 * @example
 * ```ts
 * seedInstance(state, { name: 'orphan', status: 'creating' }, clock.now());
 * ```
 */
export function seedInstance(state: MockState, seed: SeedInstance, now: number): InstanceRecord {
  const { options, ids } = state;
  const tenantId = seed.tenantId ?? options.tenants[0]?.id ?? 'tenant-1';
  const tenant = options.tenants.find((t) => t.id === tenantId);
  const config = tenant?.instanceConfigurations[0];
  const id = seed.id ?? uniqueId(ids.instanceId, (candidate) => state.instances.has(candidate));
  if (state.instances.has(id))
    throw new AuraMockConfigurationError(`addInstance: instance ${id} exists already`);
  const record: InstanceRecord = {
    id,
    name: seed.name,
    tenantId,
    cloudProvider: seed.cloudProvider ?? config?.cloudProvider ?? 'gcp',
    region: seed.region ?? config?.region ?? 'europe-west1',
    type: seed.type ?? config?.type ?? 'professional-db',
    memory: seed.memory ?? config?.memory ?? '1GB',
    storage: seed.storage ?? config?.storage ?? '2GB',
    version: seed.version ?? config?.version ?? '5',
    createdAt: seed.createdAt ?? now,
    username: 'neo4j',
    password: seed.password ?? ids.password(),
    vectorOptimized: seed.vectorOptimized ?? false,
    graphAnalyticsPlugin: seed.graphAnalyticsPlugin ?? false,
    visibleAt: now,
    phase: { status: 'running' },
  };
  record.phase = enter(seed.status ?? 'running', now, phaseDurations(state, record));
  state.instances.set(id, record);
  // Billed from the moment of seeding, whatever `createdAt` says.
  state.meters.set(id, startMeter(id, record.name, record.memory, now));
  return record;
}

/**
 * The create spec an instance answers to (for `creationTimeMs` and `failCreation`).
 *
 * @example
 * ```ts
 * options.creationTimeMs(specOf(record));
 * ```
 */
export function specOf(record: InstanceRecord): MockInstanceSpec {
  return {
    name: record.name,
    tenantId: record.tenantId,
    cloudProvider: record.cloudProvider,
    region: record.region,
    type: record.type,
    memory: record.memory,
    version: record.version,
    vectorOptimized: record.vectorOptimized,
    graphAnalyticsPlugin: record.graphAnalyticsPlugin,
  };
}

/**
 * Forces a status that holds until a request changes it (`loading failed`, say).
 *
 * @example
 * ```ts
 * forceStatus(state, id, 'loading failed', clock.now());
 * ```
 */
export function forceStatus(
  state: MockState,
  id: string,
  status: InstanceStatus,
  now: number,
): void {
  const record = findInstance(state, id, now);
  if (!record) throw new AuraMockConfigurationError(`setInstanceStatus: no instance ${id}`);
  record.phase = { status };
}

/**
 * How long each transitional status of this instance lasts.
 *
 * @example
 * ```ts
 * record.phase = enter('pausing', now, phaseDurations(state, record));
 * ```
 */
export function phaseDurations(state: MockState, record: InstanceRecord): PhaseDurations {
  return {
    ...state.options.transitionMs,
    creating: state.options.creationTimeMs(specOf(record)),
    paused: state.options.autoResumeAfterMs,
  };
}
