import { ADAPTIVE_DEFAULTS, defaultMarginMs } from '../aura/rate-limit-options.js';
import type { RateLimiter } from '../aura/rate-limiter.js';
import { WaiterQueue } from '../aura/waiter-queue.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { type Logger, silentLogger } from '../kernel/logger.js';
import type { PostgresClient } from '../stores/postgres-store.js';
import { SCALE_DEFAULTS } from './defaults.js';
import { ScaleConfigurationError } from './errors.js';
import { rateLimitStatements } from './rate-limit-sql.js';

/**
 * Options of {@link createPostgresRateLimiter}.
 *
 * @example
 * ```ts
 * const options: PostgresRateLimiterOptions = { client: pool, limit: 125, windowMs: 60_000, key: 'aura-account-1' };
 * ```
 */
export interface PostgresRateLimiterOptions {
  /** Runs the statements: a node-postgres `Pool`, or any `query(text, values)`. */
  client: PostgresClient;
  /** Requests allowed per window, for all processes together. Default 125 (Aura's). */
  limit?: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
  /** Requests that may start back to back before the rest are paced. Default 10 (as in-process). */
  burst?: number;
  /**
   * Added to the window: a slot counts until `windowMs + marginMs` after it falls due, so a
   * request that reaches Aura late (timers, event loops, the network differ per process) still
   * lands in the window it was counted in. Default: the in-process limiter's (1 000 ms, at most
   * a tenth of `windowMs`), or `SCALE_DEFAULTS.rateLimit.marginRatio` of `windowMs` if more.
   */
  marginMs?: number;
  /** Names the budget: one per Aura account. Default `aura`. */
  key?: string;
  /** `table` or `schema.table`. Default `aura_rate_limits`. */
  table?: string;
  /** Used only to sleep (durations); the slots are on the database's clock. */
  clock?: Clock;
  logger?: Logger;
}

/**
 * A {@link RateLimiter} whose budget lives in PostgreSQL. See {@link createPostgresRateLimiter}.
 *
 * @example
 * ```ts
 * const limiter: PostgresRateLimiter = createPostgresRateLimiter({ client: pool });
 * await limiter.migrate(); // once per process at start-up: idempotent
 * ```
 */
export interface PostgresRateLimiter extends RateLimiter {
  /** Creates the table if it does not exist. Safe to run from every process at start-up. */
  migrate(): Promise<void>;
  /** Holds every process sharing the key until `untilMs` (this process's clock time). */
  pauseUntil(untilMs: number): void;
}

function check(limit: number, windowMs: number, burst: number, marginMs: number) {
  if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) {
    throw new ScaleConfigurationError('limit must be an integer >= 1 and windowMs positive');
  }
  if (!Number.isInteger(burst) || burst < 1 || burst > limit) {
    throw new ScaleConfigurationError('burst must be an integer from 1 to limit');
  }
  if (!(marginMs >= 0)) throw new ScaleConfigurationError('marginMs must be >= 0');
}

/**
 * One Aura rate budget for any number of processes: the in-process limiter's
 * exact sliding window and pacing, kept in one PostgreSQL row per key. Each
 * request costs one statement, which takes the next start time under the
 * row's lock and answers how long to wait for it; the caller sleeps, then
 * sends. A process keeps at most one slot taken ahead of use and hands it,
 * when it falls due, to its most urgent waiter (`high` before `normal`), and
 * slots interleave fairly between processes. Priorities hold across
 * processes too: while one process has more `high` waiters queued than its
 * slot serves, the others take slots only for `high` waiters of their own
 * (a process with only `normal` ones asks again when that backlog is
 * through, one more statement per wait). A 429 seen by one process
 * (`pauseUntil`) holds them all, and 429s without Retry-After shrink the
 * budget of them all, which grows back slowly (as in-process). A slot given up (its waiter aborted, a
 * pause arrived) stays spent: the error is always on the side of sending
 * less.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresRateLimiter } from 'aura-provisioner/pg-boss';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error('postgres pool', error)); // an idle connection dropped
 * const rateLimiter = createPostgresRateLimiter({ client: pool, limit: 125, windowMs: 60_000 });
 * await rateLimiter.migrate();
 * const aura = new AuraClient({ ...credentials, rateLimiter }); // in every process
 * ```
 */
export function createPostgresRateLimiter(
  options: PostgresRateLimiterOptions,
): PostgresRateLimiter {
  if (typeof options?.client?.query !== 'function') {
    throw new ScaleConfigurationError('client must have a query(text, values) method');
  }
  const { client } = options;
  const defaults = SCALE_DEFAULTS.rateLimit;
  const limit = options.limit ?? 125;
  const windowMs = options.windowMs ?? 60_000;
  const burst = options.burst ?? Math.min(limit, 10);
  // Never less than in one process: across processes the spread between slot and arrival is wider.
  const marginMs =
    options.marginMs ?? Math.max(defaultMarginMs(windowMs), windowMs * defaults.marginRatio);
  check(limit, windowMs, burst, marginMs);
  const key = options.key ?? defaults.key;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const sql = rateLimitStatements(options.table ?? defaults.table);
  const window = windowMs + marginMs;
  const interval = window / limit;
  // A high backlog holds other processes' normal requests off until this long after its slot:
  // one interval for its next slot, one for the time its process takes to ask for it.
  const highHoldMs = 2 * interval;
  const grow = Math.max(1, Math.round(limit * ADAPTIVE_DEFAULTS.increaseShare));
  const acquireValues = [key, limit, window, burst, grow];

  // Cancels the pump's sleep when every waiter has given up, so no timer outlives the queue.
  let idle = new AbortController();
  const queue = new WaiterQueue(() => idle.abort());
  const nap = (signal?: AbortSignal) => {
    idle = new AbortController();
    return signal === undefined ? idle.signal : AbortSignal.any([signal, idle.signal]);
  };
  let pumping = false;
  let rowReady = false;
  // A 429 seen here: a slot taken before it is given up, and none is handed out until it ends.
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let paused = new AbortController();
  // Set while the pump waits out another process's high backlog: a high waiter here ends it.
  let deferral: AbortController | undefined;

  /**
   * Takes the next slot in the database; answers the ms until it, or (`deferMs`) how long to wait
   * before asking again while another process's high backlog goes first. Retries while the
   * database is away, as long as someone waits (sending without a slot could exceed the budget).
   */
  const takeSlot = async (): Promise<{ waitMs: number } | { deferMs: number } | undefined> => {
    for (let attempt = 0; queue.length > 0; attempt++) {
      try {
        if (!rowReady) {
          await client.query(sql.ensureRow, [key]);
          rowReady = true;
        }
        const { rows } = await client.query(sql.acquire, [
          ...acquireValues,
          queue.highCount,
          highHoldMs,
        ]);
        const { wait_ms: waitMs, defer_ms: deferMs } = rows[0] ?? {};
        if (waitMs != null) return { waitMs: Math.max(0, Number(waitMs)) };
        if (deferMs != null) return { deferMs: Math.max(1, Number(deferMs)) };
        rowReady = false; // the row was deleted: create it again
      } catch (error) {
        const delayMs = Math.min(defaults.maxRetryDelayMs, 100 * 2 ** attempt);
        logger.warn?.('rate limiter: the database did not answer; retrying', {
          key,
          delayMs,
          error: String(error),
        });
        await clock.sleep(delayMs);
      }
    }
    return undefined;
  };

  /** Takes one slot at a time for this process's waiters and hands each out when it falls due. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const hold = pausedUntil - clock.now();
        if (hold > 0) {
          await clock.sleep(hold, nap()).catch(() => {});
          continue;
        }
        const pause = paused.signal;
        const slot = await takeSlot();
        if (slot === undefined) break; // every waiter left while the database was away
        if ('deferMs' in slot) {
          deferral = new AbortController();
          if (queue.highCount === 0) {
            await clock.sleep(slot.deferMs, nap(deferral.signal)).catch(() => {});
          }
          deferral = undefined;
          continue;
        }
        if (slot.waitMs > 0) await clock.sleep(slot.waitMs, nap(pause)).catch(() => {});
        if (pause.aborted) continue; // a 429 arrived meanwhile: give this slot up
        queue.serveNext(); // nobody left (all aborted): the slot stays unused
      }
    } finally {
      pumping = false;
    }
  };

  return {
    acquire(signal, priority = 'normal') {
      const served = queue.wait(signal, priority);
      if (priority === 'high') deferral?.abort(); // waiting out another's backlog: ask now
      void pump();
      return served;
    },
    pauseUntil(untilMs) {
      if (!(untilMs > pausedUntil)) return;
      pausedUntil = untilMs;
      paused.abort();
      paused = new AbortController();
      const holdMs = untilMs - clock.now();
      // Other processes see the pause at their next slot; this one already holds.
      client.query(sql.pause, [key, holdMs]).catch((error: unknown) => {
        logger.warn?.('rate limiter: could not share a pause', { key, error: String(error) });
      });
    },
    onRateLimited(retryAfterMs) {
      // With Retry-After, the pause says it all; without, the account allows less than `limit`.
      if (retryAfterMs !== undefined) return;
      const values = [key, limit, window, burst, grow, ADAPTIVE_DEFAULTS.decrease];
      client.query(sql.rateLimited, values).catch((error: unknown) => {
        logger.warn?.('rate limiter: could not share a smaller budget', {
          key,
          error: String(error),
        });
      });
    },
    async migrate() {
      await client.query(sql.migrate, []);
    },
  };
}
