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
 * One user's database, as the credential store keeps it (table
 * `user_databases`, one row per user). Times are ms since the epoch.
 */
export interface UserDatabaseRecord {
  userId: string;
  status: ProvisioningStatus;
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

/** What `claim` inserts. The store sets `version`, `createdAt` and `updatedAt` (and `lastUsedAt` to `null`). */
export type NewUserDatabaseRecord = Omit<
  UserDatabaseRecord,
  'version' | 'createdAt' | 'updatedAt' | 'lastUsedAt'
>;

/** What `update` may change: everything but the key and the bookkeeping (`lastUsedAt` included). */
export type UserDatabasePatch = Partial<
  Omit<UserDatabaseRecord, 'userId' | 'version' | 'createdAt' | 'updatedAt' | 'lastUsedAt'>
>;

/**
 * A record as a claim inserts it: `pending`, nothing known yet, with
 * `fields` on top (an adopted orphan claims as `failed` with its instance id).
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
    instanceName,
    instanceId: null,
    connectionUrl: null,
    username: null,
    encryptedPassword: null,
    databaseName: null,
    attempts: 0,
    lastError: null,
    nextCheckAt: null,
    createRequestedAt: null,
    readyAt: null,
    ...fields,
  };
}
