/** `high`: served first when requests queue (status reads of a burst); `normal`: the default. */
export type RequestPriority = 'high' | 'normal';

interface Waiter {
  priority: RequestPriority;
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The callers of a rate limiter waiting for a slot: served `high` first,
 * then in arrival order. A waiter whose signal aborts leaves the queue and
 * rejects with the signal's reason; it costs no slot.
 */
export class WaiterQueue {
  readonly #waiters: Waiter[] = [];
  readonly #onAbandoned: () => void;
  #high = 0;

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

  /** Lets the most urgent waiter go; `false` when nobody waits. */
  serveNext(): boolean {
    const first = this.#waiters.findIndex((waiter) => waiter.priority === 'high');
    const [waiter] = this.#waiters.splice(Math.max(first, 0), 1);
    if (waiter === undefined) return false;
    if (waiter.priority === 'high') this.#high--;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve();
    return true;
  }
}
