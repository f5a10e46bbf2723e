import { DEFAULTS } from '../aura/defaults.js';
import { createRateLimiter, type RateLimiter } from '../aura/rate-limiter.js';
import { systemClock } from '../kernel/clock.js';
import type { CheckResult } from './doctor-checks.js';

/** What the doctor's Aura calls met: how many went out, and the 429s among them. */
export interface RateLimitObservation {
  requests: number;
  /** 429s, with and without Retry-After. */
  refused: number;
  withoutRetryAfter: number;
}

/**
 * The client's usual limiter, counting what it lets through and the 429s
 * Aura answers, for the doctor to report.
 *
 * @example
 * ```ts
 * const { limiter, seen } = observingLimiter();
 * const aura = openAura(config.aura, CLI_DEFAULTS.doctorAura, limiter);
 * ```
 */
export function observingLimiter(): { limiter: RateLimiter; seen: RateLimitObservation } {
  const inner = createRateLimiter(DEFAULTS.rateLimit, systemClock);
  const seen: RateLimitObservation = { requests: 0, refused: 0, withoutRetryAfter: 0 };
  const limiter: RateLimiter = {
    acquire: async (signal, priority) => {
      await inner.acquire(signal, priority);
      seen.requests++;
    },
    pauseUntil: (untilMs) => inner.pauseUntil?.(untilMs),
    onRateLimited: (retryAfterMs) => {
      seen.refused++;
      if (retryAfterMs === undefined) seen.withoutRetryAfter++;
      inner.onRateLimited?.(retryAfterMs);
    },
  };
  return { limiter, seen };
}

const { limit, windowMs } = DEFAULTS.rateLimit;
const BUDGET = `${limit} calls per ${windowMs / 1000} s`;
const SET_RATE_LIMIT =
  'On a Free or Professional trial account (25 calls a minute) give the client its budget: ' +
  '`new AuraClient({ ..., rateLimit: { limit: 25, windowMs: 60_000 } })`, and ' +
  '`createPostgresRateLimiter({ client, limit: 25 })` across processes; stop other users of the ' +
  'client id meanwhile.';

/**
 * Reports the rate limit as the doctor's calls met it: the client's budget,
 * Aura's 429s (a 429 without Retry-After means the account's budget is
 * smaller than the client's), and where the token is cached.
 *
 * @example
 * ```ts
 * checkRateLimit({ requests: 3, refused: 0, withoutRetryAfter: 0 }, '/home/ada/.cache/aura-provisioner');
 * ```
 */
export function checkRateLimit(
  seen: RateLimitObservation,
  tokenCacheDir: string | undefined,
): CheckResult {
  const title = 'Aura rate limit';
  const tokens = tokenCacheDir
    ? `token requests: 15 an hour per client id, the token cached in ${tokenCacheDir}`
    : 'token requests: 15 an hour per client id, the token not cached (AURA_PROVISIONER_CACHE_DIR=off or no home)';
  if (seen.refused === 0) {
    return {
      id: 'rate-limit',
      title,
      status: 'pass',
      detail: `no 429 in ${seen.requests} requests at the client's budget of ${BUDGET} (Aura's for accounts with billing; Free and trial accounts get 25 a minute: set rateLimit to match); ${tokens}`,
    };
  }
  const how = seen.withoutRetryAfter > 0 ? ' without Retry-After' : '';
  return {
    id: 'rate-limit',
    title,
    status: 'fail',
    detail: `Aura answered 429${how} to ${seen.refused} of ${seen.requests} requests: the account's budget is below the client's ${BUDGET}, or another process spends it; ${tokens}`,
    fix: SET_RATE_LIMIT,
  };
}
