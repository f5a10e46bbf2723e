import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';
import { type PollPolicy, ReadOutcomeTracker } from './poll-policy.js';
import type { ProbeTrust } from './probe-trust.js';

/** What {@link IdleReader} works with. */
export interface IdleReaderParts {
  aura: AuraClient;
  clock: Clock;
  logger: Logger;
  policy: PollPolicy;
  probeTrust: ProbeTrust;
}

/** A read saw the instance running: make the user ready (the record is read afresh). */
export type RunningHandler = (userId: string, instanceId: string) => Promise<void>;

/** A creating user, as the idle reader knows them. */
export interface Waiting {
  instanceId: string;
  createRequestedAt: number;
  lastReadAt: number;
  /** When the planned status read is due. */
  plannedAt: number;
  /** Whether an idle read has been made for this user yet (the first one teaches the timing). */
  idleRead?: boolean;
}

/**
 * Spends rate budget nobody uses on extra status reads, so that a user
 * signing up on a quiet day does not wait for the planned read (placed, to
 * save budget in a burst, where most instances already run). While the
 * client's rate limiter reports less than `idleReadBelowUtilization` of its
 * budget in use, it reads the creating instance that has waited longest, at
 * most once per `idleReadIntervalMs` each, none before a start learned from
 * what first idle reads answer (about three in four find the instance still
 * creating; until one has seen an instance come up, one user's reads explore
 * from `minIntervalMs` after create, so a local fake that creates in seconds
 * is ready in seconds), and none within half an interval of a planned read. A read that
 * finds the instance still creating changes nothing (no store write); one
 * that finds it running makes the user ready at once. The planned reads go
 * on unchanged, so turning this off (`idleReadIntervalMs: 0`) or a busy
 * budget leaves the policy as it was. Off for users whose readiness probe is
 * trusted, and with a limiter that cannot tell its use (the shared Postgres
 * one). Knows the users this process has seen creating. Internal.
 */
export class IdleReader {
  readonly #rt: IdleReaderParts;
  readonly #clock: Clock;
  readonly #waiting = new Map<string, Waiting>();
  /** Set by {@link IdleReader.onRunning}; until then a read that finds one running only lets go. */
  #onRunning: RunningHandler | undefined;
  /**
   * When a user's first idle read goes, learned from what first idle reads answer (both ways,
   * so reads that can only come after it do not ratchet it up). Starts once an idle read has
   * seen an instance come up in this process (see {@link IdleReader.#dueAt}).
   */
  #firstRead: ReadOutcomeTracker | undefined;
  /** Until then, the one user whose idle reads explore. */
  #explorer: string | undefined;
  #wake = new AbortController();
  /** Ends a read in flight (waiting for a rate-limit slot, say) at close. */
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #closed = false;

  constructor(parts: IdleReaderParts) {
    this.#rt = parts;
    this.#clock = parts.clock;
  }

  /**
   * When `userId`'s next idle read may go: not before its first idle read's time, nor within an
   * interval of its last read. Until an idle read here has seen an instance come up, nothing is
   * known of how long creations take (Aura's are minutes, a local fake's seconds): one user at a
   * time explores, read `minIntervalMs` after create, then at twice the wait of its last read,
   * up to `expectedCreationMs`; the others start at `expectedCreationMs`. The first instance
   * seen running starts the learned time (at the wait it was seen after, `expectedCreationMs`
   * at most).
   */
  #dueAt(userId: string, waiting: Waiting): number {
    const { idleReadIntervalMs, minIntervalMs, expectedCreationMs } = this.#rt.policy;
    const afterLast = waiting.lastReadAt + idleReadIntervalMs;
    let start = this.#firstRead?.estimate() ?? expectedCreationMs;
    if (userId === this.#explorer) {
      const waited = waiting.lastReadAt - waiting.createRequestedAt; // -Infinity before any read
      start = Math.min(start, Math.max(minIntervalMs, 2 * waited));
    }
    return Math.max(waiting.createRequestedAt + start, afterLast);
  }

  /**
   * An idle read found an instance `running` or still creating, `elapsedMs` after create, on
   * the user's `first` idle read or a later one.
   */
  #learn(elapsedMs: number, running: boolean, first: boolean): void {
    if (this.#firstRead) {
      if (first) this.#firstRead.observeRead(elapsedMs, running, this.#clock.now());
      return;
    }
    if (!running) return;
    const { minIntervalMs, deadlineMs, expectedCreationMs } = this.#rt.policy;
    this.#explorer = undefined;
    this.#firstRead = new ReadOutcomeTracker(Math.min(elapsedMs, expectedCreationMs), {
      creatingShare: PROVISIONING_DEFAULTS.idleFirstReadCreatingShare,
      minMs: minIntervalMs,
      maxMs: deadlineMs,
    });
  }

  /**
   * Says what to do when an idle read finds an instance running (the
   * provisioner makes the user ready). Attached once, after the engine the
   * handler belongs to is built.
   */
  onRunning(handler: RunningHandler): void {
    this.#onRunning = handler;
  }

  get #enabled(): boolean {
    return this.#rt.policy.idleReadIntervalMs > 0 && this.#utilization() !== undefined;
  }

  /**
   * `userId`'s instance is creating: a status read last saw it so at `lastReadAt`
   * (or none has yet: `-Infinity`), and the next planned read is at `plannedAt`.
   */
  track(userId: string, waiting: Waiting): void {
    if (this.#closed || !this.#enabled) return;
    const idleRead = this.#waiting.get(userId)?.idleRead ?? false;
    this.#waiting.set(userId, { ...waiting, idleRead });
    if (!this.#firstRead) this.#explorer ??= userId;
    if (this.#loop) this.#wake.abort();
    else this.#start();
  }

  /** Runs the loop until no user waits; a user tracked as it ended starts it again. */
  #start(): void {
    this.#loop = this.#run()
      .catch((error: unknown) => {
        this.#waiting.clear(); // a bug here must not stop the planned reads
        this.#explorer = undefined;
        this.#rt.logger.error?.('idle status reads stopped', { error: String(error) });
      })
      .finally(() => {
        this.#loop = undefined;
        if (!this.#closed && this.#waiting.size > 0) this.#start();
      });
  }

  /** `userId` left `creating` (or is gone). */
  forget(userId: string): void {
    this.#waiting.delete(userId);
    if (this.#explorer === userId) this.#explorer = undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.clear();
    this.#wake.abort();
    this.#stop.abort();
    await this.#loop;
  }

  /** The limiter's use, or `undefined` when it cannot tell (or fails to). */
  #utilization(): number | undefined {
    try {
      return this.#rt.aura.rateLimiter.utilization?.();
    } catch {
      return undefined;
    }
  }

  async #run(): Promise<void> {
    const { idleReadIntervalMs, idleReadBelowUtilization } = this.#rt.policy;
    while (!this.#closed && this.#waiting.size > 0) {
      const now = this.#clock.now();
      const { due, nextAt } = this.#longestWaiting(now);
      const idle = (this.#utilization() ?? 1) < idleReadBelowUtilization;
      if (due && idle) {
        await this.#read(due, now);
        continue;
      }
      // Nothing due, or the budget is busy: look again when something falls due, a new user
      // comes, or (busy) after one interval.
      const wait = due ? idleReadIntervalMs : nextAt - now;
      this.#wake = new AbortController();
      const { signal } = this.#wake;
      await (wait === Number.POSITIVE_INFINITY
        ? new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
        : this.#clock.sleep(Math.max(1, wait), signal).catch(() => {}));
    }
  }

  /** The due user who has waited longest since create, and when the next one falls due. */
  #longestWaiting(now: number): { due: string | undefined; nextAt: number } {
    const { idleReadIntervalMs, maxIntervalMs, deadlineMs } = this.#rt.policy;
    let due: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    let nextAt = Number.POSITIVE_INFINITY;
    for (const [userId, waiting] of this.#waiting) {
      // Past its deadline, or its planned read long overdue here (another process read it, or
      // the record moved on): the planned reads have it, stop holding it.
      const stale =
        now > waiting.createRequestedAt + deadlineMs || now > waiting.plannedAt + maxIntervalMs;
      if (stale) {
        this.forget(userId);
        continue;
      }
      const at = this.#dueAt(userId, waiting);
      // A trusted probe does the job; a planned read within half an interval of this one makes
      // it pointless (the status step tracks the user again after it). Look again later: the
      // probe may be dropped, the planned read may not come.
      if (this.#rt.probeTrust.trusts(userId) || waiting.plannedAt - at < idleReadIntervalMs / 2) {
        nextAt = Math.min(nextAt, now + idleReadIntervalMs);
        continue;
      }
      if (at > now) nextAt = Math.min(nextAt, at);
      else if (waiting.createRequestedAt < oldest) {
        oldest = waiting.createRequestedAt;
        due = userId;
      }
    }
    return { due, nextAt };
  }

  async #read(userId: string, now: number): Promise<void> {
    const waiting = this.#waiting.get(userId);
    if (!waiting) return;
    waiting.lastReadAt = now;
    const first = !waiting.idleRead;
    waiting.idleRead = true;
    const { notFoundGraceMs } = this.#rt.policy;
    let status: string;
    try {
      // Normal priority: an idle read never goes ahead of a queued create.
      status = (
        await this.#rt.aura.instances.get(waiting.instanceId, { signal: this.#stop.signal })
      ).status;
    } catch (error) {
      // Not visible yet, or a failed read: the planned read deals with it. A 404 past the
      // grace window means the instance is gone (deleted meanwhile): stop reading it.
      const gone =
        isAuraError(error, 'not_found') && now - waiting.createRequestedAt > notFoundGraceMs;
      if (gone) this.forget(userId);
      return;
    }
    if (status === 'creating' || status === 'running') {
      this.#learn(now - waiting.createRequestedAt, status === 'running', first);
    }
    if (status === 'creating') return;
    // Running, or something the planned read must judge (loading failed, destroying, ...).
    this.forget(userId);
    if (status !== 'running' || !this.#onRunning) return;
    await this.#onRunning(userId, waiting.instanceId).catch((error: unknown) => {
      this.#rt.logger.warn?.('idle status read: could not mark ready', {
        userId,
        error: String(error),
      });
    });
  }
}
