import type { Clock } from '../kernel/clock.js';
import { type AdaptiveLimit, adaptiveLimitAt, afterRateLimited } from './adaptive-limit.js';
import {
  ADAPTIVE_DEFAULTS,
  type RateLimitOptions,
  resolveRateLimitOptions,
} from './rate-limit-options.js';
import { type RequestPriority, WaiterQueue } from './waiter-queue.js';

export { defaultMarginMs, type RateLimitOptions } from './rate-limit-options.js';

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
   * Aura answered 429 to a request this limiter let through: its view of the
   * budget was wrong (another user of the account, more skew than the margin
   * covers, or a smaller budget: 25 a minute on trial accounts), so it may
   * send less for a while. `retryAfterMs` is the wait Aura asked for, if it did.
   */
  onRateLimited?(retryAfterMs?: number): void;
  /**
   * How much of the budget is in use, as this limiter sees it: the requests
   * started in the last window over the limit, and at least 1 while a caller
   * waits or a 429 pause holds. The provisioner spends idle budget on extra
   * status reads only when this says so; a limiter without it gets none.
   */
  utilization?(): number;
}

export type { RequestPriority };

/**
 * An exact sliding-window limiter: it keeps the hand-out times of the last
 * `limit` requests, and a request may start only once the one `limit` places
 * before it is `windowMs + marginMs` old (and no 429 pause holds). A token
 * bucket would let twice the limit through in one window (a full bucket plus
 * its refill), and Aura's 125/min would answer 429. The margin is there
 * because Aura counts on arrival: as long as no request arrives more than
 * `marginMs` after its slot, no window of Aura's holds more than `limit`.
 * On top of the window, starts are paced (a GCRA with a burst of `burst`):
 * after a short burst, one request every `(windowMs + marginMs) / limit`.
 * Waiters are served first come, first served within a priority, `high`
 * before `normal`; a slot is taken only when it is handed out, so a pause
 * re-plans everyone who waits and an aborted waiter costs nothing. A 429
 * (`onRateLimited`) with Retry-After withholds `shrinkAfter429` of the limit
 * for a few windows; without one, the budget is halved, and halved again at
 * each further 429, then grows back by 2% of the limit a window (AIMD), so it
 * settles near the account's real budget.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ limit: 125, windowMs: 60_000 }, systemClock);
 * const a = new AuraClient({ ...credentials, rateLimiter: limiter });
 * const b = new AuraClient({ ...otherTenant, rateLimiter: limiter }); // one shared budget
 * ```
 */
export function createRateLimiter(options: RateLimitOptions, clock: Clock): RateLimiter {
  const settings = resolveRateLimitOptions(options);
  const { limit, burst } = settings;
  const window = settings.windowMs + settings.marginMs;
  const shrunkLimit = Math.max(1, Math.floor(limit * (1 - settings.shrinkAfter429)));
  let shrunkUntil = -Infinity;
  const adaptiveSettings = {
    limit,
    windowMs: window,
    decrease: ADAPTIVE_DEFAULTS.decrease,
    increase: Math.max(1, Math.round(limit * ADAPTIVE_DEFAULTS.increaseShare)),
  };
  let adaptive: AdaptiveLimit = { level: limit, since: -Infinity };
  // GCRA: `paced` is the theoretical start of the next request; up to `burst - 1`
  // intervals of it may be used early.
  let paced = -Infinity;
  // Ring buffer of the last `limit` start times, oldest at `next`.
  const starts = new Array<number>(limit).fill(-Infinity);
  let next = 0;
  let pausedUntil = -Infinity;
  let pumping = false;
  // Cancels the pump's sleep when nobody waits any more, so no timer outlives the queue.
  let idle = new AbortController();
  const queue = new WaiterQueue(() => idle.abort());

  const budget = (now: number) =>
    Math.min(
      now < shrunkUntil ? shrunkLimit : limit,
      adaptiveLimitAt(adaptive, now, adaptiveSettings),
    );
  const nextSlot = (now: number) => {
    const allowed = budget(now);
    const interval = window / allowed;
    const tolerance = (Math.min(burst, allowed) - 1) * interval;
    // Starts are in order around the ring: the `allowed`-th latest bounds the next one.
    const bounding = starts[(next + limit - allowed) % limit] as number;
    return Math.max(bounding + window, paced - tolerance, pausedUntil);
  };
  const take = () => {
    const now = clock.now();
    starts[next] = now;
    next = (next + 1) % limit;
    paced = Math.max(paced, now) + window / budget(now);
  };

  /** Hands out slots to the queue in order, sleeping until each falls due. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const now = clock.now();
        const wait = nextSlot(now) - now;
        if (wait > 0) {
          idle = new AbortController();
          // Wakes when a shrink ends too, or a window later: a larger budget may serve sooner.
          const until = Math.min(wait, now < shrunkUntil ? shrunkUntil - now : window);
          await clock.sleep(until, idle.signal).catch(() => {});
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
      if (queue.length === 0 && nextSlot(clock.now()) <= clock.now()) {
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
    onRateLimited(retryAfterMs) {
      if (retryAfterMs === undefined) {
        const now = clock.now();
        adaptive = afterRateLimited(adaptive, now, adaptiveSettings);
        // No burst after it either: the next request goes one interval of the new budget later.
        const allowed = budget(now);
        paced = Math.max(paced, now + Math.min(burst, allowed) * (window / allowed));
        return;
      }
      if (shrunkLimit === limit) return;
      shrunkUntil = Math.max(shrunkUntil, clock.now() + settings.shrinkWindows * window);
    },
    utilization() {
      const now = clock.now();
      if (queue.length > 0 || pausedUntil > now) return 1;
      let started = 0;
      for (const at of starts) if (at > now - window) started++;
      return Math.min(1, started / budget(now));
    },
  };
}
