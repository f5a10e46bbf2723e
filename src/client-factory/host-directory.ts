import type { Clock } from '../kernel/clock.js';
import { type HostRecord, isHostStore } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { UserClientConfigurationError, UserCredentialsUnreadableError } from './errors.js';

interface Snapshot {
  at: number;
  byInstance: Map<string, HostRecord>;
}

/** A snapshot that misses a host is read again only when it is at least this old (ms). */
const MISS_RELIST_MS = 1_000;

/**
 * The host records of a store, by instance id, for users on shared hosts
 * (placement `database-per-user`). One `listHosts()` serves every lookup
 * for `hostListMs` (concurrent refreshes share one read), so 1,000 users on
 * a few hosts list the hosts once, not 1,000 times. A lookup that misses
 * reads the list again if it is older than a second (a host made since).
 */
export class HostDirectory {
  readonly #store: CredentialStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #snapshot: Snapshot | undefined;
  #refresh: Promise<Snapshot> | undefined;

  constructor(
    store: CredentialStore,
    clock: Clock,
    ttlMs: number = CLIENT_FACTORY_DEFAULTS.hostListMs,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /**
   * The host the user's database is on, with its connection and password.
   * Throws {@link UserClientConfigurationError} when the store keeps no host
   * records, {@link UserCredentialsUnreadableError} when the host is unknown
   * or lacks credentials. Store errors pass through.
   */
  async find(userId: string, instanceId: string): Promise<HostRecord> {
    const store = this.#store;
    if (!isHostStore(store)) {
      throw new UserClientConfigurationError(
        `The database of user ${userId} is on a shared host, but the store keeps no host records (it does not implement HostStore: getHost, claimHost, updateHost, deleteHost, listHosts)`,
        { userId },
      );
    }
    const now = this.#clock.now();
    let snapshot = this.#snapshot;
    let host = snapshot?.byInstance.get(instanceId);
    const fresh = snapshot !== undefined && now - snapshot.at < this.#ttlMs;
    const missFresh = snapshot !== undefined && now - snapshot.at < MISS_RELIST_MS;
    if (!fresh || (host === undefined && !missFresh)) {
      snapshot = await this.#list(store.listHosts.bind(store));
      host = snapshot.byInstance.get(instanceId);
    }
    if (host === undefined) {
      throw new UserCredentialsUnreadableError(
        `The database of user ${userId} is on host instance ${instanceId}, which has no host record in the store`,
        { userId },
      );
    }
    const { connectionUrl, username, encryptedPassword } = host;
    if (!connectionUrl || !username || !encryptedPassword) {
      const missing = Object.entries({ connectionUrl, username, encryptedPassword })
        .filter(([, value]) => !value)
        .map(([field]) => field);
      throw new UserCredentialsUnreadableError(
        `The database of user ${userId} is on host ${host.hostName}, whose record lacks ${missing.join(', ')}`,
        { userId },
      );
    }
    return host;
  }

  #list(listHosts: () => Promise<HostRecord[]>): Promise<Snapshot> {
    this.#refresh ??= listHosts()
      .then((hosts) => {
        const byInstance = new Map<string, HostRecord>();
        for (const host of hosts) {
          if (host.instanceId !== null && !byInstance.has(host.instanceId))
            byInstance.set(host.instanceId, host);
        }
        const snapshot = { at: this.#clock.now(), byInstance };
        this.#snapshot = snapshot;
        return snapshot;
      })
      .finally(() => {
        this.#refresh = undefined;
      });
    return this.#refresh;
  }
}
