import type { ProvisioningStatus } from './record.js';

/**
 * One multi-database Aura instance that holds users' databases (placement
 * `database-per-user`), as the store keeps it: its connection, its password
 * (encrypted once, for every user on it), and its slots. Times are ms since
 * the epoch.
 *
 * Statuses follow a user's: `pending` (claimed, create not yet accepted) ->
 * `creating` (Aura accepted; credentials stored) -> `ready` (running, takes
 * users); `failed`; `deleting` while its instance is removed.
 */
export interface HostRecord {
  /** The key: the host instance's name (`<prefix>host-0001`). */
  hostName: string;
  status: ProvisioningStatus;
  /** Bumped by every update; compare-and-set uses it. Starts at 1. */
  version: number;
  instanceId: string | null;
  /** `neo4j+s://<id>.databases.neo4j.io`. */
  connectionUrl: string | null;
  /** The user name Aura returned at create. */
  username: string | null;
  /** The password, encrypted by the cipher. Never plaintext. */
  encryptedPassword: string | null;
  /** How many databases the instance may hold, its default database (`neo4j`) counted. */
  capacity: number;
  /** Slots taken: 1 for the default database (`neo4j`), plus one per user placed on the host. */
  used: number;
  /**
   * The ids of the host's own databases (its default database, which Aura
   * never deletes), which no user ever owns: the `default_database_id` of
   * Aura's answer to the create, else the databases the host listed when it
   * became ready, before anyone was placed on it. `null` while unknown (a host
   * made by an earlier version, or one whose listing failed): reconcile then
   * deletes no database on it that Aura named (see the multi-database guide).
   */
  defaultDatabaseIds: string[] | null;
  /**
   * When a user's database on the host was last deleted and its slot handed
   * back (ms). Aura may count a deleted database toward the host's limit for
   * a while: a limit refusal soon after does not lower the host's capacity.
   * `null` when no slot has come back.
   */
  slotReleasedAt: number | null;
  /** Create attempts made. */
  attempts: number;
  /** Why the host failed or the last attempt went wrong. No secrets. */
  lastError: string | null;
  /** When the host should be looked at next (a creating host's status read, a lease). */
  nextCheckAt: number | null;
  createRequestedAt: number | null;
  readyAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What `claimHost` inserts. The store sets `version`, `createdAt` and `updatedAt`. */
export type NewHostRecord = Omit<HostRecord, 'version' | 'createdAt' | 'updatedAt'>;

/** What `updateHost` may change: everything but the key and the bookkeeping. */
export type HostPatch = Partial<
  Omit<HostRecord, 'hostName' | 'version' | 'createdAt' | 'updatedAt'>
>;

/** The outcome of {@link HostStore.claimHost}. */
export interface HostClaimResult {
  claimed: boolean;
  record: HostRecord;
}

/**
 * Host records beside the user records: what a store needs for the
 * `database-per-user` placement. Same rules as the user records: `claimHost`
 * is an atomic insert-if-absent and `updateHost` a compare-and-set on
 * `version`. Implemented by `MemoryCredentialStore`, `PostgresCredentialStore`
 * and `SupabaseCredentialStore`; checked by the same conformance suite.
 */
export interface HostStore {
  /** The host's record, or `null`. */
  getHost(hostName: string): Promise<HostRecord | null>;
  /** Inserts `record` with `version` 1 unless a host of that name exists (then returns it untouched). */
  claimHost(record: NewHostRecord): Promise<HostClaimResult>;
  /** Applies `patch` if the version is still `expectedVersion`; the new record, or `null`. */
  updateHost(
    hostName: string,
    expectedVersion: number,
    patch: HostPatch,
  ): Promise<HostRecord | null>;
  /** Removes the record (with `expectedVersion`, only at that version). Whether one was removed. */
  deleteHost(hostName: string, expectedVersion?: number): Promise<boolean>;
  /** Every host record, ordered by `hostName`. Hosts are few (one per up to 100 users). */
  listHosts(): Promise<HostRecord[]>;
}

/** Whether `store` keeps host records (see {@link HostStore}). */
export function isHostStore(store: object): store is HostStore {
  const candidate = store as Partial<Record<keyof HostStore, unknown>>;
  return (
    typeof candidate.getHost === 'function' &&
    typeof candidate.claimHost === 'function' &&
    typeof candidate.updateHost === 'function' &&
    typeof candidate.deleteHost === 'function' &&
    typeof candidate.listHosts === 'function'
  );
}

/**
 * A host record as a claim inserts it: `pending`, `capacity` slots of which
 * `neo4j` takes one.
 */
export function newHostRecord(
  hostName: string,
  capacity: number,
  fields: Partial<NewHostRecord> = {},
): NewHostRecord {
  return {
    hostName,
    status: 'pending',
    instanceId: null,
    connectionUrl: null,
    username: null,
    encryptedPassword: null,
    capacity,
    used: 1,
    defaultDatabaseIds: null,
    slotReleasedAt: null,
    attempts: 0,
    lastError: null,
    nextCheckAt: null,
    createRequestedAt: null,
    readyAt: null,
    ...fields,
  };
}

/**
 * The cipher context a host's password is encrypted under (`host:<hostName>`),
 * so that a host's ciphertext copied elsewhere does not decrypt there.
 */
export const hostCipherContext = (hostName: string) => `host:${hostName}`;
