import type {
  NewUserDatabaseRecord,
  ProvisioningStatus,
  UserDatabasePatch,
  UserDatabaseRecord,
} from './record.js';

/**
 * One use of a user's database: who, and when (ms since the epoch). See
 * {@link CredentialStore.recordUse}.
 *
 * @example
 * ```ts
 * await store.recordUse?.([{ userId: 'user-1', at: Date.now() }]);
 * ```
 */
export interface DatabaseUse {
  userId: string;
  at: number;
}

/** The outcome of {@link CredentialStore.claim}. */
export type ClaimResult =
  | { claimed: true; record: UserDatabaseRecord }
  | { claimed: false; record: UserDatabaseRecord };

/** A page of {@link CredentialStore.list}. */
export interface RecordPage {
  records: UserDatabaseRecord[];
  /** Pass to the next `list` call; absent on the last page. */
  nextCursor?: string | undefined;
}

/** What {@link CredentialStore.list} selects. */
export interface ListQuery {
  /** Only these statuses. Default: all. */
  statuses?: readonly ProvisioningStatus[];
  /** Only records with `nextCheckAt` at or before this time (ms); records without one are excluded. */
  dueBefore?: number;
  /** Page size. Default 100. */
  limit?: number;
  cursor?: string | undefined;
  /**
   * `due` (default): by `nextCheckAt` (nulls last), then `userId`, for the
   * scheduler's scans. `userId`: by `userId` alone. A key that never changes
   * gives a consistent full read: a record that exists from the first page
   * to the last is returned exactly once, however it changes meanwhile
   * (reconcile's snapshot reads this way).
   */
  order?: ListOrder;
}

/** The orders {@link CredentialStore.list} supports (see {@link ListQuery.order}). */
export type ListOrder = 'due' | 'userId';

/**
 * Where provisioning keeps one record per user. Implementations must make
 * `claim` atomic (insert if absent) and `update` a compare-and-set on
 * `version`, so that any number of processes can race safely. One database,
 * one user: no two records ever hold the same `instanceId` and `databaseId`
 * (both set), whichever writes first (the SQL stores keep it with a partial
 * unique index on `(instance_id, database_id)`). Every
 * store passes the shared conformance suite (`test/stores/store-conformance.ts`).
 *
 * Shipped: `MemoryCredentialStore`, `PostgresCredentialStore`
 * (`aura-provisioner/postgres`), `SupabaseCredentialStore` (`aura-provisioner/supabase`).
 */
export interface CredentialStore {
  /** The user's record, or `null`. */
  get(userId: string): Promise<UserDatabaseRecord | null>;
  /**
   * Inserts `record` with `version` 1 if the user has none; otherwise
   * returns the existing record untouched. Exactly one of any number of
   * concurrent claims for a user gets `claimed: true`. A new record whose
   * `instanceId` and `databaseId` another record holds is not inserted: a
   * `CredentialStoreError`, as for an `instanceName` another record has.
   */
  claim(record: NewUserDatabaseRecord): Promise<ClaimResult>;
  /**
   * Applies `patch` if the record's version is still `expectedVersion`,
   * bumping the version and `updatedAt`. Returns the new record, or `null`
   * if the record changed meanwhile or is gone (the caller re-reads). Also
   * `null`, with nothing changed and nothing thrown, when the patched record
   * would hold the `instanceId` and `databaseId` another record holds: of
   * two records racing to take one database, exactly one gets it. A caller
   * that re-reads and finds its version unchanged knows the database was
   * another user's.
   *
   * @example
   * ```ts
   * const named = await store.update(userId, record.version, { databaseId: 'db-1' });
   * if (named === null && (await store.get(userId))?.version === record.version) {
   *   // another user's record holds db-1 on this instance
   * }
   * ```
   */
  update(
    userId: string,
    expectedVersion: number,
    patch: UserDatabasePatch,
  ): Promise<UserDatabaseRecord | null>;
  /**
   * Removes the record; with `expectedVersion`, only if it still has that
   * version. Returns whether a record was removed.
   */
  delete(userId: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Records by status and due time, a page at a time, ordered by
   * (`nextCheckAt`, `userId`), or by `userId` alone with `order: 'userId'`.
   */
  list(query?: ListQuery): Promise<RecordPage>;
  /**
   * Optional: a key that names this store's deployment (its table in its
   * database), the same from every process that opens the same table and
   * different for another table. The provisioner derives the tag its
   * instance names carry from it (see `deploymentTag`), so reconcile can
   * tell its own instances from another deployment's under the same prefix.
   * `undefined` when the store cannot tell: give the provisioner a
   * `deployment` then. Never a secret (it is hashed, and it may be logged).
   */
  deploymentKey?(): Promise<string | undefined>;
  /**
   * Optional: records when users last used their databases (`lastUsedAt`,
   * column `last_used_at`), a batch at a time. A time never moves backwards
   * (an older use than the one stored changes nothing), users without a
   * record are skipped, and neither `version` nor `updatedAt` changes, so it
   * never defeats a concurrent compare-and-set. The clients of
   * `createClientForUser` call it (batched) when the store has it; the idle
   * policy of the provisioner reads `lastUsedAt`.
   */
  recordUse?(uses: readonly DatabaseUse[]): Promise<void>;
}
