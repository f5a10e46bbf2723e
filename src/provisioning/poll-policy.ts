import { PROVISIONING_DEFAULTS } from './defaults.js';

/** Tunables of {@link nextStatusCheckAt}. */
export interface PollPolicy {
  expectedCreationMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  backoffFactor: number;
  notFoundGraceMs: number;
  deadlineMs: number;
  probeIntervalMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { ...PROVISIONING_DEFAULTS.poll };

/**
 * When to read a creating instance's status next. Pure, and stateless so it
 * survives restarts: the first read is at the expected creation time (reads
 * before it mostly see `creating` and spend the shared 125/min budget); after
 * it, each interval is a fraction of the time already waited past the
 * expected time (so intervals grow geometrically by `backoffFactor`),
 * clamped to [`minIntervalMs`, `maxIntervalMs`], and never past the deadline.
 */
export function nextStatusCheckAt(
  createRequestedAt: number,
  now: number,
  policy: PollPolicy,
): number {
  const deadline = createRequestedAt + policy.deadlineMs;
  const expected = createRequestedAt + policy.expectedCreationMs;
  if (now < expected) return Math.min(expected, deadline);
  const waitedPast = now - expected;
  const interval = Math.min(
    policy.maxIntervalMs,
    Math.max(policy.minIntervalMs, waitedPast * (policy.backoffFactor - 1)),
  );
  return Math.min(now + interval, deadline);
}

/** Whether a creating record has passed its deadline. */
export const pastDeadline = (createRequestedAt: number, now: number, policy: PollPolicy) =>
  now >= createRequestedAt + policy.deadlineMs;

/** Whether a 404 for a creating instance is still inside the grace window. */
export const withinNotFoundGrace = (createRequestedAt: number, now: number, policy: PollPolicy) =>
  now - createRequestedAt <= policy.notFoundGraceMs;

/** Backoff before reconcile retries a failed record (attempt 1, 2, ...). Pure. */
export function failedRetryAt(failedAt: number, attempts: number, baseMs: number, maxMs: number) {
  return failedAt + Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Learns how long creations take from the ones it has seen, so the first
 * status read lands near the typical creation time instead of a fixed guess.
 * Keeps a bounded window of recent durations and answers a low quantile
 * (reading early costs one extra read; reading late costs latency for all).
 */
export class CreationTimeEstimator {
  readonly #window: number[] = [];
  readonly #size: number;
  readonly #quantile: number;
  readonly #fallbackMs: number;

  constructor(fallbackMs: number, options: { size?: number; quantile?: number } = {}) {
    this.#fallbackMs = fallbackMs;
    this.#size = options.size ?? 200;
    this.#quantile = options.quantile ?? 0.25;
  }

  /** Records an observed duration from create accepted to first seen running (an upper bound). */
  observe(durationMs: number): void {
    if (!(durationMs > 0)) return;
    this.#window.push(durationMs);
    if (this.#window.length > this.#size) this.#window.shift();
  }

  /** The expected creation time: the configured guess until 10 creations have been seen. */
  estimate(): number {
    if (this.#window.length < 10) return this.#fallbackMs;
    const sorted = [...this.#window].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) * this.#quantile)] ?? this.#fallbackMs;
  }
}
