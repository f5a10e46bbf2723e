import { MAX_TIMER_MS } from '../kernel/limits.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';

/** Tunables of the status-read timing: the provisioner's `poll` option. */
export interface PollPolicy {
  /**
   * Where three learners start, each until it has learned better (the policy
   * the state machine sees carries the learned value, see `contextOf`):
   * - the first status read's time, learned from what reads answer (`ReadOutcomeTracker`);
   * - with a readiness probe, the probe-timed creation time (`CreationTimeEstimator`,
   *   until 10 are seen): probing starts at half of it, the backstop read at twice;
   * - the first idle read's time (see `idleReadIntervalMs`): until an idle read has seen an
   *   instance come up, one user's idle reads explore from `minIntervalMs` after create,
   *   doubling the wait, up to this time; the first instance seen running starts the learned
   *   time (no later than this).
   */
  expectedCreationMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  backoffFactor: number;
  notFoundGraceMs: number;
  deadlineMs: number;
  probeIntervalMs: number;
  /**
   * Without a trusted readiness probe, while the client's rate limiter reports
   * less than `idleReadBelowUtilization` of its budget in use: an extra status
   * read of a creating instance this often, ahead of the planned read. A
   * user's first one waits for a start learned from what first idle reads
   * answer (from `expectedCreationMs`, settling where about
   * `PROVISIONING_DEFAULTS.idleFirstReadCreatingShare`, three in four, still
   * find the instance creating). It writes nothing unless it finds the
   * instance running, and does not move the planned read's learned timing.
   * 0 turns it off.
   */
  idleReadIntervalMs: number;
  /** A share of the rate limit, 0–1. */
  idleReadBelowUtilization: number;
}

// A copy, so changing it leaves PROVISIONING_DEFAULTS alone. Made in a call marked pure:
// a bundle that does not use it (a browser app with only AuraClient) drops it.
export const DEFAULT_POLL_POLICY: PollPolicy = /* @__PURE__ */ (() => ({
  ...PROVISIONING_DEFAULTS.poll,
}))();

/**
 * When to read a creating instance's status next. Pure, and stateless so it
 * survives restarts: the first read is at the expected creation time (reads
 * before it mostly see `creating` and spend the shared 125/min budget); after
 * it, each interval is a fraction of the time already waited past the
 * expected time (so intervals grow geometrically by `backoffFactor`),
 * clamped to [`minIntervalMs`, `maxIntervalMs`], and never past the deadline.
 * A read made before the expected time (the learned time moved past it) is
 * followed no sooner than `minIntervalMs` after it.
 */
export function nextStatusCheckAt(
  createRequestedAt: number,
  now: number,
  policy: PollPolicy,
): number {
  const deadline = createRequestedAt + policy.deadlineMs;
  const expected = createRequestedAt + policy.expectedCreationMs;
  if (now < expected) {
    const after = now > createRequestedAt ? now + policy.minIntervalMs : now;
    return Math.min(Math.max(expected, after), deadline);
  }
  const waitedPast = now - expected;
  const interval = Math.min(
    policy.maxIntervalMs,
    Math.max(policy.minIntervalMs, waitedPast * (policy.backoffFactor - 1)),
  );
  return Math.min(now + interval, deadline);
}

/**
 * Checks a poll policy (the defaults merged with the caller's `poll`), so a
 * typo fails at start-up, not as a record that is never read.
 */
export function checkPollPolicy(policy: PollPolicy): string | undefined {
  for (const [name, value] of Object.entries(policy)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `poll.${name} must be a finite number >= 0, not ${String(value)}`;
    }
    // Beyond it a timer fires at once (Node clamps it to 1 ms).
    if (name.endsWith('Ms') && value > MAX_TIMER_MS) {
      return `poll.${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days)`;
    }
  }
  if (policy.minIntervalMs <= 0) return 'poll.minIntervalMs must be > 0';
  if (policy.probeIntervalMs <= 0) return 'poll.probeIntervalMs must be > 0';
  if (policy.maxIntervalMs < policy.minIntervalMs) {
    return 'poll.maxIntervalMs must be >= poll.minIntervalMs';
  }
  if (policy.backoffFactor < 1) return 'poll.backoffFactor must be >= 1';
  if (policy.idleReadBelowUtilization > 1) return 'poll.idleReadBelowUtilization must be <= 1';
  return undefined;
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

/** What the provisioner learns the first status read's timing from. Internal. */
export interface CreationTimeLearner {
  /** The expected creation time (ms after the create was accepted): when the first read goes. */
  estimate(): number;
  /** A status read of a creating instance, `elapsedMs` after create: `running`, or still creating. */
  observeRead(elapsedMs: number, running: boolean, now: number): void;
  /** An instance started creating at `now`: its first read comes about one estimate later. */
  observeCreate(now: number): void;
}

/**
 * Learns how long creations take from the ones it has seen, so the first
 * status read lands near the typical creation time instead of a fixed guess.
 * Keeps a bounded window of recent durations and answers a low quantile.
 * Only for durations measured close to the moment the instance came up (a
 * readiness probe says when to read): a read on the policy's own schedule
 * only bounds the duration from above (never below the estimate it was
 * scheduled with), so learning from those ratchets the estimate upwards by
 * however late the reads run; {@link ReadOutcomeTracker} is for those.
 */
export class CreationTimeEstimator implements CreationTimeLearner {
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

  observeRead(elapsedMs: number, running: boolean): void {
    if (running) this.observe(elapsedMs);
  }

  observeCreate(): void {}

  /** The expected creation time: the configured guess until 10 creations have been seen. */
  estimate(): number {
    if (this.#window.length < 10) return this.#fallbackMs;
    const sorted = [...this.#window].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) * this.#quantile)] ?? this.#fallbackMs;
  }
}

/** Options of {@link ReadOutcomeTracker}. */
export interface ReadOutcomeTrackerOptions {
  /** The share of status reads allowed to find the instance still creating. Default 0.2. */
  creatingShare?: number;
  /** Relative change of the estimate per read, at most. Default 0.05. */
  step?: number;
  /**
   * Relative change over the reads of one estimate's span, at most. Default 1. The reads
   * answering now were scheduled with an older estimate and all pull the same way.
   */
  gain?: number;
  /** Bounds of the estimate. Default 1 ms and no upper bound. */
  minMs?: number;
  maxMs?: number;
}

/**
 * Learns when to read a creating instance for the first time from what the
 * status reads answer, when they are the only signal: each read that finds
 * the instance still creating moves the estimate later, each that finds it
 * running moves it earlier, in proportion so that about `creatingShare` of
 * all reads find it creating (a stochastic approximation). That share is
 * the API cost: once settled, about 1 / (1 - creatingShare) status reads per
 * user. Late reads do not ratchet it up (a late read is more often running,
 * which pulls the estimate back), so processes and schedulers that run reads
 * with different lateness settle on the same first-read time; and it learns
 * downwards too, when instances come up sooner than the estimate.
 */
export class ReadOutcomeTracker implements CreationTimeLearner {
  #estimateMs: number;
  readonly #share: number;
  readonly #step: number;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #gain: number;
  /** When the reads and the creates of the last estimate's span happened. */
  readonly #reads: number[] = [];
  readonly #creates: number[] = [];

  constructor(initialMs: number, options: ReadOutcomeTrackerOptions = {}) {
    const learning = PROVISIONING_DEFAULTS.firstReadLearning;
    this.#gain = options.gain ?? learning.gain;
    this.#share = options.creatingShare ?? learning.creatingShare;
    this.#step = options.step ?? learning.step;
    this.#minMs = options.minMs ?? 1;
    this.#maxMs = options.maxMs ?? Number.POSITIVE_INFINITY;
    this.#estimateMs = this.#clamp(initialMs);
  }

  observeRead(_elapsedMs: number, running: boolean, now: number): void {
    // The reads answering now were scheduled with the estimate of up to one estimate ago, and as
    // many are still on their way: the more there are, the smaller each one's say, or a burst of
    // reads all pulling the same way overshoots (delayed feedback).
    this.#reads.push(now);
    const inFlight = Math.max(this.#recent(this.#reads, now), this.#recent(this.#creates, now));
    const step = Math.min(this.#step, this.#gain / inFlight);
    const pull = running ? -this.#share : 1 - this.#share;
    this.#estimateMs = this.#clamp(this.#estimateMs * (1 + step * pull));
  }

  observeCreate(now: number): void {
    this.#creates.push(now);
  }

  estimate(): number {
    return this.#estimateMs;
  }

  /** How many of `times` fall within the last estimate; drops older ones. */
  #recent(times: number[], now: number): number {
    while (times.length > 0 && (times[0] as number) < now - this.#estimateMs) times.shift();
    return Math.max(1, times.length);
  }

  #clamp(ms: number): number {
    return Math.min(this.#maxMs, Math.max(this.#minMs, ms));
  }
}
