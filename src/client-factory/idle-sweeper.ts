import type { Clock } from '../kernel/clock.js';
import { MAX_TIMER_MS } from '../kernel/limits.js';

/** What an {@link IdleSweeper} watches. */
export interface IdleSweeperOptions {
  clock: Clock;
  idleMs: number;
  /** Stops the sweeper for good. */
  signal: AbortSignal;
  /** When the least recently used item was last used; `undefined` when there is none. */
  oldestUse(): number | undefined;
  /** Drops what has been idle at `now`. */
  expire(now: number): void;
}

/**
 * Wakes when the least recently used item would turn idle, expires what
 * has, and sleeps again; stops when nothing is left, so an empty cache
 * holds no timer (and does not keep a process alive). Runs on the injected
 * clock: tests move time instead of sleeping. An `idleMs` beyond what a
 * timer can wait (about 24.8 days, `Infinity` included) means never.
 *
 * @example
 * ```ts
 * const sweeper = new IdleSweeper({ clock, idleMs, signal, oldestUse, expire });
 * sweeper.ensureRunning(); // after each insert
 * ```
 */
export class IdleSweeper {
  readonly #o: IdleSweeperOptions;
  #running = false;
  #nap: AbortController | undefined;

  constructor(options: IdleSweeperOptions) {
    this.#o = options;
  }

  ensureRunning(): void {
    if (this.#running || this.#o.signal.aborted || this.#o.idleMs > MAX_TIMER_MS) return;
    this.#running = true;
    this.#loop().catch(() => {
      this.#running = false; // aborted
    });
  }

  /** Cuts the current sleep short: the sweeper looks again, and stops if nothing is left. */
  wake(): void {
    this.#nap?.abort();
  }

  async #loop(): Promise<void> {
    const { clock, idleMs, signal } = this.#o;
    for (;;) {
      const oldest = this.#o.oldestUse();
      if (oldest === undefined || signal.aborted) {
        this.#running = false; // at once: an insert in the next microtask starts a new loop
        return;
      }
      const wait = oldest + idleMs - clock.now();
      if (wait > 0) {
        const nap = new AbortController();
        this.#nap = nap;
        try {
          await clock.sleep(wait, AbortSignal.any([signal, nap.signal]));
        } catch (error) {
          if (signal.aborted) throw error;
          continue; // woken: look again
        }
      }
      this.#o.expire(clock.now());
    }
  }
}
