import type { Logger } from '../aura/logger.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';

/** What a status read said about the readiness probe's last answer for a user. */
export type ProbeVerdict =
  /** The probe said ready and the read saw `running`. */
  | 'confirmed'
  /** The probe said ready and the read saw the instance still creating. */
  | 'early'
  /** The probe kept saying not ready, and a backstop read saw `running`. */
  | 'missed';

/**
 * Whether the readiness probe is worth following, per user and overall. A
 * user whose probe said ready too early is read on the status policy from
 * then on. When half of the recent verdicts say it answered too early (a
 * host that resolves from the moment of create), or the last few all say it
 * never answered (a probe that cannot reach the instances), the provisioner
 * stops probing and runs the status-read policy alone, as without a probe: a
 * wrong probe costs a few status reads, not the whole budget. A probe that
 * answers late but right is kept: it costs latency, not budget. Internal.
 */
export class ProbeTrust {
  readonly #distrusted = new Set<string>();
  /** When the probe last said "not ready" for a user, in this process. */
  readonly #notReadyAt = new Map<string, number>();
  readonly #recent: ProbeVerdict[] = [];
  readonly #logger: Logger;
  #enabled: boolean;

  constructor(hasProbe: boolean, logger: Logger) {
    this.#enabled = hasProbe;
    this.#logger = logger;
  }

  /** Whether the probe is still followed at all. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Whether to follow the probe for this user. */
  trusts(userId: string): boolean {
    return this.#enabled && !this.#distrusted.has(userId);
  }

  /** Records what a status read said about the probe for `userId`. */
  record(userId: string, verdict: ProbeVerdict): void {
    if (!this.#enabled) return;
    // Read here, not at module level: a bundle with only AuraClient drops this module whole.
    const trust = PROVISIONING_DEFAULTS.probeTrust;
    if (verdict === 'early') this.#distrusted.add(userId);
    this.#recent.push(verdict);
    if (this.#recent.length > trust.window) this.#recent.shift();
    const count = (wanted: ProbeVerdict) => this.#recent.filter((v) => v === wanted).length;
    // Early answers spend the budget, so half of the window gives the probe up. Missed ones cost
    // latency (the backstop read comes late): a run of them with no confirmation between says it
    // cannot reach the instances, and a small app should not wait 50 signups to find out.
    const lying = count('early') >= trust.earlyToDisable;
    const lately = this.#recent.slice(-trust.silentToDisable);
    const silent = lately.length === trust.silentToDisable && lately.every((v) => v === 'missed');
    if (!lying && !silent) return;
    this.#enabled = false;
    this.#distrusted.clear();
    this.#notReadyAt.clear();
    this.#logger.warn?.('readiness probe disagrees with Aura; using status reads only', {
      early: count('early'),
      missed: count('missed'),
      of: this.#recent.length,
    });
  }

  /** The probe said "not ready" for `userId` at `at`. */
  noteNotReady(userId: string, at: number): void {
    if (this.#enabled) this.#notReadyAt.set(userId, at);
  }

  /**
   * Whether the probe said "not ready" for `userId` at or after `since`: a
   * status read that then sees `running` shows it missed (a read with no probe
   * before it, as after a restart, shows nothing).
   */
  saidNotReadySince(userId: string, since: number): boolean {
    return (this.#notReadyAt.get(userId) ?? Number.NEGATIVE_INFINITY) >= since;
  }

  /** The user left `creating`: nothing more to decide for them. */
  forget(userId: string): void {
    this.#distrusted.delete(userId);
    this.#notReadyAt.delete(userId);
  }
}
