import { AuraConfigurationError } from './errors/usage.js';

/**
 * Options of `createRateLimiter`.
 *
 * @example
 * ```ts
 * const options: RateLimitOptions = { limit: 125, windowMs: 60_000, marginMs: 2_000 };
 * ```
 */
export interface RateLimitOptions {
  /** Requests allowed per window. Default 125 (Aura's documented budget). */
  limit: number;
  /** Window length in ms. Default 60 000. */
  windowMs: number;
  /**
   * Requests that may start back to back before the rest are paced evenly
   * (one every `(windowMs + marginMs) / limit`). Default 10. Pacing keeps a
   * burst from spending a whole window's budget at once and leaving a
   * high-priority call to wait for the window to turn.
   */
  burst?: number;
  /**
   * Added to the window: a slot counts from when it is handed out until
   * `windowMs + marginMs` later. Aura counts requests when they arrive, and a
   * request handed out first can arrive after a later one (a slow token or
   * store call before it, an event-loop stall, network jitter); the margin
   * must cover that spread. Default 1 000 ms, at most a tenth of `windowMs`.
   */
  marginMs?: number;
  /**
   * Share of `limit` withheld after a 429, for `shrinkWindows` windows from
   * the latest one; then the full limit returns. Default 0.2 (125 becomes
   * 100); 0 turns it off.
   */
  shrinkAfter429?: number;
  /** How many windows a shrink after a 429 lasts. Default 3. */
  shrinkWindows?: number;
}

/**
 * How the budget adapts to 429s without Retry-After (AIMD): halved at each,
 * then 2% of the limit added back per window without one (125 a minute: 3).
 */
export const ADAPTIVE_DEFAULTS = { decrease: 0.5, increaseShare: 0.02 } as const;

/**
 * The margin used when none is given: 1 000 ms, or a tenth of `windowMs` if
 * that is less. Shared with `createPostgresRateLimiter`.
 *
 * @example
 * ```ts
 * defaultMarginMs(60_000); // 1 000
 * defaultMarginMs(2_000); // 200
 * ```
 */
export function defaultMarginMs(windowMs: number): number {
  // 1 000 ms covers send-to-arrival skew (seconds of event-loop stall or network jitter are
  // rare); the margin never takes more than a tenth of a (short, custom) window.
  return Math.min(1_000, windowMs * 0.1);
}

const isCount = (n: number) => Number.isInteger(n) && n >= 1;
const isFiniteNonNegative = (n: number) => n >= 0 && Number.isFinite(n);

/** Each option's check and what it says when it fails; `limit` and `windowMs` are required. */
const RULES: [keyof RateLimitOptions, (value: number) => boolean, string][] = [
  ['limit', isCount, 'must be an integer >= 1'],
  ['windowMs', (n) => n > 0 && Number.isFinite(n), 'must be positive'],
  ['burst', isCount, 'must be an integer >= 1'],
  ['marginMs', isFiniteNonNegative, 'must be >= 0'],
  ['shrinkAfter429', (n) => n >= 0 && n < 1, 'must be a share from 0 up to (not including) 1'],
  ['shrinkWindows', isFiniteNonNegative, 'must be >= 0'],
];

/** Throws an {@link AuraConfigurationError} naming every option given that cannot work. */
function checkOptions(options: RateLimitOptions): void {
  const issues = RULES.filter(([path, valid]) => {
    const value = options[path];
    return value === undefined ? path === 'limit' || path === 'windowMs' : !valid(value);
  }).map(([path, , message]) => ({ path, message }));
  if (issues.length > 0) throw new AuraConfigurationError('Invalid rateLimit options', issues);
}

/**
 * `options` checked and completed with the defaults: throws an
 * {@link AuraConfigurationError} naming every option that cannot work.
 *
 * @example
 * ```ts
 * resolveRateLimitOptions({ limit: 125, windowMs: 60_000 }).marginMs; // 1 000
 * ```
 */
export function resolveRateLimitOptions(options: RateLimitOptions): Required<RateLimitOptions> {
  checkOptions(options);
  return {
    burst: Math.min(options.limit, 10),
    marginMs: defaultMarginMs(options.windowMs),
    // The safety defaults, declared here once (the budget is `DEFAULTS.rateLimit`).
    shrinkAfter429: 0.2,
    shrinkWindows: 3,
    ...withoutUndefined(options),
  };
}

/** `options` without the keys set to `undefined`, so they do not hide a default. */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as T;
}
