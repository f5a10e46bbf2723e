import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialStore, DatabaseUse } from '../records/store.js';
import { UserClientConfigurationError } from './errors.js';

/**
 * The `recordUse` option of the per-user clients: `true`, or the interval. Off by default.
 *
 * @example
 * ```ts
 * createUserClients({ store, cipher, recordUse: { intervalMs: 60_000 } });
 * ```
 */
export type RecordUseOption = boolean | { intervalMs?: number };

/** Defaults of the use recording, declared once. */
export const USE_RECORDING_DEFAULTS = {
  /** At most one store write per user this often: 5 minutes. */
  intervalMs: 300_000,
  /** Uses noted within this long go to the store in one batch: 1 s. */
  batchMs: 1_000,
} as const;

/**
 * Notes when users use their clients and tells the store (`recordUse`) in the background: batched,
 * at most one write per user per `intervalMs`, never on the caller's path (`note` is a `Map`
 * lookup). A store write that fails is logged (a warning) and its users are written again at their
 * next use, interval or not: a store that keeps failing shows in the logs, not in paused users.
 *
 * @example
 * ```ts
 * const uses = createUseRecorder({ store, clock, recordUse: true });
 * uses?.note(userId); // on every client handed out
 * ```
 */
export interface UseRecorder {
  note(userId: string): void;
  /** Sends what is noted and not yet sent; resolves when the store has answered. */
  flush(): Promise<void>;
  /** Flushes, and stops noting. */
  close(): Promise<void>;
}

/**
 * A {@link UseRecorder} for the option, or `undefined` when it is off. A store without
 * `recordUse` with the option on is a {@link UserClientConfigurationError}.
 */
export function createUseRecorder(options: {
  store: CredentialStore;
  clock: Clock;
  recordUse?: RecordUseOption | undefined;
  logger?: Logger | undefined;
}): UseRecorder | undefined {
  const { store, clock, recordUse, logger } = options;
  if (recordUse === undefined || recordUse === false) return undefined;
  if (typeof store.recordUse !== 'function') {
    throw new UserClientConfigurationError(
      'recordUse is on but the store has no recordUse method: use a store that records use, or leave it off',
    );
  }
  const intervalMs =
    (typeof recordUse === 'object' ? recordUse.intervalMs : undefined) ??
    USE_RECORDING_DEFAULTS.intervalMs;
  if (typeof intervalMs !== 'number' || Number.isNaN(intervalMs) || intervalMs < 0) {
    throw new UserClientConfigurationError(
      `recordUse.intervalMs must be a number of ms >= 0, not ${intervalMs}`,
    );
  }
  const write = (uses: DatabaseUse[]) => store.recordUse?.(uses) ?? Promise.resolve();
  /** When each user's use was last queued; pruned once older than the interval. */
  const queued = new Map<string, number>();
  let pending = new Map<string, number>();
  let batch: Promise<void> | undefined;
  let closed = false;
  const stop = new AbortController();

  const send = async (): Promise<void> => {
    const uses = [...pending].map(([userId, at]) => ({ userId, at }));
    pending = new Map();
    const now = clock.now();
    for (const [userId, at] of queued) if (now - at >= intervalMs) queued.delete(userId);
    if (uses.length === 0) return;
    await write(uses).catch((error: unknown) => {
      // Not written: the next use of each of these users writes again.
      for (const { userId, at } of uses) if (queued.get(userId) === at) queued.delete(userId);
      logger?.warn?.('recording use failed; written again at the next use', {
        users: uses.length,
        error: String(error),
      });
    });
  };
  const flush = async () => {
    await batch;
    await send();
  };

  return {
    note(userId) {
      if (closed) return;
      const now = clock.now();
      const last = queued.get(userId);
      if (last !== undefined && now - last < intervalMs) return;
      queued.set(userId, now);
      pending.set(userId, now);
      batch ??= clock
        .sleep(USE_RECORDING_DEFAULTS.batchMs, stop.signal)
        .catch(() => {})
        .then(() => {
          batch = undefined;
          return send();
        });
    },
    flush,
    async close() {
      closed = true;
      stop.abort();
      await flush();
    },
  };
}
