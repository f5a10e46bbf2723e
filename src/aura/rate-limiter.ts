import type { Clock } from './clock.js';

/**
 * Spaces requests so that no window of `windowMs` holds more than `limit`
 * of them. Implement it to share one budget across processes (issue: a
 * Postgres-backed limiter); the default is in memory, for one client or
 * for several clients that are handed the same instance.
 */
export interface RateLimiter {
  /** Resolves when the caller may send one request (its slot is then spent). */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Aura answered 429: hold every request until `untilMs` (clock time). */
  pauseUntil?(untilMs: number): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimitOptions {
  /** Requests allowed per window. Default 125 (Aura's documented budget). */
  limit: number;
  /** Window length in ms. Default 60 000. */
  windowMs: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * An exact sliding-window limiter: it keeps the start times of the last
 * `limit` requests, and a request may start only once the one `limit`
 * places before it is a full window old (and no 429 pause holds). A token
 * bucket would let twice the limit through in one window (a full bucket plus
 * its refill), and Aura's 125/min would answer 429. Waiters are served first
 * come, first served; a slot is taken only when it is handed out, so a pause
 * re-plans everyone who waits and an aborted waiter costs nothing.
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
  if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) {
    throw new RangeError('rateLimit needs an integer limit >= 1 and a positive windowMs');
  }
  // Ring buffer of the last `limit` start times, oldest at `next`.
  const starts = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
  let next = 0;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  const queue: Waiter[] = [];
  let pumping = false;
  // Cancels the pump's sleep when nobody waits any more, so no timer outlives the queue.
  let idle = new AbortController();

  const nextSlot = () => Math.max((starts[next] as number) + windowMs, pausedUntil);
  const take = () => {
    starts[next] = clock.now();
    next = (next + 1) % limit;
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
        const waiter = queue.shift() as Waiter;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        take();
        waiter.resolve();
      }
    } finally {
      pumping = false;
    }
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (queue.length === 0 && nextSlot() <= clock.now()) {
        take();
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            if (queue.length === 0) idle.abort();
            reject(signal?.reason);
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        void pump();
      });
    },
    pauseUntil(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
  };
}
