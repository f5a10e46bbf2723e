/**
 * Defaults of the provisioning layer, declared once. Options of `createProvisioner`:
 * `instanceNamePrefix`, `createLeaseMs`, `maxCreateAttempts`, `reconcileIntervalMs`, and every
 * field of `poll`. The rest are internal constants that no option changes:
 * `ambiguousCreateDelayMs`, `failedRetryBaseMs`, `failedRetryMaxMs`, `claimAttempts`,
 * `claimBackoffMs`, `storeWriteAttempts`, `storeWriteBackoffMs`, `firstReadLearning`,
 * `idleFirstReadCreatingShare` and `probeTrust`.
 *
 * @example
 * ```ts
 * createProvisioner({ ...options, createLeaseMs: PROVISIONING_DEFAULTS.createLeaseMs * 2 });
 * ```
 */
// Plain literals only (180_000, not 3 * 60_000): bundlers keep an object with computed
// values even where nothing reads it, such as a browser app that imports only AuraClient.
export const PROVISIONING_DEFAULTS = {
  /** Instance names are `<prefix>` + 26 characters (see `instanceNameForUser`). */
  instanceNamePrefix: 'ap-',
  /**
   * A create attempt owns its pending record this long (the record's
   * `nextCheckAt` is pushed out by it), so reconcile elsewhere leaves it alone.
   * Longer than a create call with its retries can take. 3 minutes.
   */
  createLeaseMs: 180_000,
  /**
   * Reconcile never deletes an instance or a database that no record owns while it is younger
   * than this (by Aura's `created_at`; a database Aura gives no age is timed from when this
   * process first saw it unowned): a create may still be settling. Longer than the create
   * lease and a host's create lease. 10 minutes.
   */
  orphanGraceMs: 600_000,
  /** A status read or a delete that failed for now (a 429, a dropped connection) goes again after this. */
  transientRetryMs: 15_000,
  /** After a create whose outcome is unknown, look the name up this much later. */
  ambiguousCreateDelayMs: 15_000,
  /** Create attempts (and lookups) per record before it fails. */
  maxCreateAttempts: 5,
  /** How often a failed, retryable record is retried by reconcile: backoff from base to max. */
  failedRetryBaseMs: 60_000,
  /** 30 minutes. */
  failedRetryMaxMs: 1_800_000,
  /**
   * The provisioner runs `reconcile()` this often on its own (5 minutes), so a check lost to a
   * crash or a webhook that never came is picked up without the app calling it. 0 turns it off.
   */
  reconcileIntervalMs: 300_000,
  /**
   * A claim the store failed is tried this many times, 50 ms then 100 ms apart, before the
   * caller gets the error: a webhook that answers 5xx is not delivered again.
   */
  claimAttempts: 3,
  claimBackoffMs: 50,
  /** Store writes after a create are retried this many times before the instance is given up. */
  storeWriteAttempts: 4,
  storeWriteBackoffMs: 500,
  /** The `poll` option's defaults, field by field (see `PollPolicy`). */
  poll: {
    /**
     * The starting value of three learned times: when the first status read happens after
     * create (learned from what the reads answer: about one read in five may find the instance
     * still creating); with a readiness probe, the creation time that probing and the backstop
     * read are timed from (learned from probe-timed creations, a low quantile); and when a
     * user's first idle read goes (see `idleReadIntervalMs`: before one instance has been seen
     * come up, one user's idle reads explore earlier, from `minIntervalMs`).
     */
    expectedCreationMs: 90_000,
    /** Interval between status reads after the first, growing by `backoffFactor` up to `maxIntervalMs`. */
    minIntervalMs: 10_000,
    maxIntervalMs: 60_000,
    backoffFactor: 1.5,
    /** A 404 within this long after create means "not visible yet". */
    notFoundGraceMs: 90_000,
    /** A record still creating this long (30 minutes) after create fails (retryably) with `deadline-exceeded`. */
    deadlineMs: 1_800_000,
    /** With a readiness probe: how often it runs once the expected time is near. */
    probeIntervalMs: 3_000,
    /**
     * Without a probe, while the rate budget is idle: an extra status read this often, before
     * the planned one, the first at a learned start (see `idleFirstReadCreatingShare`). 0 turns
     * them off.
     */
    idleReadIntervalMs: 10_000,
    /** Idle means: under this share of the client's rate limit used in the last window. */
    idleReadBelowUtilization: 0.5,
  },
  /**
   * Without a readiness probe, how the first read's time is learned from what the reads answer
   * (`ReadOutcomeTracker`): settles where about `creatingShare` of the reads find the instance
   * still creating, moving by at most `step` (relative) per read and `gain` per estimate's span.
   */
  firstReadLearning: { creatingShare: 0.2, step: 0.05, gain: 1 },
  /**
   * When a user's first idle read goes (see `poll.idleReadIntervalMs`), learned from what those
   * reads answer: about three in four find the instance still creating, so they start near the
   * quickest quarter of creation times.
   */
  idleFirstReadCreatingShare: 0.75,
  /**
   * With a readiness probe: of the last `window` status reads that judged it (a read after the
   * probe said ready, or a backstop read while it said not ready), once `earlyToDisable` found
   * the instance still creating, or the last `silentToDisable` all found it running while the
   * probe never said so, the provisioner stops probing and reads on the status policy alone.
   * A backstop read judges the probe only if it left within `poll.probeIntervalMs` +
   * `missedWithinMs` of the probe's last "not ready" for the user: one held in the client's own
   * queue (a 429 pause) says nothing about the probe. A dropped probe is followed again after
   * `retryAfterMs` (30 minutes), doubling each time it is dropped again, up to `retryMaxMs`
   * (4 hours), and judged afresh by the same rules. `retryAfterMs: 0` drops it for good.
   */
  probeTrust: {
    window: 50,
    earlyToDisable: 25,
    silentToDisable: 10,
    missedWithinMs: 10_000,
    retryAfterMs: 1_800_000,
    retryMaxMs: 14_400_000,
  },
} as const;
