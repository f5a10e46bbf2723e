import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';

/** What a status read said about the readiness probe's last answer for a user. */
export type ProbeVerdict =
  /** The probe said ready and the read saw `running`. */
  | 'confirmed'
  /** The probe said ready and the read saw the instance still creating. */
  | 'early'
  /** The probe said not ready just before, and a backstop read saw `running`. */
  | 'missed';

/** The rules of {@link ProbeTrust}; see `PROVISIONING_DEFAULTS.probeTrust`. */
export interface ProbeTrustRules {
  window: number;
  earlyToDisable: number;
  silentToDisable: number;
  missedWithinMs: number;
  retryAfterMs: number;
  retryMaxMs: number;
}

/**
 * Whether the readiness probe is worth following, per user and overall. A
 * user whose probe said ready too early is read on the status policy from
 * then on. When half of the recent verdicts say it answered too early (a
 * host that resolves from the moment of create), or the last few all say it
 * never answered (a probe that cannot reach the instances), the provisioner
 * stops probing and runs the status-read policy alone, as without a probe: a
 * wrong probe costs a few status reads, not the whole budget. A probe that
 * answers late but right is kept: it costs latency, not budget. A dropped
 * probe is tried again after `retryAfterMs` (doubling, up to `retryMaxMs`,
 * each time it is dropped again without a full window in between), and
 * judged afresh by the same rules: a network fault or a fixed firewall does
 * not cost it for the process's life. Internal.
 */
export class ProbeTrust {
  readonly #distrusted = new Set<string>();
  /** When the probe last said "not ready" for a user, in this process. */
  readonly #saidNotReadyAt = new Map<string, number>();
  readonly #recent: ProbeVerdict[] = [];
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #hasProbe: boolean;
  readonly #rules: ProbeTrustRules;
  #enabled: boolean;
  /** Drops in a row, each before the probe got through a full window: doubles the quiet period. */
  #drops = 0;
  #judgedSinceEnabled = 0;
  #retryAt = Number.POSITIVE_INFINITY;

  constructor(
    hasProbe: boolean,
    logger: Logger,
    clock: Clock,
    rules: Partial<ProbeTrustRules> = {},
  ) {
    this.#hasProbe = hasProbe;
    this.#enabled = hasProbe;
    this.#logger = logger;
    this.#clock = clock;
    // Read here, not at module level: a bundle with only AuraClient drops this module whole.
    this.#rules = { ...PROVISIONING_DEFAULTS.probeTrust, ...rules };
  }

  /** Whether the probe is followed at all (again, once a dropped probe's quiet period is over). */
  get enabled(): boolean {
    this.#retryIfDue();
    return this.#enabled;
  }

  /** Whether to follow the probe for this user. */
  trusts(userId: string): boolean {
    return this.enabled && !this.#distrusted.has(userId);
  }

  /** Follows a dropped probe again once its quiet period is over, and says so in one info line. */
  #retryIfDue(): void {
    if (this.#enabled || !this.#hasProbe || this.#clock.now() < this.#retryAt) return;
    this.#enabled = true;
    this.#retryAt = Number.POSITIVE_INFINITY;
    this.#recent.length = 0;
    this.#judgedSinceEnabled = 0;
    this.#logger.info?.('readiness probe followed again; status reads will judge it afresh', {
      drops: this.#drops,
    });
  }

  /** Records what a status read said about the probe for `userId`. */
  record(userId: string, verdict: ProbeVerdict): void {
    if (!this.enabled) return;
    const rules = this.#rules;
    if (verdict === 'early') this.#distrusted.add(userId);
    this.#recent.push(verdict);
    if (this.#recent.length > rules.window) this.#recent.shift();
    // A full window without being dropped: the next drop starts the quiet periods afresh.
    if (++this.#judgedSinceEnabled >= rules.window) this.#drops = 0;
    const count = (wanted: ProbeVerdict) => this.#recent.filter((v) => v === wanted).length;
    // Early answers spend the budget, so half of the window gives the probe up. Missed ones cost
    // latency (the backstop read comes late): a run of them with no confirmation between says it
    // cannot reach the instances, and a small app should not wait 50 signups to find out.
    const lying = count('early') >= rules.earlyToDisable;
    const lately = this.#recent.slice(-rules.silentToDisable);
    const silent = lately.length === rules.silentToDisable && lately.every((v) => v === 'missed');
    if (!lying && !silent) return;
    this.#enabled = false;
    this.#distrusted.clear();
    this.#saidNotReadyAt.clear();
    this.#drops++;
    const quietMs = Math.min(rules.retryMaxMs, rules.retryAfterMs * 2 ** (this.#drops - 1));
    // 0 turns the retry off: dropped for the process's life.
    this.#retryAt = rules.retryAfterMs > 0 ? this.#clock.now() + quietMs : Number.POSITIVE_INFINITY;
    this.#logger.warn?.('readiness probe disagrees with Aura; using status reads only', {
      early: count('early'),
      missed: count('missed'),
      of: this.#recent.length,
      ...(rules.retryAfterMs > 0 ? { retryInMs: quietMs } : {}),
    });
  }

  /** The probe said "not ready" for `userId` just now. */
  noteNotReady(userId: string): void {
    if (this.enabled) this.#saidNotReadyAt.set(userId, this.#clock.now());
  }

  /**
   * When the probe last said "not ready" for `userId` in this process, if it
   * did (after a restart, say, a backstop read may come before any probe:
   * that judges nothing). The time of the answer, not of the question: a
   * probe that hangs until a long timeout must still count.
   */
  lastNotReadyAt(userId: string): number | undefined {
    return this.#saidNotReadyAt.get(userId);
  }

  /**
   * Whether a backstop read that left at `sentAt` and saw `running` shows the
   * probe missed: only if it said "not ready" (at `lastNotReadyAt`) within a
   * probe interval and `missedWithinMs` before. A read held longer (in the
   * client's queue through a 429 pause, or behind the scheduler's busy slots)
   * went while the probe was not being asked: the instance may have come up
   * after its last answer, and a right probe would be blamed for our own wait.
   */
  showsMissed(
    lastNotReadyAt: number | undefined,
    sentAt: number,
    probeIntervalMs: number,
  ): boolean {
    if (lastNotReadyAt === undefined) return false;
    return sentAt - lastNotReadyAt <= probeIntervalMs + this.#rules.missedWithinMs;
  }

  /** The user left `creating`: nothing more to decide for them. */
  forget(userId: string): void {
    this.#distrusted.delete(userId);
    this.#saidNotReadyAt.delete(userId);
  }
}
