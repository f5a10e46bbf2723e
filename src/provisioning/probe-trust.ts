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
  /** Users the probe has said "not ready" for, in this process. */
  readonly #saidNotReady = new Set<string>();
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
    this.#saidNotReady.clear();
    this.#logger.warn?.('readiness probe disagrees with Aura; using status reads only', {
      early: count('early'),
      missed: count('missed'),
      of: this.#recent.length,
    });
  }

  /** The probe said "not ready" for `userId`. */
  noteNotReady(userId: string): void {
    if (this.#enabled) this.#saidNotReady.add(userId);
  }

  /**
   * Whether the probe has said "not ready" for `userId` in this process: a
   * status read that then sees `running` shows it missed (a read with no probe
   * before it, as after a restart, shows nothing). Not a time window: a probe
   * that hangs until a long timeout must still count.
   */
  saidNotReady(userId: string): boolean {
    return this.#saidNotReady.has(userId);
  }

  /** The user left `creating`: nothing more to decide for them. */
  forget(userId: string): void {
    this.#distrusted.delete(userId);
    this.#saidNotReady.delete(userId);
  }
}
