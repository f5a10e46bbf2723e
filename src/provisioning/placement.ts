import type { CloudProvider } from '../aura/schemas.js';
import { ProvisioningConfigurationError } from '../records/errors.js';

/**
 * The multi-database instances (hosts) that the `database-per-user`
 * placement opens in an Aura project (v2beta1: Business Critical or Virtual
 * Dedicated Cloud).
 */
export interface HostSpec {
  organizationId: string;
  projectId: string;
  /** Default `business-critical`; `enterprise-db` on Virtual Dedicated Cloud. */
  type?: 'business-critical' | 'enterprise-db';
  /** `'4GB'` and up: 5 databases per GB, at most 100. */
  memory: string;
  region: string;
  cloudProvider: CloudProvider;
  storage?: string;
}

/**
 * Every user gets a database of their own inside a shared multi-database
 * instance (a host) that the provisioner opens, fills and keeps ahead of
 * demand. Users wait for a database create (seconds) instead of an instance
 * (minutes), and 100 users can share one instance's bill.
 */
export interface DatabasePerUserPlacement {
  kind: 'database-per-user';
  host: HostSpec;
  /**
   * Databases per host, `neo4j` counted. Default: Aura's limit for the memory,
   * 5 per GB, at most 100 (`4GB` -> 20).
   */
  maxDatabasesPerHost?: number;
  /**
   * Free slots to keep ready ahead of signups: when the free slots of the
   * running and starting hosts, less the users waiting, fall under it, the
   * next host is opened. Default a quarter of a host's capacity (at least 1).
   * 0 opens hosts only when a user waits.
   */
  warmSlots?: number;
  /**
   * At most this many hosts at once, failed ones not counted: a cap on what
   * the placement may bill. At the cap no host opens (a warning is logged);
   * users wait, `pending` (`waitingForHostSince` set, `lastError`
   * `waiting-for-host`), for a slot a deprovision gives back or until the
   * cap is raised. Default: no cap.
   */
  maxHosts?: number;
  /** When a user's new database is first looked at, in ms. Default 5 000. */
  expectedDatabaseCreationMs?: number;
}

/** Where each user's database goes. Default `instance-per-user`. */
export type Placement = 'instance-per-user' | DatabasePerUserPlacement;

/** Defaults of the `database-per-user` placement. */
export const PLACEMENT_DEFAULTS = {
  hostType: 'business-critical',
  /** Aura's limit: 5 databases per GB of memory, at most 100 per instance. */
  databasesPerGb: 5,
  maxDatabasesPerInstance: 100,
  /** The share of a host's capacity kept free ahead of signups. */
  warmShare: 0.25,
  expectedDatabaseCreationMs: 5_000,
  /** A new database not online by then fails (retryably). */
  databaseDeadlineMs: 600_000,
  /**
   * Between reads of a starting host, at most (all of a project's hosts in one list call); the
   * first comes at the poll policy's `expectedCreationMs`.
   */
  hostCheckIntervalMs: 10_000,
  /** Between upkeep rounds when no host is starting. */
  hostIdleCheckMs: 60_000,
  /** A user waiting for a host is looked at again this often, should no host here wake it. */
  hostWaitMs: 30_000,
  /** Stored records read, at most, when freed slots look for users other processes left waiting. */
  wakeScanLimit: 100,
  /** A host create not answered by then is looked up by name (it may exist without its password). */
  hostCreateLeaseMs: 300_000,
  /** After a host fails (Aura refused it, it never came up), no new one opens for this long. */
  hostFailureBackoffMs: 300_000,
  /** Between reads of a new database, and of a starting host, at least. */
  minReadIntervalMs: 1_000,
  /** Between reads of a new database, at most. */
  databaseReadMaxIntervalMs: 30_000,
  /** Database listings of one host answered within this long are shared by the users reading it. */
  listingShareMs: 1_000,
  /** A database read or send that failed for now (a 429, a dropped connection) goes again after this. */
  databaseRetryMs: 5_000,
  /**
   * A refusal for a host's limit this soon after a user's database there was deleted may count
   * the deleted database (Aura does not say how long one counts): the host rests instead of
   * having its capacity lowered.
   */
  deletedDatabaseGraceMs: 300_000,
  /** How long such a host takes nobody before its free slot is tried again. */
  hostRestMs: 30_000,
  /** A host is counted down from its listing only when nobody took a slot on it this long. */
  hostQuietMs: 60_000,
  /** Aura's clock and ours may differ by this much (a database is fresh after its create was sent). */
  clockSkewMs: 60_000,
} as const;

/** The placement as the engine uses it: every default applied and checked. */
export interface ResolvedPlacement {
  host: Required<Omit<HostSpec, 'storage'>> & { storage?: string };
  capacity: number;
  warmSlots: number;
  /** `Infinity` without a cap. */
  maxHosts: number;
  expectedDatabaseCreationMs: number;
  /** Host instance names: `<prefix>host-0001`, ... */
  hostPrefix: string;
}

/** The capacity Aura allows an instance of `memory` (`'4GB'` -> 20), or undefined if unreadable. */
export function databaseCapacityFor(memory: string): number | undefined {
  const match = /^(\d+)GB$/i.exec(memory);
  if (!match) return undefined;
  const gb = Number(match[1]);
  return Math.min(
    PLACEMENT_DEFAULTS.maxDatabasesPerInstance,
    gb * PLACEMENT_DEFAULTS.databasesPerGb,
  );
}

const fail = (message: string): never => {
  throw new ProvisioningConfigurationError(`Invalid placement: ${message}`);
};

/**
 * Checks the `placement` option; `undefined` for `instance-per-user`.
 * Each mistake is a `ProvisioningConfigurationError` naming the field.
 */
export function resolvePlacement(
  placement: Placement | undefined,
  prefix: string,
): ResolvedPlacement | undefined {
  if (placement === undefined || placement === 'instance-per-user') return undefined;
  if (typeof placement !== 'object' || placement === null) {
    return fail(`expected 'instance-per-user' or { kind: 'database-per-user', host }`);
  }
  if (placement.kind !== 'database-per-user') {
    return fail(`unknown kind ${JSON.stringify((placement as { kind?: unknown }).kind)}`);
  }
  const host = placement.host;
  if (!host || typeof host !== 'object') return fail('host is required');
  for (const field of [
    'organizationId',
    'projectId',
    'memory',
    'region',
    'cloudProvider',
  ] as const) {
    if (typeof host[field] !== 'string' || host[field].length === 0) {
      fail(`host.${field} must be a non-empty string`);
    }
  }
  const allowed = databaseCapacityFor(host.memory);
  if (allowed === undefined) return fail(`host.memory must look like '4GB', not ${host.memory}`);
  const capacity = placement.maxDatabasesPerHost ?? allowed;
  if (!Number.isSafeInteger(capacity) || capacity < 2 || capacity > allowed) {
    fail(`maxDatabasesPerHost must be an integer from 2 to ${allowed} for ${host.memory}`);
  }
  const warmSlots =
    placement.warmSlots ?? Math.max(1, Math.ceil(capacity * PLACEMENT_DEFAULTS.warmShare));
  if (!Number.isSafeInteger(warmSlots) || warmSlots < 0) {
    fail('warmSlots must be an integer >= 0');
  }
  const maxHosts = placement.maxHosts ?? Number.POSITIVE_INFINITY;
  if (placement.maxHosts !== undefined && !(Number.isSafeInteger(maxHosts) && maxHosts >= 1)) {
    fail('maxHosts must be an integer >= 1');
  }
  const expectedDatabaseCreationMs =
    placement.expectedDatabaseCreationMs ?? PLACEMENT_DEFAULTS.expectedDatabaseCreationMs;
  if (!(expectedDatabaseCreationMs > 0 && expectedDatabaseCreationMs <= 3_600_000)) {
    fail('expectedDatabaseCreationMs must be more than 0 and at most an hour');
  }
  return {
    host: { type: PLACEMENT_DEFAULTS.hostType, ...host },
    capacity,
    warmSlots,
    maxHosts,
    expectedDatabaseCreationMs,
    hostPrefix: hostPrefixFor(prefix),
  };
}

/** Where host names start, for an instance name prefix: `<prefix>host-`. */
export const hostPrefixFor = (instancePrefix: string) => `${instancePrefix}host-`;

/** The name of host number `n` (1, 2, ...): `<prefix>host-0001`. */
export const hostNameFor = (hostPrefix: string, n: number) =>
  `${hostPrefix}${n.toString().padStart(4, '0')}`;

/** The number in a host name of ours, or undefined for any other name. */
export function hostNumberOf(name: string, hostPrefix: string): number | undefined {
  if (!name.startsWith(hostPrefix)) return undefined;
  const digits = name.slice(hostPrefix.length);
  return /^\d{4,}$/.test(digits) ? Number(digits) : undefined;
}
