/**
 * Defaults of the scale-out layer (the pg-boss scheduler and the shared rate
 * limiter), declared once. Options of `PgBossScheduler`: `queue`,
 * `concurrency`, `pollIntervalMs`, `heartbeatSeconds`, `holdMs`, and
 * `retryLimit` / `retryDelaySeconds` / `retryDelayMaxSeconds` as
 * `retry: { limit, delaySeconds, maxDelaySeconds }`; `expireInSeconds` is a
 * constant. Options of `createPostgresRateLimiter`: `table` and `key`;
 * `marginRatio` only shapes the default `marginMs`, and `maxRetryDelayMs` is
 * a constant. Options of `createPostgresTokenCache`: `table`, `leaseMs`, `pollMs`.
 *
 * @example
 * ```ts
 * const scheduler = new PgBossScheduler({ boss, heartbeatSeconds: SCALE_DEFAULTS.scheduler.heartbeatSeconds * 2 });
 * ```
 */
export const SCALE_DEFAULTS = {
  scheduler: {
    /** The pg-boss queue that holds one check job per user. */
    queue: 'aura-provisioner-checks',
    /** Checks running at once per priority lane, per process (as `InProcessScheduler`). */
    concurrency: 8,
    /**
     * How often an idle lane asks pg-boss for due jobs. A job due between two polls waits for
     * the next one; a lane with every slot busy fetches again as soon as one frees instead.
     */
    pollIntervalMs: 2_000,
    /**
     * A worker touches its jobs every third of this; a job not touched for this long (its
     * process died) goes back to the queue at the next monitor pass. pg-boss's minimum is 10.
     * Set by the process that creates the queue.
     */
    heartbeatSeconds: 30,
    /**
     * A re-check asked for by a user's running check within this long stays on the same job in
     * this process. Covers the readiness probe's cadence (3 s), not status reads (10 s and up).
     */
    holdMs: 5_000,
    /**
     * Longest a job may stay active before pg-boss takes it back, whatever the heartbeats. A job
     * is held for re-checks for at most half of it.
     */
    expireInSeconds: 3_600,
    /** A check whose handler threw is retried this many times, with exponential backoff. */
    retryLimit: 10,
    retryDelaySeconds: 5,
    retryDelayMaxSeconds: 300,
  },
  rateLimit: {
    /** The table that holds the shared window (one row per key). */
    table: 'aura_rate_limits',
    /** One key per Aura account: every process using the account must use the same key. */
    key: 'aura',
    /**
     * Added to the window to absorb the time between a slot and the request reaching Aura
     * (timers, event loops, the network differ per process). Default: 1% of the window.
     */
    marginRatio: 0.01,
    /** Backoff while the database cannot be reached: from 100 ms, doubling, up to this. */
    maxRetryDelayMs: 5_000,
  },
  tokenCache: {
    /** The table that holds the shared tokens (one row per client id and API origin). */
    table: 'aura_tokens',
    /** A refresh lease ends this long after it is taken, even if its holder died meanwhile. */
    leaseMs: 60_000,
    /** While another process refreshes, look again this often (with jitter). */
    pollMs: 250,
  },
} as const;
