import { ProvisioningConfigurationError } from '../../records/errors.js';
import { IDLE_DEFAULTS } from './defaults.js';

/**
 * The `idle` option of `createProvisioner`: pause the instance of a user who has not used it
 * for `pauseAfterMs` (by `lastUsedAt`, which the per-user clients' `recordUse` writes; a user
 * never used counts from `readyAt`). Instance-per-user users only: a shared host of the
 * `database-per-user` placement is never paused.
 *
 * @example
 * ```ts
 * createProvisioner({ ...options, idle: { pauseAfterMs: 2 * 24 * 3_600_000 } });
 * ```
 */
export interface IdleOptions {
  /** Pause after this long without use. Default 3 days. */
  pauseAfterMs?: number;
  /** How often the records are looked at. Default 15 minutes. */
  sweepIntervalMs?: number;
  /**
   * The most Aura requests the idle policy sends a minute (pauses and status reads), and only
   * while the client's rate limiter is under half used: signups go first. Default 6 (under 5%
   * of Aura's 125 a minute).
   */
  maxRequestsPerMinute?: number;
}

/** The idle options with their defaults. */
export interface ResolvedIdleOptions {
  pauseAfterMs: number;
  sweepIntervalMs: number;
  maxRequestsPerMinute: number;
}

/** Checks and completes the `idle` option; `undefined` when it is off. */
export function resolveIdleOptions(idle: IdleOptions | undefined): ResolvedIdleOptions | undefined {
  if (idle === undefined) return undefined;
  const resolved = {
    pauseAfterMs: idle.pauseAfterMs ?? IDLE_DEFAULTS.pauseAfterMs,
    sweepIntervalMs: idle.sweepIntervalMs ?? IDLE_DEFAULTS.sweepIntervalMs,
    maxRequestsPerMinute: idle.maxRequestsPerMinute ?? IDLE_DEFAULTS.maxRequestsPerMinute,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ProvisioningConfigurationError(`idle.${name} must be a number > 0, not ${value}`);
    }
  }
  return resolved;
}
