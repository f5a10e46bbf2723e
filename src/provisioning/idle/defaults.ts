/**
 * Defaults of the idle policy (`createProvisioner({ idle })`) and of waking a paused user,
 * declared once. Plain literals only, as for `PROVISIONING_DEFAULTS`.
 *
 * @example
 * ```ts
 * createProvisioner({ ...options, idle: { pauseAfterMs: IDLE_DEFAULTS.pauseAfterMs } });
 * ```
 */
export const IDLE_DEFAULTS = {
  /** A user's instance is paused after this long without use: 3 days. */
  pauseAfterMs: 259_200_000,
  /** The idle governor looks at the records and Aura's listing this often: 15 minutes. */
  sweepIntervalMs: 900_000,
  /**
   * The most Aura requests the idle policy sends a minute: under 5% of Aura's 125, and only
   * while the rate limiter is under `quietUtilization` used, so signups go first.
   */
  maxRequestsPerMinute: 6,
  /** The idle policy sends only while the client's rate limiter is used less than this. */
  quietUtilization: 0.5,
  /**
   * Aura resumes a paused instance on its own after 30 days; a paused record this close to it
   * has its instance's status read every sweep, to pause it again soon after: 1 hour.
   */
  autoResumeMs: 2_592_000_000,
  autoResumeWatchMs: 3_600_000,
  /** Aura's listing is read this often to heal records that disagree with it: 6 hours. */
  listingIntervalMs: 21_600_000,
  /** A resuming instance's status is read this often until it runs: 15 s. */
  resumeReadIntervalMs: 15_000,
} as const;
