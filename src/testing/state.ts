import type { Phase } from './lifecycle.js';
import type { MeterState } from './meter.js';
import type { CloudProvider, InstanceType, RecordedRequest } from './model.js';
import type { ResolvedOptions } from './options.js';
import type { IdSource } from './random-ids.js';
import { type ResolvedMultiDatabaseOptions, resolveMultiDatabaseOptions } from './v2/options.js';

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
  /** The Bolt URL it answers with; default `neo4j+s://<id>.databases.neo4j.io`. */
  connectionUrl?: string;
  vectorOptimized: boolean;
  graphAnalyticsPlugin: boolean;
  /** `GET /instances/{id}` answers 404 before this time (propagation delay after create). */
  visibleAt: number;
  phase: Phase;
  /** Created through v2beta1 with `multi_database: true`: holds databases. */
  multiDatabase?: boolean;
}

/** A database inside a multi-database instance (v2beta1). */
export interface DatabaseRecord {
  id: string;
  name: string;
  instanceId: string;
  createdAt: number;
  /** Its status reads `creating` before this time, `online` after (the fake's guess). */
  onlineAt: number;
  /** The instance's default database, which cannot be deleted. */
  isDefault?: boolean;
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
  /** Arrival times of the token requests the token rate limit admitted. */
  tokenWindow: number[];
  requests: RecordedRequest[];
  /** The v2beta1 options (organizations, database creation time, page size). */
  readonly multiDatabase: ResolvedMultiDatabaseOptions;
  /** Instance id -> its databases, in creation order (`neo4j` first). */
  databases: Map<string, DatabaseRecord[]>;
  /**
   * Instance id -> until when each of its deleted databases still counts toward its limit
   * (`deletedDatabaseCountsForMs`); gone from the listing already.
   */
  deletedDatabases: Map<string, number[]>;
  /** Instance id -> what it has been billed, kept after the instance is gone. */
  meters: Map<string, MeterState>;
  /** `organizationId@YYYY-MM-DD` -> billing usage calls that day. */
  billingUsageCalls: Map<string, number>;
}

/**
 * Creates an empty state.
 *
 * @example
 * ```ts
 * const state = createState(resolveOptions(), createIdSource(Math.random));
 * ```
 */
export function createState(
  options: ResolvedOptions,
  ids: IdSource,
  multiDatabase: ResolvedMultiDatabaseOptions = resolveMultiDatabaseOptions(
    {},
    options.tenants.map((t) => t.id),
  ),
): MockState {
  return {
    options,
    ids,
    instances: new Map(),
    snapshots: [],
    tokens: new Map(),
    rateWindow: [],
    tokenWindow: [],
    requests: [],
    multiDatabase,
    databases: new Map(),
    deletedDatabases: new Map(),
    meters: new Map(),
    billingUsageCalls: new Map(),
  };
}

/**
 * Forgets instances, snapshots, databases, meters, billing usage calls, tokens, the rate window and the recorded requests.
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
  state.tokenWindow = [];
  state.requests = [];
  state.databases.clear();
  state.deletedDatabases.clear();
  state.meters.clear();
  state.billingUsageCalls.clear();
}
