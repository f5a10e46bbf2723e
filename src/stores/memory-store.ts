import { type Clock, systemClock } from '../kernel/clock.js';
import { CredentialStoreError, ProvisioningConfigurationError } from '../records/errors.js';
import type {
  HostClaimResult,
  HostPatch,
  HostRecord,
  HostStore,
  NewHostRecord,
} from '../records/host-record.js';
import type {
  NewUserDatabaseRecord,
  UserDatabasePatch,
  UserDatabaseRecord,
} from '../records/record.js';
import type {
  ClaimResult,
  CredentialStore,
  DatabaseUse,
  ListQuery,
  RecordPage,
} from '../records/store.js';
import { compareListPosition, decodeListCursor, encodeListCursor } from './list-cursor.js';
import { checkDatabaseIds, checkUses } from './store-arguments.js';

/** Options of {@link MemoryCredentialStore}. */
export interface MemoryCredentialStoreOptions {
  /** Sets `createdAt` and `updatedAt`. Default: the system clock (`Date.now()`). */
  clock?: Clock;
  /**
   * What {@link MemoryCredentialStore.deploymentKey} answers. Default: a
   * random key per store, so two memory stores are two deployments.
   */
  deploymentKey?: string;
}

const DEFAULT_LIST_LIMIT = 100;

/**
 * A {@link CredentialStore} in a `Map`: for tests, local development and
 * single-process apps that can lose their records on restart. It is also the
 * reference the other stores are checked against. Every method works on one
 * synchronous step of the event loop, which makes `claim` and `update` atomic.
 * Records go in and come out as copies.
 *
 * @example
 * ```ts
 * const store = new MemoryCredentialStore();
 * const { claimed, record } = await store.claim(newRecord);
 * const next = await store.update(record.userId, record.version, { status: 'creating' });
 * if (next === null) {
 *   // someone else changed the record first: re-read it
 * }
 * ```
 */
export class MemoryCredentialStore implements CredentialStore, HostStore {
  readonly #records = new Map<string, UserDatabaseRecord>();
  readonly #hosts = new Map<string, HostRecord>();
  readonly #clock: Clock;
  readonly #deploymentKey: string;

  constructor(options: MemoryCredentialStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#deploymentKey = options.deploymentKey ?? `memory:${globalThis.crypto.randomUUID()}`;
  }

  /** See {@link CredentialStore.deploymentKey}: the option, or a random key made with the store. */
  async deploymentKey(): Promise<string> {
    return this.#deploymentKey;
  }

  async get(userId: string): Promise<UserDatabaseRecord | null> {
    const record = this.#records.get(userId);
    return record ? { ...record } : null;
  }

  async claim(record: NewUserDatabaseRecord): Promise<ClaimResult> {
    const existing = this.#records.get(record.userId);
    if (existing) return { claimed: false, record: { ...existing } };
    if (this.#holdsDatabase(record)) {
      throw new CredentialStoreError('claim', 'another record holds the database', {
        userId: record.userId,
      });
    }
    const now = this.#clock.now();
    const inserted: UserDatabaseRecord = {
      ...record,
      lastUsedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    this.#records.set(record.userId, inserted);
    return { claimed: true, record: { ...inserted } };
  }

  async update(
    userId: string,
    expectedVersion: number,
    patch: UserDatabasePatch,
  ): Promise<UserDatabaseRecord | null> {
    const current = this.#records.get(userId);
    if (!current || current.version !== expectedVersion) return null;
    const updated: UserDatabaseRecord = {
      ...current,
      ...definedEntries(patch),
      // Restated after the patch, so a patch smuggling these in (untyped callers) cannot win.
      userId: current.userId,
      placement: current.placement,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: this.#clock.now(),
    };
    // Only a patch that moves the instance or the database id can make the pair clash.
    const moves = patch.instanceId !== undefined || patch.databaseId !== undefined;
    if (moves && this.#holdsDatabase(updated)) return null;
    this.#records.set(userId, updated);
    return { ...updated };
  }

  /**
   * Whether a record other than `record`'s user holds its database: the same instance and
   * database id, both set (as the SQL stores' partial unique index sees it).
   */
  #holdsDatabase(record: Pick<UserDatabaseRecord, 'userId' | 'instanceId' | 'databaseId'>) {
    const { userId, instanceId, databaseId } = record;
    if (instanceId === null || databaseId === null) return false;
    for (const other of this.#records.values()) {
      if (
        other.userId !== userId &&
        other.instanceId === instanceId &&
        other.databaseId === databaseId
      ) {
        return true;
      }
    }
    return false;
  }

  async delete(userId: string, expectedVersion?: number): Promise<boolean> {
    const current = this.#records.get(userId);
    if (!current) return false;
    if (expectedVersion !== undefined && current.version !== expectedVersion) return false;
    return this.#records.delete(userId);
  }

  /**
   * See {@link CredentialStore.list}. `statuses: []` selects nothing. Throws
   * {@link ProvisioningConfigurationError} for a `limit` that is not a positive
   * integer or a cursor this store did not make.
   */
  async list(query: ListQuery = {}): Promise<RecordPage> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new ProvisioningConfigurationError(
        `list limit must be a positive integer, not ${limit}`,
      );
    }
    const order = query.order ?? 'due';
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor, order);
    const { statuses, dueBefore } = query;
    const selected = [...this.#records.values()]
      .filter((record) => statuses === undefined || statuses.includes(record.status))
      .filter(
        (record) =>
          dueBefore === undefined ||
          (record.nextCheckAt !== null && record.nextCheckAt <= dueBefore),
      )
      .filter((record) => after === undefined || compareListPosition(record, after, order) > 0)
      .sort((a, b) => compareListPosition(a, b, order));
    const page = selected.slice(0, limit).map((record) => ({ ...record }));
    const last = page.at(-1);
    const nextCursor = selected.length > limit && last ? encodeListCursor(last, order) : undefined;
    return nextCursor === undefined ? { records: page } : { records: page, nextCursor };
  }

  /** See {@link CredentialStore.recordUse}: each user's latest use, never moved backwards. */
  async recordUse(uses: readonly DatabaseUse[]): Promise<void> {
    for (const { userId, at } of checkUses(uses)) {
      const current = this.#records.get(userId);
      if (current && (current.lastUsedAt === null || current.lastUsedAt < at)) {
        this.#records.set(userId, { ...current, lastUsedAt: at });
      }
    }
  }

  async getHost(hostName: string): Promise<HostRecord | null> {
    const host = this.#hosts.get(hostName);
    return host ? copyHost(host) : null;
  }

  async claimHost(record: NewHostRecord): Promise<HostClaimResult> {
    const existing = this.#hosts.get(record.hostName);
    checkDatabaseIds(record.defaultDatabaseIds);
    if (existing) return { claimed: false, record: copyHost(existing) };
    const now = this.#clock.now();
    const inserted = copyHost({ ...record, version: 1, createdAt: now, updatedAt: now });
    this.#hosts.set(record.hostName, inserted);
    return { claimed: true, record: copyHost(inserted) };
  }

  async updateHost(
    hostName: string,
    expectedVersion: number,
    patch: HostPatch,
  ): Promise<HostRecord | null> {
    checkDatabaseIds(patch?.defaultDatabaseIds);
    const current = this.#hosts.get(hostName);
    if (!current || current.version !== expectedVersion) return null;
    const updated = copyHost({
      ...current,
      ...definedEntries(patch),
      hostName: current.hostName,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: this.#clock.now(),
    });
    this.#hosts.set(hostName, updated);
    return copyHost(updated);
  }

  async deleteHost(hostName: string, expectedVersion?: number): Promise<boolean> {
    const current = this.#hosts.get(hostName);
    if (!current) return false;
    if (expectedVersion !== undefined && current.version !== expectedVersion) return false;
    return this.#hosts.delete(hostName);
  }

  async listHosts(): Promise<HostRecord[]> {
    return [...this.#hosts.values()]
      .sort((a, b) => (a.hostName < b.hostName ? -1 : a.hostName > b.hostName ? 1 : 0))
      .map(copyHost);
  }
}

/** A copy of a host record that shares no array with it. */
function copyHost(host: HostRecord): HostRecord {
  return {
    ...host,
    defaultDatabaseIds: host.defaultDatabaseIds ? [...host.defaultDatabaseIds] : null,
  };
}

/** The patch without keys set to `undefined`, which SQL and JSON stores drop too. */
function definedEntries<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
