/**
 * Defaults of the Aura client, declared once (exported as `AURA_DEFAULTS`).
 * Each is overridden by the {@link AuraClientOptions} field of the same name
 * (`baseUrl`, `timeoutMs`, `tokenRefreshMarginMs`, `rateLimit`, `retry`),
 * except `wait`: those are the defaults of `instances.waitUntilRunning`'s
 * options (`timeoutMs`, `notFoundGraceMs`, `initialDelayMs`, `maxDelayMs`),
 * set per call.
 *
 * @example
 * ```ts
 * new AuraClient({ clientId, clientSecret, timeoutMs: AURA_DEFAULTS.timeoutMs * 2 });
 * ```
 */
export const DEFAULTS = {
  /** Aura's API origin; the API lives under `/v1`, the token endpoint at `/oauth/token`. */
  baseUrl: 'https://api.neo4j.io',
  /** Time one attempt may take before it is aborted, in ms. */
  timeoutMs: 30_000,
  /** Tokens last an hour; refresh this long before they expire (Aura answers 403 after). */
  tokenRefreshMarginMs: 60_000,
  /** The token endpoint and how the client spares it: it allows 15 requests an hour per client id. */
  token: {
    /** Token requests per hour a client sends at most (`tokenRateLimit`). */
    rateLimit: { limit: 15, windowMs: 3_600_000 },
    /** After a token 429 without Retry-After, no token request for this long, doubling, with jitter. */
    backoff: { baseDelayMs: 60_000, maxDelayMs: 15 * 60_000 },
    /** With a `tokenCache`, each client refreshes up to this much earlier (random), so a fleet spreads. */
    refreshSpreadMs: 5 * 60_000,
    /** A 403 this close to the token's expiry is taken for an expired token; earlier, for a permission error. */
    nearExpiryMs: 5 * 60_000,
  },
  /**
   * Aura's documented budget: 125 requests per minute for the account (Professional with
   * billing, Business Critical, VDC); Free and trial accounts get 25: set `rateLimit` to match.
   */
  rateLimit: { limit: 125, windowMs: 60_000 },
  retry: {
    /** Retries after the first attempt. */
    limit: 4,
    /** First backoff; doubles each attempt, with jitter. */
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    /** A Retry-After longer than this is not waited out: the call fails with it instead. */
    maxRetryAfterMs: 60_000,
    /** Statuses retried for idempotent methods; only 429 for creates and other unsafe calls. */
    statusCodes: [429, 502, 503, 504] as readonly number[],
  },
  /** Defaults of `waitUntilRunning`'s options, not of the client's. */
  wait: {
    /** How long `waitUntilRunning` waits in all; clients in the wild give up after 15–20 min. */
    timeoutMs: 20 * 60_000,
    /** A GET right after create can 404 this long before the instance shows up. */
    notFoundGraceMs: 60_000,
    initialDelayMs: 5_000,
    maxDelayMs: 20_000,
  },
} as const;

/** Retry settings; see {@link DEFAULTS}.retry. */
export interface RetryOptions {
  limit?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  statusCodes?: readonly number[];
}
