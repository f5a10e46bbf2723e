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
   * The share of the Aura API budget (requests per rate window) the governor may spend, and only
   * when signups leave it free: pauses are never sent ahead of creates and status reads.
   */
  budgetShare: 0.05,
  /** A resuming instance's status is read this often until it runs: 15 s. */
  resumeReadIntervalMs: 15_000,
  /** How long `createClientForUser` waits for a paused user's instance when asked to wait: 10 minutes. */
  wakeTimeoutMs: 600_000,
  /** The retry hint of `UserDatabaseWakingError` while Aura resumes the instance: 60 s. */
  wakeRetryAfterMs: 60_000,
} as const;
