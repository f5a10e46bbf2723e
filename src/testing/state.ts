import type { Phase } from './lifecycle.js';
import type { CloudProvider, InstanceType, RecordedRequest } from './model.js';
import type { ResolvedOptions } from './options.js';
import type { IdSource } from './random-ids.js';

/** An instance as the fake stores it. */
export interface InstanceRecord {
  id: string;
  name: string;
  tenantId: string;
  cloudProvider: CloudProvider;
  region: string;
  type: InstanceType;
  memory: string;
  storage: string;
  version: string;
  createdAt: number;
  username: string;
  password: string;
  vectorOptimized: boolean;
  graphAnalyticsPlugin: boolean;
  /** `GET /instances/{id}` answers 404 before this time (propagation delay after create). */
  visibleAt: number;
  phase: Phase;
}

/** A snapshot as the fake stores it. */
export interface SnapshotRecord {
  snapshotId: string;
  instanceId: string;
  profile: 'AdHoc' | 'Scheduled';
  takenAt: number;
  completesAt: number;
  exportable: boolean;
}

/** Everything the fake remembers; `reset()` empties all but the options. */
export interface MockState {
  readonly options: ResolvedOptions;
  readonly ids: IdSource;
  instances: Map<string, InstanceRecord>;
  snapshots: SnapshotRecord[];
  /** Access token -> expiry time (clock ms). */
  tokens: Map<string, number>;
  /** Arrival times of the `/v1` requests the rate limit admitted. */
  rateWindow: number[];
  requests: RecordedRequest[];
}

/**
 * Creates an empty state.
 *
 * @example
 * ```ts
 * const state = createState(resolveOptions(), createIdSource(Math.random));
 * ```
 */
export function createState(options: ResolvedOptions, ids: IdSource): MockState {
  return {
    options,
    ids,
    instances: new Map(),
    snapshots: [],
    tokens: new Map(),
    rateWindow: [],
    requests: [],
  };
}

/**
 * Forgets instances, snapshots, tokens, the rate window and the recorded requests.
 *
 * @example
 * ```ts
 * clearState(state);
 * ```
 */
export function clearState(state: MockState): void {
  state.instances.clear();
  state.snapshots = [];
  state.tokens.clear();
  state.rateWindow = [];
  state.requests = [];
}
