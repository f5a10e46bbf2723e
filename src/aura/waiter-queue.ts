/**
 * `high`: served ahead of `normal` requests that queued earlier (status reads of a burst), taking
 * turns with them while both wait; `normal`: the default.
 */
export type RequestPriority = 'high' | 'normal';

interface Waiter {
  priority: RequestPriority;
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The callers of a rate limiter waiting for a slot, each priority in arrival
 * order. While only one priority waits, it is served; while both do, they take
 * turns, `high` first: in a burst, status reads of instances that may be
 * running go ahead of creates queued before them, and creates still get half
 * the slots, so the last instance starts minutes sooner (neither all reads
 * first nor all creates first waits less on average, or at the 95th
 * percentile; see BENCHMARKS.md). A waiter whose signal aborts leaves the
 * queue and rejects with the signal's reason; it costs no slot.
 */
export class WaiterQueue {
  readonly #waiters: Waiter[] = [];
  readonly #onAbandoned: () => void;
  #high = 0;
  /** Whether the last slot both priorities waited for went to a `high` waiter. */
  #highServedLast = false;

  /** `onAbandoned` runs when an abort leaves the queue empty (a pump may stop sleeping). */
  constructor(onAbandoned: () => void = () => {}) {
    this.#onAbandoned = onAbandoned;
  }

  get length(): number {
    return this.#waiters.length;
  }

  /** How many of the waiters are `high` priority. */
  get highCount(): number {
    return this.#high;
  }

  /** Resolves when {@link serveNext} picks this caller; rejects if `signal` aborts first. */
  wait(signal: AbortSignal | undefined, priority: RequestPriority): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        resolve,
        signal,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) {
            this.#waiters.splice(index, 1);
            if (priority === 'high') this.#high--;
          }
          if (this.#waiters.length === 0) this.#onAbandoned();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      if (priority === 'high') this.#high++;
    });
  }

  /** Lets the next waiter go (see the class): `false` when nobody waits. */
  serveNext(): boolean {
    const both = this.#high > 0 && this.#high < this.#waiters.length;
    const priority: RequestPriority =
      this.#high > 0 && !(both && this.#highServedLast) ? 'high' : 'normal';
    if (both) this.#highServedLast = priority === 'high';
    const index = this.#waiters.findIndex((waiter) => waiter.priority === priority);
    const [waiter] = this.#waiters.splice(Math.max(index, 0), 1);
    if (waiter === undefined) return false;
    if (waiter.priority === 'high') this.#high--;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve();
    return true;
  }
}
