import { type Clock, systemClock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import { MinHeap } from './min-heap.js';

/**
 * Delivers "check this user at that time" at least once. The provisioner
 * schedules every record that waits for something (a create retry, a status
 * read) and handles each delivery by reading the record afresh, so a
 * duplicate or late delivery is harmless.
 *
 * Shipped: {@link InProcessScheduler} (the default, one process) and
 * `PgBossScheduler` (`aura-provisioner/pg-boss`: durable, several processes).
 */
export interface PollScheduler {
  /**
   * Asks for `userId` to be checked at `at` (clock ms). A new call replaces
   * the user's due time. Among due checks, `high` priority ones go first:
   * the provisioner gives that to status reads of creating instances, so a
   * backlog of creates in a signup burst does not delay users becoming ready.
   */
  schedule(userId: string, at: number, priority?: SchedulePriority): void | Promise<void>;
  /** Starts delivering due checks to `handler`. Called once, by the provisioner. */
  start(handler: (userId: string) => Promise<void>): void;
  /** Stops delivering; resolves when running checks have finished. */
  close(): Promise<void>;
}

/** `high`: status reads; `normal`: creates and deletes. */
export type SchedulePriority = 'high' | 'normal';

/** Options of {@link InProcessScheduler}. */
export interface InProcessSchedulerOptions {
  clock?: Clock;
  /**
   * Checks running at once, per priority: `high` checks never wait for a
   * slot held by `normal` ones. Default 8 each (they queue on the client's
   * rate limiter anyway).
   */
  concurrency?: number;
  /**
   * A check that throws (a store that failed, say) is delivered again after
   * this long, doubling with each failure in a row up to `retryMaxMs`, unless
   * the user was scheduled again meanwhile. Default 1 000.
   */
  retryBaseMs?: number;
  /** Default 60 000. */
  retryMaxMs?: number;
  logger?: Logger;
}

interface Entry {
  at: number;
  seq: number;
  userId: string;
}

const byDueTime = (a: Entry, b: Entry) => a.at - b.at || a.seq - b.seq;

/**
 * The default scheduler: a min-heap of due times in this process, bounded
 * concurrency, one pending check per user. Its timers die with the process;
 * `reconcile()` at start-up reschedules what was waiting.
 *
 * @example
 * ```ts
 * const provisioner = createProvisioner({ ..., scheduler: new InProcessScheduler({ concurrency: 8 }) });
 * ```
 */
export class InProcessScheduler implements PollScheduler {
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #logger: Logger | undefined;
  /** One heap per priority; `high` is served first among due entries. */
  readonly #lanes = { high: new MinHeap<Entry>(byDueTime), normal: new MinHeap<Entry>(byDueTime) };
  /** The live entry per user; heap entries not in here are stale and skipped. */
  readonly #due = new Map<string, Entry>();
  readonly #running = { high: new Set<Promise<void>>(), normal: new Set<Promise<void>>() };
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  /** Failures in a row per user, for the retry backoff; cleared by a check that succeeds. */
  readonly #failures = new Map<string, number>();
  #seq = 0;
  #handler: ((userId: string) => Promise<void>) | undefined;
  #wake: AbortController = new AbortController();
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(options: InProcessSchedulerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = options.concurrency ?? 8;
    this.#retryBaseMs = options.retryBaseMs ?? 1_000;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
    if (!(this.#retryBaseMs > 0) || !(this.#retryMaxMs >= this.#retryBaseMs)) {
      throw new ProvisioningConfigurationError(
        'InProcessScheduler needs retryBaseMs > 0 and retryMaxMs >= retryBaseMs',
      );
    }
    this.#logger = options.logger;
  }

  /** Users waiting for a check. */
  get size(): number {
    return this.#due.size;
  }

  schedule(userId: string, at: number, priority: SchedulePriority = 'normal'): void {
    if (this.#closed) return;
    const entry = { at, seq: this.#seq++, userId };
    this.#due.set(userId, entry);
    const lane = this.#lanes[priority];
    lane.push(entry);
    if (lane.peek() === entry) this.#wake.abort();
  }

  start(handler: (userId: string) => Promise<void>): void {
    if (this.#handler) {
      throw new ProvisioningConfigurationError('InProcessScheduler.start was called twice');
    }
    this.#handler = handler;
    this.#loop = this.#run();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failures.clear();
    this.#wake.abort();
    await this.#loop;
    await Promise.allSettled([...this.#running.high, ...this.#running.normal]);
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const now = this.#clock.now();
      let next = Number.POSITIVE_INFINITY;
      let dispatched = false;
      for (const priority of ['high', 'normal'] as const) {
        const top = this.#live(this.#lanes[priority]);
        if (!top) continue;
        const full = this.#running[priority].size >= this.#concurrency;
        if (top.at <= now && !full) {
          this.#lanes[priority].pop();
          this.#due.delete(top.userId);
          this.#dispatch(top.userId, priority);
          dispatched = true;
          break;
        }
        if (top.at > now) next = Math.min(next, top.at);
      }
      if (dispatched) continue;
      // Nothing to start now: wait for the next due time, a new entry, or a free slot.
      await this.#sleep(next - now);
    }
  }

  /** The lane's earliest live entry, dropping stale ones (replaced by a later `schedule`). */
  #live(lane: MinHeap<Entry>): Entry | undefined {
    for (let top = lane.peek(); top; top = lane.peek()) {
      if (this.#due.get(top.userId) === top) return top;
      lane.pop();
    }
    return undefined;
  }

  #dispatch(userId: string, priority: SchedulePriority): void {
    const running = this.#running[priority];
    const handler = this.#handler as (userId: string) => Promise<void>;
    // A handler that throws before returning a promise must not end the loop.
    const run = new Promise<void>((resolve) => resolve(handler(userId)))
      .then(
        () => {
          this.#failures.delete(userId);
        },
        (error: unknown) => {
          // Never drop a user: a check that failed runs again, later and later, unless
          // something scheduled it meanwhile (the record's own next step comes first).
          const failures = (this.#failures.get(userId) ?? 0) + 1;
          this.#failures.set(userId, failures);
          const retryInMs = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (failures - 1));
          this.#logger?.error?.('scheduled check failed', {
            userId,
            error: String(error),
            failures,
            retryInMs,
          });
          if (!this.#due.has(userId))
            this.schedule(userId, this.#clock.now() + retryInMs, priority);
        },
      )
      .finally(() => {
        running.delete(run);
        this.#wake.abort();
      });
    running.add(run);
  }

  /** Sleeps until `ms` pass or something earlier is scheduled. */
  async #sleep(ms: number): Promise<void> {
    this.#wake = new AbortController();
    const forever = ms === Number.POSITIVE_INFINITY;
    await (forever
      ? new Promise<void>((resolve) => this.#wake.signal.addEventListener('abort', () => resolve()))
      : this.#clock.sleep(ms, this.#wake.signal).catch(() => {}));
  }
}
