/**
 * When a token held since `expiresAt` is refreshed: `marginMs` before it
 * expires, and `jitterMs` earlier still. Processes sharing a token draw their
 * own jitter, so the first one due refreshes it and the others find the new
 * one, instead of all asking at the same moment.
 *
 * @example
 * ```ts
 * nextTokenRefreshAt(3_600_000, 60_000, 90_000); // 3 450 000
 * ```
 */
export function nextTokenRefreshAt(expiresAt: number, marginMs: number, jitterMs: number): number {
  return expiresAt - marginMs - jitterMs;
}

// What Aura (and its gateway) say when a token is spent: "Key has expired, please renew",
// "Token expired", "invalid token". Read leniently: the wording is not documented.
const SPENT = /expir|renew|invalid[\s_-]*(?:access[\s_-]*)?token/i;

/**
 * Whether a 401 or 403 means the token is spent, so it is dropped and the
 * call replayed once with a fresh one. A 401 always is; a 403 only when the
 * answer says the token expired, or the token is within `nearExpiryMs` of its
 * expiry (clocks differ). Any other 403 is a permission error: asking for
 * another token would not change it, and the token endpoint allows 15
 * requests an hour.
 *
 * @example
 * ```ts
 * isSpentToken(403, 'Forbidden', now + 3_000_000, now, 300_000); // false: a permission error
 * isSpentToken(403, 'Key has expired, please renew', now + 3_000_000, now, 300_000); // true
 * ```
 */
export function isSpentToken(
  status: number | undefined,
  message: string,
  expiresAt: number,
  now: number,
  nearExpiryMs: number,
): boolean {
  if (status === 401) return true;
  return status === 403 && (expiresAt - now <= nearExpiryMs || SPENT.test(message));
}
