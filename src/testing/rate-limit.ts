/** A sliding-window limit: at most `limit` admitted requests in any `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The outcome of {@link admit}. */
export type Admission =
  | { admitted: true; window: number[] }
  | { admitted: false; window: number[]; retryAfterSeconds: number };

/**
 * Decides whether a request arriving at `now` fits in the window of earlier
 * admitted arrivals. Refused requests take no slot, so a client that backs off
 * as told recovers once the oldest arrival leaves the window.
 *
 * @example
 * ```ts
 * const first = admit([], 0, { limit: 1, windowMs: 60_000 }); // admitted, window [0]
 * admit(first.window, 1_500, { limit: 1, windowMs: 60_000 }); // refused, retryAfterSeconds 59
 * ```
 */
export function admit(window: readonly number[], now: number, rule: RateLimit): Admission {
  const recent = window.filter((at) => at > now - rule.windowMs);
  if (recent.length < rule.limit) return { admitted: true, window: [...recent, now] };
  // The slot frees when the arrival `limit` places back leaves the window.
  const freesAt = (recent[recent.length - rule.limit] ?? now) + rule.windowMs;
  const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now) / 1000));
  return { admitted: false, window: recent, retryAfterSeconds };
}
