import { MAX_TIMER_MS } from '../kernel/limits.js';
import { type ClientCacheOptions, checkLimits } from './cache-options.js';
import { isUserClientError, UserClientsClosedError } from './errors.js';
import { IdleSweeper } from './idle-sweeper.js';
import { SingleFlight } from './single-flight.js';
import {
  readUserConnection,
  resolveConnection,
  sameConnection,
  type UserConnection,
} from './user-connection.js';
import { readAwake } from './wake.js';

interface Entry<T> {
  readonly userId: string;
  connection: UserConnection;
  client: T;
  close: () => Promise<void>;
  /** Open sessions, running calls, and callers about to receive the client. */
  leases: number;
  lastUsedAt: number;
  checkedAt: number;
  revalidating: boolean;
  retired: boolean;
  closed?: Promise<void>;
  closeNow?: () => void;
  /** The grace timer of a retired entry still in use, and when it fires. */
  grace?: AbortController;
  graceUntil?: number;
}

/**
 * Per-user clients, cached: an LRU (a `Map` in use order) with a size cap
 * and idle expiry. Concurrent first calls for a user share one store read
 * and one decryption. A client leaves the cache when it is evicted, idle,
 * invalidated, or its record changes (events, or a background re-read every
 * `revalidateMs`); it is closed once nothing leases it (or after
 * `closeGraceMs`). The hot path is a `Map` lookup and a move to the end.
 */
export class ClientCache<T> {
  readonly #o: ClientCacheOptions<T>;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #flights = new SingleFlight<string, Entry<T>>();
  readonly #retiring = new Set<Entry<T>>();
  readonly #stop = new AbortController();
  readonly #sweeper: IdleSweeper;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(options: ClientCacheOptions<T>) {
    checkLimits(options);
    this.#o = options;
    this.#sweeper = new IdleSweeper({
      clock: options.clock,
      idleMs: options.idleMs,
      signal: this.#stop.signal,
      oldestUse: () => this.#entries.values().next().value?.lastUsedAt,
      expire: (now) => this.#expireIdle(now),
    });
    // Any event about a cached user means its record moved on: read it afresh next time.
    this.#unsubscribe = options.events?.subscribe((event) => {
      if (event.userId !== undefined) void this.invalidate(event.userId);
    });
  }

  /** Clients cached now (retired ones still closing are not counted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The user's client; the hot path when cached. */
  get(userId: string): Promise<T> {
    const entry = this.#entries.get(userId);
    if (entry !== undefined) {
      this.#touch(entry);
      return Promise.resolve(entry.client);
    }
    return this.#acquire(userId).then((fresh) => {
      this.#release(fresh);
      return fresh.client;
    });
  }

  /** The user's client with a lease taken: it is not closed until `release` is called. */
  async lease(userId: string): Promise<{ client: T; release: () => void }> {
    const entry = await this.#acquire(userId);
    return { client: entry.client, release: once(() => this.#release(entry)) };
  }

  /** Drops the user's client (closed once its leases end); the next call reads the store. */
  invalidate(userId: string): Promise<void> {
    this.#flights.forget(userId); // a read in flight is stale: its callers read again
    const entry = this.#entries.get(userId);
    return entry === undefined ? Promise.resolve() : this.#retire(entry, this.#o.closeGraceMs);
  }

  /** Closes every client, waiting up to `graceMs` for those in use. Later calls throw {@link UserClientsClosedError}. */
  async closeAll(graceMs = this.#o.closeGraceMs): Promise<void> {
    if (!this.#stop.signal.aborted) {
      this.#stop.abort();
      this.#unsubscribe?.();
      this.#flights.clear();
    }
    for (const entry of [...this.#entries.values()]) void this.#retire(entry, graceMs);
    // Retired earlier with a longer grace: shutdown waits no longer than `graceMs` for them either.
    for (const entry of this.#retiring) this.#armGrace(entry, graceMs);
    await Promise.all([...this.#retiring].map((entry) => entry.closed));
  }

  async #acquire(userId: string): Promise<Entry<T>> {
    for (;;) {
      const cached = this.#entries.get(userId);
      if (cached !== undefined) {
        this.#touch(cached);
        cached.leases++;
        return cached;
      }
      const entry = await this.#flights.run(
        userId,
        () => this.#read(userId),
        // Each caller's lease is taken here, before any of them resumes: a full cache cannot evict it meanwhile.
        (read, callers) => this.#insert(read.connection, read.password, callers),
      );
      if (!entry.retired) return entry;
      this.#release(entry); // invalidated before this caller resumed: read again
    }
  }

  #read(userId: string) {
    if (this.#stop.signal.aborted) return Promise.reject(new UserClientsClosedError(userId));
    return readAwake(
      userId,
      () => readUserConnection(userId, this.#o.store, this.#o.cipher, this.#o.hosts),
      this.#o.wake,
      this.#o.clock,
    );
  }

  #insert(connection: UserConnection, password: string, leases: number): Entry<T> {
    if (this.#stop.signal.aborted) throw new UserClientsClosedError(connection.userId);
    // A read that raced an invalidation can land after a newer one: the last read wins, and the
    // client it replaces is retired (closed once unused), never dropped unclosed.
    const replaced = this.#entries.get(connection.userId);
    if (replaced !== undefined) void this.#retire(replaced, this.#o.closeGraceMs);
    this.#o.onUse?.(connection.userId);
    const now = this.#o.clock.now();
    const entry = {
      userId: connection.userId,
      connection,
      leases,
      lastUsedAt: now,
      checkedAt: now,
      revalidating: false,
      retired: false,
    } as Entry<T>;
    const built = this.#o.build(connection, password, () => {
      entry.leases++;
      return once(() => this.#release(entry));
    });
    entry.client = built.client;
    entry.close = built.close;
    this.#entries.set(entry.userId, entry);
    this.#evictOverflow(entry);
    this.#sweeper.ensureRunning();
    return entry;
  }

  /** Over the cap: closes the least recently used clients that nothing leases, never `justUsed`. */
  #evictOverflow(justUsed: Entry<T>): void {
    for (const oldest of this.#entries.values()) {
      if (this.#entries.size <= this.#o.maxSize) return;
      if (oldest.leases === 0 && oldest !== justUsed)
        void this.#retire(oldest, this.#o.closeGraceMs);
    }
  }

  #touch(entry: Entry<T>): void {
    const now = this.#o.clock.now();
    entry.lastUsedAt = now;
    this.#o.onUse?.(entry.userId);
    // Delete and set moves the key to the end of the Map: its order is the LRU order.
    this.#entries.delete(entry.userId);
    this.#entries.set(entry.userId, entry);
    if (!entry.revalidating && now - entry.checkedAt >= this.#o.revalidateMs) {
      this.#revalidate(entry);
    }
  }

  #release(entry: Entry<T>): void {
    entry.leases--;
    if (entry.leases > 0) return;
    if (entry.retired) {
      entry.closeNow?.();
      return;
    }
    this.#touch(entry); // idle time counts from the end of the last use
    this.#evictOverflow(entry); // an entry in use may have held the cache over its cap
  }

  #expireIdle(now: number): void {
    // A copy: touching an entry in use moves it to the end of the Map, which would visit it again.
    for (const entry of [...this.#entries.values()]) {
      if (now - entry.lastUsedAt < this.#o.idleMs) break; // the rest were used later
      if (entry.leases > 0)
        this.#touch(entry); // a session is open: not idle
      else void this.#retire(entry, this.#o.closeGraceMs);
    }
  }

  /** Re-reads the record in the background; the client is dropped if it no longer matches. */
  #revalidate(entry: Entry<T>): void {
    entry.revalidating = true;
    const done = () => {
      entry.revalidating = false;
      entry.checkedAt = this.#o.clock.now();
    };
    this.#o.store
      .get(entry.userId)
      .then((record) => resolveConnection(entry.userId, record, this.#o.hosts))
      .then(
        (current) => {
          done();
          if (entry.retired) return;
          if (sameConnection(entry.connection, current)) entry.connection = current;
          else void this.#retire(entry, this.#o.closeGraceMs);
        },
        (error) => {
          done();
          // Not ready any more, or its host is gone: the next call says why. A store that
          // failed: keep serving this client, try again next interval.
          if (!entry.retired && isUserClientError(error))
            void this.#retire(entry, this.#o.closeGraceMs);
        },
      );
  }

  #retire(entry: Entry<T>, graceMs: number): Promise<void> {
    if (entry.closed !== undefined) return entry.closed;
    entry.retired = true;
    if (this.#entries.get(entry.userId) === entry) this.#entries.delete(entry.userId);
    if (this.#entries.size === 0) this.#sweeper.wake(); // nothing left to expire: no timer
    this.#retiring.add(entry);
    entry.closed = new Promise<void>((resolve) => {
      entry.closeNow = () => {
        entry.closeNow = undefined;
        entry.grace?.abort(CLOSED);
        entry
          .close()
          .catch(() => {}) // nothing to do about a pool that fails to close
          .then(() => {
            this.#retiring.delete(entry);
            resolve();
          });
      };
    });
    // Only a client in use waits; its grace timer is cancelled when the last lease ends.
    if (entry.leases === 0) entry.closeNow?.();
    else this.#armGrace(entry, graceMs);
    return entry.closed;
  }

  /** Closes a retired client in use after `graceMs` at the latest (an earlier deadline stays). */
  #armGrace(entry: Entry<T>, graceMs: number): void {
    if (entry.closeNow === undefined) return; // closed or closing
    if (graceMs <= 0) {
      entry.closeNow();
      return;
    }
    if (graceMs > MAX_TIMER_MS) return; // never: it closes when its last lease ends
    const until = this.#o.clock.now() + graceMs;
    if (entry.graceUntil !== undefined && entry.graceUntil <= until) return;
    entry.grace?.abort(CLOSED);
    const grace = new AbortController();
    entry.grace = grace;
    entry.graceUntil = until;
    this.#o.clock.sleep(graceMs, grace.signal).then(() => entry.closeNow?.(), noop);
  }
}

/** The abort reason of a grace timer that is no longer needed (no `DOMException` made per close). */
const CLOSED = Symbol('closed');
const noop = () => {};

function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    run();
  };
}
