import type { Clock } from './clock.js';
import { WaiterQueue } from './waiter-queue.js';

/**
 * Spaces requests so that no window of `windowMs` holds more than `limit`
 * of them. The default is in memory, for one client or for several clients
 * that are handed the same instance; `createPostgresRateLimiter`
 * (`aura-provisioner/pg-boss`) shares one budget across processes.
 */
export interface RateLimiter {
  /**
   * Resolves when the caller may send one request (its slot is then spent).
   * `high` priority waiters are served before `normal` ones queued earlier.
   */
  acquire(signal?: AbortSignal, priority?: RequestPriority): Promise<void>;
  /** Aura answered 429: hold every request until `untilMs` (clock time). */
  pauseUntil?(untilMs: number): void;
  /**
   * How much of the budget is in use, as this limiter sees it: the requests
   * started in the last window over the limit, and at least 1 while a caller
   * waits or a 429 pause holds. The provisioner spends idle budget on extra
   * status reads only when this says so; a limiter without it gets none.
   */
  utilization?(): number;
}

/** `high`: served first when requests queue (status reads of a burst); `normal`: the default. */
export type RequestPriority = 'high' | 'normal';

/** Options of {@link createRateLimiter}. */
export interface RateLimitOptions {
  /** Requests allowed per window. Default 125 (Aura's documented budget). */
  limit: number;
  /** Window length in ms. Default 60 000. */
  windowMs: number;
  /**
   * Requests that may start back to back before the rest are paced evenly
   * (one every `windowMs / limit`). Default 10. Pacing keeps a burst from
   * spending a whole window's budget at once and leaving a high-priority
   * call to wait for the window to turn.
   */
  burst?: number;
}

/**
 * An exact sliding-window limiter: it keeps the start times of the last
 * `limit` requests, and a request may start only once the one `limit`
 * places before it is a full window old (and no 429 pause holds). A token
 * bucket would let twice the limit through in one window (a full bucket plus
 * its refill), and Aura's 125/min would answer 429. On top of the window,
 * starts are paced (a GCRA with a burst of `burst`): after a short burst, one
 * request every `windowMs / limit`. Waiters are served first
 * come, first served within a priority, `high` before `normal`; a slot is
 * taken only when it is handed out, so a pause re-plans everyone who waits
 * and an aborted waiter costs nothing.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ limit: 125, windowMs: 60_000 }, systemClock);
 * const a = new AuraClient({ ...credentials, rateLimiter: limiter });
 * const b = new AuraClient({ ...otherTenant, rateLimiter: limiter }); // one shared budget
 * ```
 */
export function createRateLimiter(options: RateLimitOptions, clock: Clock): RateLimiter {
  const { limit, windowMs } = options;
  const burst = options.burst ?? Math.min(limit, 10);
  if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) {
    throw new RangeError('rateLimit needs an integer limit >= 1 and a positive windowMs');
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError('rateLimit.burst must be an integer >= 1');
  }
  // GCRA: `paced` is the theoretical start of the next request; up to `burst - 1`
  // intervals of it may be used early.
  const interval = windowMs / limit;
  const tolerance = (burst - 1) * interval;
  let paced = Number.NEGATIVE_INFINITY;
  // Ring buffer of the last `limit` start times, oldest at `next`.
  const starts = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
  let next = 0;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let pumping = false;
  // Cancels the pump's sleep when nobody waits any more, so no timer outlives the queue.
  let idle = new AbortController();
  const queue = new WaiterQueue(() => idle.abort());

  const nextSlot = () =>
    Math.max((starts[next] as number) + windowMs, paced - tolerance, pausedUntil);
  const take = () => {
    const now = clock.now();
    starts[next] = now;
    next = (next + 1) % limit;
    paced = Math.max(paced, now) + interval;
  };

  /** Hands out slots to the queue in order, sleeping until each falls due. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const wait = nextSlot() - clock.now();
        if (wait > 0) {
          idle = new AbortController();
          await clock.sleep(wait, idle.signal).catch(() => {});
          continue; // re-plan: a pause may have arrived, or waiters left
        }
        take();
        queue.serveNext();
      }
    } finally {
      pumping = false;
    }
  };

  return {
    acquire(signal, priority = 'normal') {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (queue.length === 0 && nextSlot() <= clock.now()) {
        take();
        return Promise.resolve();
      }
      const served = queue.wait(signal, priority);
      void pump();
      return served;
    },
    pauseUntil(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
    utilization() {
      const now = clock.now();
      if (queue.length > 0 || pausedUntil > now) return 1;
      let started = 0;
      for (const at of starts) if (at > now - windowMs) started++;
      return started / limit;
    },
  };
}
