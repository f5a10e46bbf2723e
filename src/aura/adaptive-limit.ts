/**
 * The request budget after 429s that came without Retry-After: halved at
 * each (the account's budget is smaller than the client thinks: 25 a minute
 * on a trial account, say), then grown back by a few requests each window
 * without one (AIMD). `level` is the budget set by the latest decrease,
 * `since` when it was set.
 */
export interface AdaptiveLimit {
  level: number;
  since: number;
}

/** How the budget adapts. */
export interface AdaptiveSettings {
  /** The configured budget: never more. */
  limit: number;
  windowMs: number;
  /** Share of the budget kept after a 429 (0.5: halved). */
  decrease: number;
  /** Requests added back per window without a 429. */
  increase: number;
}

/**
 * The budget at `now`: the level of the latest decrease, plus `increase` per
 * full window since, up to the configured limit.
 *
 * @example
 * ```ts
 * adaptiveLimitAt({ level: 30, since: 0 }, 120_000, { limit: 125, windowMs: 60_000, decrease: 0.5, increase: 3 }); // 36
 * ```
 */
export function adaptiveLimitAt(state: AdaptiveLimit, now: number, s: AdaptiveSettings): number {
  if (state.since === -Infinity) return s.limit;
  const grown = state.level + Math.floor((now - state.since) / s.windowMs) * s.increase;
  return Math.min(s.limit, grown);
}

/**
 * The state after a 429 without Retry-After at `now`: the budget in force,
 * times `decrease` (at least 1). A 429 within one interval of the new budget
 * after the latest decrease answers a request sent before it, and changes
 * nothing: one decrease per round, not one per request in flight.
 *
 * @example
 * ```ts
 * afterRateLimited({ level: 125, since: -Infinity }, 0, settings); // { level: 62, since: 0 }
 * ```
 */
export function afterRateLimited(
  state: AdaptiveLimit,
  now: number,
  s: AdaptiveSettings,
): AdaptiveLimit {
  if (now - state.since < s.windowMs / state.level) return state;
  const level = Math.max(1, Math.floor(adaptiveLimitAt(state, now, s) * s.decrease));
  return { level, since: now };
}
