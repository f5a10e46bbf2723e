import type { ConstructorOptions, PgBoss } from 'pg-boss';
import { type Clock, systemClock } from '../kernel/clock.js';
import { type Logger, silentLogger } from '../kernel/logger.js';
import type { PollScheduler, SchedulePriority } from '../provisioning/scheduler.js';
import { SCALE_DEFAULTS } from './defaults.js';
import { ScaleConfigurationError, ScaleStateError } from './errors.js';
import { type CheckJobData, FetchLane, type HeldJob, type NextCheck } from './fetch-lane.js';

/**
 * Options of {@link PgBossScheduler}.
 *
 * @example
 * ```ts
 * const options: PgBossSchedulerOptions = { boss: process.env.DATABASE_URL!, concurrency: 4, work: false };
 * ```
 */
export interface PgBossSchedulerOptions {
  /**
   * A `PgBoss` of yours (started here if it is not; stopping it stays yours), or a connection
   * string or pg-boss constructor options, from which the scheduler makes, starts and stops
   * its own (with `schedule: false`: it needs no cron), and reports its errors (a pooled
   * connection the server dropped, say) to `logger`. A PgBoss of your own needs your own
   * `boss.on('error', ...)`: pg-boss re-emits its pool's errors there.
   */
  boss: PgBoss | string | ConstructorOptions;
  /** The queue, created with the `singleton` policy if missing. Default `aura-provisioner-checks`. */
  queue?: string;
  /** `false`: only schedule (a web process); other processes run the checks. Default true. */
  work?: boolean;
  /** Checks running at once in this process, per priority. Default 8 each. */
  concurrency?: number;
  /** How often an idle lane polls for due checks. Default 2 000 ms. */
  pollIntervalMs?: number;
  /**
   * A re-check that a user's running check asks for within this many ms stays in this process,
   * on the same job (still active, so still durable), instead of becoming a job of its own: the
   * readiness probe's few-second cadence then costs no queue round trip. Default 5 000; 0: off.
   */
  holdMs?: number;
  /** A dead worker's checks come back after this many seconds (>= 10). Default 30. */
  heartbeatSeconds?: number;
  /** Retries of a check whose handler threw, with exponential backoff. Default 10, from 5 s up to 300 s. */
  retry?: { limit?: number; delaySeconds?: number; maxDelaySeconds?: number };
  /** Must be the provisioner's clock: due times are turned into delays with it. */
  clock?: Clock;
  logger?: Logger;
}

/** A started pg-boss with the queue in place, and the queue's heartbeat. */
interface Connection {
  boss: PgBoss;
  heartbeatSeconds: number;
}

const isBoss = (boss: PgBossSchedulerOptions['boss']): boss is PgBoss =>
  typeof boss === 'object' && boss !== null && typeof (boss as PgBoss).fetch === 'function';

/**
 * A durable {@link PollScheduler} on pg-boss, for running the provisioner in
 * several processes on the app's own Postgres. Each user has at most one
 * waiting check job (`upsert` with the user id as singleton key: a new
 * `schedule` replaces the due time, earlier or later, as the in-process
 * scheduler does) and at most one running (the queue's `singleton` policy),
 * so a user is checked by one worker at a time. Due times are delayed jobs;
 * a handler that throws is retried with backoff; `high` checks have a lane
 * of their own. A worker touches the jobs it holds; one that dies stops, and
 * its jobs go back to the queue after `heartbeatSeconds` and the next
 * monitor pass of any live pg-boss (`monitorIntervalSeconds`, 60 by
 * default). A re-check a running check asks for within `holdMs` stays on
 * the same job in this process, still durable, at no queue cost.
 *
 * @example
 * ```ts
 * import { PgBossScheduler } from 'aura-provisioner/pg-boss';
 *
 * // Worker processes: as many as you like.
 * const scheduler = new PgBossScheduler({ boss: process.env.DATABASE_URL! });
 * const provisioner = createProvisioner({ aura, store, cipher, instance, scheduler });
 * // A web process that only claims users (provisioner.claimUser) enqueues, runs nothing:
 * const web = new PgBossScheduler({ boss: process.env.DATABASE_URL!, work: false });
 * ```
 */
export class PgBossScheduler implements PollScheduler {
  readonly #queue: string;
  readonly #work: boolean;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: PgBossSchedulerOptions;
  readonly #ownsBoss: boolean;
  #boss: PgBoss | undefined;
  #connected: Promise<Connection> | undefined;
  #lanes: Record<SchedulePriority, FetchLane> | undefined;
  #closing: Promise<void> | undefined;
  /** Set once the lanes have stopped: nothing runs here any more. */
  #closed = false;

  constructor(options: PgBossSchedulerOptions) {
    if (!options?.boss) {
      throw new ScaleConfigurationError(
        'PgBossScheduler needs `boss`: a PgBoss, a connection string or PgBoss options',
      );
    }
    const heartbeat = options.heartbeatSeconds ?? SCALE_DEFAULTS.scheduler.heartbeatSeconds;
    if (!Number.isInteger(heartbeat) || heartbeat < 10) {
      throw new ScaleConfigurationError(
        'heartbeatSeconds must be an integer of at least 10 (pg-boss)',
      );
    }
    const concurrency = options.concurrency ?? SCALE_DEFAULTS.scheduler.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ScaleConfigurationError('concurrency must be an integer >= 1');
    }
    this.#options = options;
    this.#queue = options.queue ?? SCALE_DEFAULTS.scheduler.queue;
    this.#work = options.work ?? true;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#ownsBoss = !isBoss(options.boss);
    if (isBoss(options.boss)) this.#boss = options.boss;
  }

  /** The queue's name. */
  get queue(): string {
    return this.#queue;
  }

  /** The `PgBoss` in use, once started (for its events, or `getQueue` figures). */
  get boss(): PgBoss | undefined {
    return this.#boss;
  }

  async schedule(userId: string, at: number, priority: SchedulePriority = 'normal'): Promise<void> {
    // While closing, checks still running may reschedule: that must reach the queue.
    if (this.#closed) return;
    const running = this.#lanes?.high.running(userId) ?? this.#lanes?.normal.running(userId);
    if (running) {
      // Asked for by the user's running check (or beside it): keep it on the same job if near.
      const { holdMs, expireInSeconds } = this.#holdLimits();
      const near = at - this.#clock.now() <= holdMs;
      running.next =
        near && at < running.claimedAt + (expireInSeconds * 1000) / 2
          ? { at, priority }
          : undefined; // a later schedule replaces an earlier one, as below
      if (running.next) return;
    }
    await this.#enqueue(userId, at, priority);
  }

  #holdLimits() {
    const { holdMs, expireInSeconds } = SCALE_DEFAULTS.scheduler;
    return { holdMs: this.#options.holdMs ?? holdMs, expireInSeconds };
  }

  /** One job per user: a waiting one gets the new due time and priority; none, one is inserted. */
  async #enqueue(userId: string, at: number, priority: SchedulePriority): Promise<void> {
    const { boss } = await this.#connect();
    // A delay, not a date: the database resolves it on its own clock, so this process's clock
    // may differ from the database's; the job only ever comes later than asked, never earlier.
    const delaySeconds = Math.max(0, (at - this.#clock.now()) / 1000);
    const data: CheckJobData = { userId };
    await boss.upsert(this.#queue, data, {
      singletonKey: userId,
      startAfter: delaySeconds,
      priority: priority === 'high' ? 1 : 0,
    });
    if (delaySeconds === 0) this.#lanes?.[priority].wake();
  }

  start(handler: (userId: string) => Promise<void>): void {
    if (this.#lanes) throw new ScaleStateError('PgBossScheduler.start was called twice');
    if (!this.#work || this.#closing) return;
    const defaults = SCALE_DEFAULTS.scheduler;
    const lane = (priority: SchedulePriority) =>
      new FetchLane({
        queue: this.#queue,
        priority,
        concurrency: this.#options.concurrency ?? defaults.concurrency,
        pollIntervalMs: this.#options.pollIntervalMs ?? defaults.pollIntervalMs,
        clock: this.#clock,
        logger: this.#logger,
        connect: () => this.#connect(),
        handler,
        hand: (held: HeldJob, next: NextCheck) => this.#lanes?.[next.priority].hold(held, next.at),
        enqueue: (userId, at, p) => this.#enqueue(userId, at, p),
      });
    this.#lanes = { high: lane('high'), normal: lane('normal') };
    this.#lanes.high.start();
    this.#lanes.normal.start();
  }

  /** Starts pg-boss if needed and creates the queue; `schedule` and the workers wait for it. */
  async ready(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      const lanes = this.#lanes ? [this.#lanes.high, this.#lanes.normal] : [];
      await Promise.all(lanes.map((lane) => lane.stop()));
      await Promise.all(lanes.map((lane) => lane.drain()));
      this.#closed = true;
      await this.#connected?.catch(() => {});
      if (this.#ownsBoss) await this.#boss?.stop({ graceful: true });
    })();
    return this.#closing;
  }

  #connect(): Promise<Connection> {
    this.#connected ??= this.#prepare().catch((error: unknown) => {
      this.#connected = undefined; // try again on the next call
      throw error;
    });
    return this.#connected;
  }

  async #prepare(): Promise<Connection> {
    this.#boss ??= await this.#createBoss();
    const boss = this.#boss;
    await boss.start();
    const { scheduler: defaults } = SCALE_DEFAULTS;
    const retry = this.#options.retry ?? {};
    const settings = {
      policy: 'singleton',
      retryLimit: retry.limit ?? defaults.retryLimit,
      retryDelay: retry.delaySeconds ?? defaults.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: retry.maxDelaySeconds ?? defaults.retryDelayMaxSeconds,
      heartbeatSeconds: this.#options.heartbeatSeconds ?? defaults.heartbeatSeconds,
      expireInSeconds: defaults.expireInSeconds,
    };
    await boss.createQueue(this.#queue, settings);
    // createQueue leaves an existing queue as it is: the first process to create it sets it up.
    const queue = await boss.getQueue(this.#queue);
    if (queue?.policy !== 'singleton') {
      throw new ScaleConfigurationError(
        `pg-boss queue ${JSON.stringify(this.#queue)} has the ${queue?.policy} policy; the scheduler needs singleton`,
      );
    }
    if (!(Number(queue.heartbeatSeconds) >= 10)) {
      throw new ScaleConfigurationError(
        `pg-boss queue ${JSON.stringify(this.#queue)} has no heartbeat: a dead worker's checks would not come back`,
      );
    }
    if (queue.heartbeatSeconds !== settings.heartbeatSeconds) {
      this.#logger.warn?.('pg-boss queue exists with other settings; keeping them', {
        queue: this.#queue,
        heartbeatSeconds: queue.heartbeatSeconds,
        retryLimit: queue.retryLimit,
      });
    }
    return { boss, heartbeatSeconds: queue.heartbeatSeconds as number };
  }

  async #createBoss(): Promise<PgBoss> {
    const { PgBoss: Boss } = await import('pg-boss');
    const given = this.#options.boss as string | ConstructorOptions;
    const options = typeof given === 'string' ? { connectionString: given } : given;
    const boss = new Boss({ schedule: false, ...options });
    // An EventEmitter with no 'error' listener throws: report through the logger instead.
    boss.on('error', (error) => this.#logger.error?.('pg-boss error', { error: String(error) }));
    return boss;
  }
}
