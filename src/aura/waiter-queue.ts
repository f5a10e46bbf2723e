/**
 * `high`: served ahead of `normal` requests that queued earlier (status reads of a burst), taking
 * turns with them while both wait; `normal`: the default.
 */
export type RequestPriority = 'high' | 'normal';

const isHigh = (waiter: Waiter) => waiter.priority === 'high';

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
 * the slots, so the last instance starts minutes sooner (users wait less on
 * average than with either strict order, and at the 95th percentile close to
 * all creates first; the repository's benchmarks measure it). A waiter whose signal aborts leaves the
 * queue and rejects with the signal's reason; it costs no slot.
 */
export class WaiterQueue {
  readonly #waiters: Waiter[] = [];
  readonly #onAbandoned: () => void;
  /** Whether the last slot both priorities waited for went to a `high` waiter. */
  #highTurn = false;

  /** `onAbandoned` runs when an abort leaves the queue empty (a pump may stop sleeping). */
  constructor(onAbandoned: () => void = () => {}) {
    this.#onAbandoned = onAbandoned;
  }

  get length(): number {
    return this.#waiters.length;
  }

  /** How many of the waiters are `high` priority. */
  get highCount(): number {
    return this.#waiters.filter(isHigh).length;
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
          if (index >= 0) this.#waiters.splice(index, 1);
          if (this.#waiters.length === 0) this.#onAbandoned();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Lets the next waiter go (see the class): `false` when nobody waits. */
  serveNext(): boolean {
    const highCount = this.highCount;
    let high = highCount > 0;
    // Both priorities wait: take turns.
    if (high && highCount < this.#waiters.length) high = this.#highTurn = !this.#highTurn;
    const index = this.#waiters.findIndex((waiter) => isHigh(waiter) === high);
    const [waiter] = this.#waiters.splice(Math.max(index, 0), 1);
    if (waiter === undefined) return false;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve();
    return true;
  }
}
