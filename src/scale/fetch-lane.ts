import type { Job, PgBoss } from 'pg-boss';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { ScaleJobError } from './errors.js';

/** The payload of a check job. */
export interface CheckJobData {
  userId: string;
}

/** A re-check the handler asked for while its check ran: kept on the same job. */
export interface NextCheck {
  at: number;
  priority: 'high' | 'normal';
}

/** A job this process holds: claimed when, and what the running handler asked for next. */
export interface HeldJob {
  job: Job<CheckJobData>;
  claimedAt: number;
  next?: NextCheck | undefined;
}

/** What one lane needs. Internal to `PgBossScheduler`. */
export interface FetchLaneSettings {
  queue: string;
  /** `high` fetches jobs of priority >= 1, `normal` of priority <= 0. */
  priority: 'high' | 'normal';
  concurrency: number;
  pollIntervalMs: number;
  clock: Clock;
  logger: Logger;
  /** The started pg-boss and the queue's heartbeat, once the queue exists; may reject (then retried). */
  connect: () => Promise<{ boss: PgBoss; heartbeatSeconds: number }>;
  handler: (userId: string) => Promise<void>;
  /** Hands a job whose handler asked for a near re-check to the lane of that check's priority. */
  hand: (held: HeldJob, next: NextCheck) => void;
  /** Enqueues a check as a job of its own (a held re-check, when the lane stops). */
  enqueue: (userId: string, at: number, priority: NextCheck['priority']) => Promise<void>;
}

/**
 * One priority lane of a worker process: fetches due jobs from pg-boss as
 * slots free (one `fetch` for all free slots), runs the handler for each,
 * completes it or fails it (pg-boss then retries with backoff), and touches
 * running jobs so that a live worker keeps its claims while a dead one's
 * come back. Fetching ourselves instead of `boss.work()` costs one poll per
 * lane per interval instead of one per concurrent slot, and lets a full lane
 * fetch again the moment a slot frees.
 */
export class FetchLane {
  readonly #settings: FetchLaneSettings;
  readonly #running = new Map<string, HeldJob & { done: Promise<void> }>();
  /** Jobs kept active for a near re-check, by job id, with the time it falls due. */
  readonly #waiting = new Map<string, HeldJob & { at: number }>();
  readonly #due: (HeldJob & { at: number })[] = [];
  readonly #timers = new AbortController();
  readonly #releases = new Set<Promise<void>>();
  #wake = new AbortController();
  /** Set by `wake()`; cleared when a fetch starts, so a wake during a fetch is not lost. */
  #kicked = false;
  #waitingForSlot = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #boss: PgBoss | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(settings: FetchLaneSettings) {
    this.#settings = settings;
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** The running check of `userId` in this lane, if any (its handler may ask for the next). */
  running(userId: string): HeldJob | undefined {
    for (const entry of this.#running.values()) if (entry.job.data?.userId === userId) return entry;
    return undefined;
  }

  /**
   * Keeps `held` (still active in pg-boss, touched with the running ones) and runs its handler
   * again at `at`, before fetching anything new. No job, no fetch, no settle in between.
   */
  hold(held: HeldJob, at: number): void {
    const entry = { job: held.job, claimedAt: held.claimedAt, at };
    if (this.#stopped) {
      // Handed over by the other lane while both stop: a job of its own instead.
      this.#releases.add(this.#release(entry, { at, priority: this.#settings.priority }));
      return;
    }
    this.#waiting.set(held.job.id, entry);
    const delay = Math.max(0, at - this.#settings.clock.now());
    this.#settings.clock.sleep(delay, this.#timers.signal).then(
      () => {
        this.#waiting.delete(held.job.id);
        this.#due.push(entry);
        this.wake();
      },
      () => {}, // stopping: stop() enqueues it instead
    );
  }

  /** Fetches now instead of at the next poll (a check was scheduled for now). */
  wake(): void {
    this.#kicked = true;
    this.#wake.abort();
  }

  /** Stops fetching; resolves when the running checks have settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.abort();
    this.#wake.abort();
    await this.#loop;
    await Promise.allSettled([...this.#running.values()].map((entry) => entry.done));
    // Held re-checks become jobs of their own, so another process (or this one, restarted) runs them.
    const held = [...this.#waiting.values(), ...this.#due.splice(0)];
    this.#waiting.clear();
    const { priority } = this.#settings;
    await Promise.allSettled(held.map((entry) => this.#release(entry, { at: entry.at, priority })));
  }

  /** After both lanes stopped: waits for the checks one handed to the other, then stops touching. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#releases]);
    clearInterval(this.#heartbeat);
  }

  async #run(): Promise<void> {
    const { queue, concurrency, pollIntervalMs, priority, logger } = this.#settings;
    const range = priority === 'high' ? { minPriority: 1 } : { maxPriority: 0 };
    let failures = 0;
    while (!this.#stopped) {
      this.#kicked = false;
      while (this.#due.length > 0 && this.#running.size < concurrency) {
        const entry = this.#due.shift() as HeldJob;
        this.#dispatch(entry.job, entry.claimedAt);
      }
      const free = concurrency - this.#running.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const { boss, heartbeatSeconds } = await this.#settings.connect();
          if (!this.#boss) this.#startHeartbeat(heartbeatSeconds);
          this.#boss = boss;
          const jobs = await boss.fetch<CheckJobData>(queue, { batchSize: free, ...range });
          failures = 0;
          fetched = jobs.length;
          for (const job of jobs) this.#dispatch(job, this.#settings.clock.now());
        } catch (error) {
          failures++;
          logger.warn?.('pg-boss fetch failed; retrying', { queue, error: String(error) });
          await this.#sleep(Math.min(30_000, pollIntervalMs * 2 ** Math.min(failures, 5)));
          continue;
        }
      }
      if (this.#running.size >= concurrency) {
        // Full: wait for a slot to free (a settling check wakes us).
        this.#waitingForSlot = true;
        await this.#sleep(Number.POSITIVE_INFINITY);
        this.#waitingForSlot = false;
      } else if (fetched < free) {
        await this.#sleep(pollIntervalMs); // nothing more due: the next poll, or a wake
      } // else: all asked for came, and a slot freed meanwhile: more may be due, fetch at once
    }
  }

  #dispatch(job: Job<CheckJobData>, claimedAt: number): void {
    const { queue, logger, handler } = this.#settings;
    const boss = this.#boss as PgBoss;
    const entry: HeldJob = { job, claimedAt };
    const run = async () => {
      const userId = job.data?.userId;
      try {
        if (typeof userId !== 'string') throw new ScaleJobError('the job carries no userId');
        await handler(userId);
      } catch (error) {
        logger.warn?.('scheduled check failed; pg-boss retries it', {
          userId,
          error: String(error),
        });
        await boss
          .fail(queue, attempt(job), { message: String(error) })
          .catch((failure: unknown) => {
            logger.error?.('pg-boss fail() failed', { userId, error: String(failure) });
          });
        return;
      }
      if (entry.next && !this.#stopped) this.#settings.hand(entry, entry.next);
      else await this.#release(entry, entry.next);
    };
    // In the map before the handler starts: it may reschedule its user at once.
    const running = Object.assign(entry, { done: Promise.resolve() });
    this.#running.set(job.id, running);
    running.done = run().finally(() => {
      this.#running.delete(job.id);
      if (this.#waitingForSlot) this.#wake.abort();
    });
  }

  /** Settles a job: a pending re-check becomes a job of its own first, then this one completes. */
  async #release(entry: HeldJob, next: NextCheck | undefined): Promise<void> {
    const { queue, logger, enqueue } = this.#settings;
    const userId = entry.job.data.userId;
    try {
      if (next) await enqueue(userId, next.at, next.priority);
      // If this is lost, the job comes back after its heartbeat lapses: one harmless extra check.
      await (this.#boss as PgBoss).complete(queue, attempt(entry.job));
    } catch (error) {
      logger.warn?.('settling a check failed', { userId, error: String(error) });
    }
  }

  /**
   * Touches the running jobs three times per heartbeat period of the queue (which the process that
   * created it set). Real time, not the injected clock: pg-boss judges heartbeats on the database's.
   */
  #startHeartbeat(heartbeatSeconds: number): void {
    this.#heartbeat = setInterval(() => void this.#touch(), (heartbeatSeconds * 1000) / 3);
    this.#heartbeat.unref?.();
  }

  async #touch(): Promise<void> {
    const { queue, logger } = this.#settings;
    const boss = this.#boss;
    const jobs = [...this.#running.values(), ...this.#waiting.values(), ...this.#due].map((entry) =>
      attempt(entry.job),
    );
    if (jobs.length === 0 || !boss) return;
    await boss.touch(queue, jobs).catch((error: unknown) => {
      logger.warn?.('pg-boss touch() failed', { queue, error: String(error) });
    });
  }

  /** Sleeps `ms` on the injected clock, or until woken. */
  async #sleep(ms: number): Promise<void> {
    if (this.#stopped || this.#kicked) return;
    this.#wake = new AbortController();
    const { signal } = this.#wake;
    await (ms === Number.POSITIVE_INFINITY
      ? new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
      : this.#settings.clock.sleep(ms, signal).catch(() => {}));
  }
}

/** The job as fetched: settling or touching it only affects this attempt (pg-boss's fence). */
const attempt = (job: Job<CheckJobData>) => ({ id: job.id, retryCount: job.retryCount });
