/**
 * Where a user's database stands. See the state machine in `transition.ts`:
 * `pending` (claimed, create not yet accepted) -> `creating` (Aura accepted the
 * create; credentials stored) -> `ready`; `failed` from either; `deleting`
 * while deprovisioning (the record is removed when the instance is gone).
 * With the idle policy, `ready` -> `paused` (the pause was asked of Aura:
 * the instance is pausing, paused, or resumed by Aura on its own) ->
 * `resuming` (a use woke it; the resume was or is being asked) -> `ready`.
 */
export type ProvisioningStatus =
  | 'pending'
  | 'creating'
  | 'ready'
  | 'failed'
  | 'deleting'
  | 'paused'
  | 'resuming';

export const PROVISIONING_STATUSES: readonly ProvisioningStatus[] = [
  'pending',
  'creating',
  'ready',
  'failed',
  'deleting',
  'paused',
  'resuming',
];

/**
 * Where a record's database lives: an Aura instance of its own
 * (`instance-per-user`), or a database on a shared multi-database host
 * (`database-per-user`). Stored on the record at claim time, so every step
 * knows the placement without guessing it from the other fields.
 */
export type RecordPlacement = 'instance-per-user' | 'database-per-user';

/**
 * Every {@link RecordPlacement}, as the stores check them.
 *
 * @example
 * ```ts
 * RECORD_PLACEMENTS.includes(record.placement); // true for every record a store returns
 * ```
 */
export const RECORD_PLACEMENTS: readonly RecordPlacement[] = [
  'instance-per-user',
  'database-per-user',
];

/**
 * One user's database, as the credential store keeps it (table
 * `user_databases`, one row per user). Times are ms since the epoch.
 */
export interface UserDatabaseRecord {
  userId: string;
  status: ProvisioningStatus;
  /**
   * Where the database lives (column `placement`), from the provisioner's
   * `placement` option when the user was claimed; it never changes after.
   */
  placement: RecordPlacement;
  /** Bumped by every update; compare-and-set uses it. Starts at 1. */
  version: number;
  /** The Aura instance name, derived from the user id at claim time. */
  instanceName: string;
  instanceId: string | null;
  /** `neo4j+s://<id>.databases.neo4j.io` (column `neo4j_uri`). */
  connectionUrl: string | null;
  /** The user name Aura returned at create (column `neo4j_user`). */
  username: string | null;
  /** The password, encrypted by the cipher (column `neo4j_password`). Never plaintext. */
  encryptedPassword: string | null;
  /** The database to use, when known (column `database_name`); `null` means the home database. */
  databaseName: string | null;
  /** Create attempts made (and failed records retried). */
  attempts: number;
  /** Why the record failed or the last attempt went wrong (Aura's reason or ours). No secrets. */
  lastError: string | null;
  /** When the scheduler or reconcile should look at this record next. */
  nextCheckAt: number | null;
  /**
   * Placement `database-per-user`: since when the `pending` user waits for a
   * free slot on a host (column `waiting_for_host_since`); `null` when not
   * waiting. A host with room wakes the users waiting for one.
   */
  waitingForHostSince: number | null;
  /**
   * Placement `database-per-user`: the id Aura gave the user's database on
   * its host (column `database_id`), stored as soon as Aura answers the create;
   * `null` until then. A record with an id owns that database whatever Aura
   * names it; without one it owns the database named `databaseName`.
   */
  databaseId: string | null;
  /** When Aura accepted the create (or the instance was adopted). */
  createRequestedAt: number | null;
  readyAt: number | null;
  /**
   * When the app last used the user's database, as far as the store was told
   * (`recordUse`, column `last_used_at`); `null` when never. Only ever moves forward,
   * and writing it bumps neither `version` nor `updatedAt`.
   */
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The `lastError` of a `database-per-user` record that let go of its database because another
 * user's record holds it (one database, one user): it fails, holding nothing, for an operator
 * to retry.
 */
export const DATABASE_HELD_ELSEWHERE = 'database-held-by-another-user';

/** What `claim` inserts. The store sets `version`, `createdAt` and `updatedAt` (and `lastUsedAt` to `null`). */
export type NewUserDatabaseRecord = Omit<
  UserDatabaseRecord,
  'version' | 'createdAt' | 'updatedAt' | 'lastUsedAt'
>;

/** What `update` may change: everything but the key and the bookkeeping (`lastUsedAt` included). */
export type UserDatabasePatch = Partial<
  Omit<
    UserDatabaseRecord,
    'userId' | 'placement' | 'version' | 'createdAt' | 'updatedAt' | 'lastUsedAt'
  >
>;

/**
 * A record as a claim inserts it: `pending`, `instance-per-user`, nothing known
 * yet, with `fields` on top (an adopted orphan claims as `failed` with its
 * instance id; a `database-per-user` provisioner passes its `placement`).
 *
 * @example
 * ```ts
 * await store.claim(newRecord(userId, instanceNameForUser(userId, 'ap-'), { nextCheckAt: now }));
 * ```
 */
export function newRecord(
  userId: string,
  instanceName: string,
  fields: Partial<NewUserDatabaseRecord> = {},
): NewUserDatabaseRecord {
  return {
    userId,
    status: 'pending',
    placement: 'instance-per-user',
    instanceName,
    instanceId: null,
    connectionUrl: null,
    username: null,
    encryptedPassword: null,
    databaseName: null,
    attempts: 0,
    lastError: null,
    nextCheckAt: null,
    waitingForHostSince: null,
    databaseId: null,
    createRequestedAt: null,
    readyAt: null,
    ...fields,
  };
}
