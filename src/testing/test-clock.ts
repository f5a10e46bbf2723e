import type { Clock } from '../kernel/clock.js';
import { TestClockStalledError } from './errors.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Options of {@link createTestClock}. */
export interface TestClockOptions {
  /** Start time in milliseconds since the epoch. Default: 2026-01-01T00:00:00Z. */
  start?: number;
  /**
   * Event-loop turns to let pending I/O settle before the next timer fires in
   * {@link TestClock.runUntil}. Raise it if a fake answers through more hops.
   */
  settleTurns?: number;
}

/**
 * A {@link Clock} on simulated time: nothing waits in real time; timers fire
 * when the test advances the clock.
 */
export interface TestClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): Promise<void>;
  /**
   * Drives simulated time until `promise` settles: lets pending work settle,
   * then jumps to the next timer, and again. Returns the promise's outcome.
   */
  runUntil<T>(promise: Promise<T>): Promise<T>;
  /**
   * Marks real-time work (Web Crypto, a real database, a socket) that the
   * simulation must wait for: `advance` and `runUntil` fire no timer while a
   * tracked promise is pending. Returns the same outcome as `promise`.
   */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Timers still waiting. */
  readonly pendingTimers: number;
}

const settle = async (turns: number) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
};

/**
 * Creates a simulated clock for tests and benchmarks.
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * const client = new AuraClient({ clientId, clientSecret, clock });
 * const instance = await clock.runUntil(client.instances.waitUntilRunning(id));
 * ```
 */
export function createTestClock(options: TestClockOptions = {}): TestClock {
  let now = options.start ?? Date.UTC(2026, 0, 1);
  const settleTurns = options.settleTurns ?? 8;
  let seq = 0;
  // Kept sorted by (at, seq): tests hold few timers; benchmarks use their own heap.
  const timers: Timer[] = [];

  const insert = (timer: Timer) => {
    let i = timers.length;
    while (i > 0) {
      const prev = timers[i - 1] as Timer;
      if (prev.at < timer.at || (prev.at === timer.at && prev.seq < timer.seq)) break;
      i--;
    }
    timers.splice(i, 0, timer);
  };

  const held = new Set<Promise<unknown>>();
  /** Lets pending work settle: event-loop turns, and every tracked real-time promise. */
  const quiesce = async () => {
    await settle(settleTurns);
    while (held.size > 0) {
      await Promise.allSettled([...held]);
      await settle(settleTurns);
    }
  };

  const fireNext = () => {
    const timer = timers.shift();
    if (!timer) return false;
    now = Math.max(now, timer.at);
    timer.resolve();
    return true;
  };

  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const timer: Timer = {
          at: now + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        insert(timer);
      });
    },
    async advance(ms) {
      const target = now + ms;
      await quiesce();
      while (timers.length > 0 && (timers[0] as Timer).at <= target) {
        fireNext();
        await quiesce();
      }
      now = target;
    },
    async runUntil(promise) {
      let done = false;
      const tracked = promise.finally(() => {
        done = true;
      });
      tracked.catch(() => {});
      for (;;) {
        await quiesce();
        if (done) return tracked;
        if (!fireNext()) {
          // No timer left: give slow I/O (loopback sockets, many chained hops) time before giving up.
          for (let i = 0; i < 50 && !done && timers.length === 0; i++) await settle(settleTurns);
          if (done) return tracked;
          if (timers.length > 0) continue;
          throw new TestClockStalledError(
            'runUntil: the promise is still pending and no timer is left to fire',
          );
        }
      }
    },
    track(promise) {
      const entry = promise.finally(() => held.delete(entry));
      entry.catch(() => {});
      held.add(entry);
      return promise;
    },
    get pendingTimers() {
      return timers.length;
    },
  };
}
