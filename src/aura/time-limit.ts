import type { Clock } from '../kernel/clock.js';

/**
 * A signal that aborts with `reason()` once `ms` have passed on `clock`, or with the caller's
 * `signal` if that aborts first; and a function that clears the timer (call it when done, so
 * no timer outlives the work it bounds). One attempt's timeout and a whole wait's deadline.
 *
 * @example
 * ```ts
 * const [signal, stop] = timeLimit(clock, 30_000, () => new Error('timed out'), callerSignal);
 * try { await fetch(url, { signal }); } finally { stop(); }
 * ```
 */
export function timeLimit(
  clock: Clock,
  ms: number,
  reason: () => unknown,
  signal: AbortSignal | undefined,
): [AbortSignal, () => void] {
  const expired = new AbortController();
  const stop = new AbortController();
  clock.sleep(ms, stop.signal).then(
    () => expired.abort(reason()),
    () => {},
  );
  return [signal ? AbortSignal.any([signal, expired.signal]) : expired.signal, () => stop.abort()];
}
