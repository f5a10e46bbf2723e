import type { Clock } from '../kernel/clock.js';
import type { UserDatabaseStatus } from '../records/status.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { isUserClientError, UserDatabaseWakingError } from './errors.js';

/**
 * What wakes a paused user's instance and says when it is back: a `Provisioner` fits.
 *
 * @example
 * ```ts
 * const waker: UserDatabaseWaker = provisioner;
 * ```
 */
export interface UserDatabaseWaker {
  /** Resumes the user's instance if it is paused (once, whoever else asks at the same time). */
  wakeUserDatabase(userId: string): Promise<UserDatabaseStatus>;
  /** Resolves once the user's database is ready; rejects with a timeout after `timeoutMs`. */
  waitUntilReady(userId: string, options?: { timeoutMs?: number }): Promise<UserDatabaseStatus>;
}

/** How long a waiting client has waited for a paused user's instance so far. */
export interface WakeProgress {
  userId: string;
  elapsedMs: number;
}

/**
 * The `wake` option of the per-user clients: a paused user's instance is resumed on first use;
 * then the call throws {@link UserDatabaseWakingError} (`retryAfterMs`; the default) or, with
 * `wait`, waits for it (at most `timeoutMs`, default 10 minutes, `onProgress` every 15 s).
 *
 * @example
 * ```ts
 * createUserClients({ store, cipher, wake: { waker: provisioner, wait: true, onProgress: (p) => log(p) } });
 * ```
 */
export interface WakeOption {
  waker: UserDatabaseWaker;
  /** Wait for the instance instead of throwing `UserDatabaseWakingError`. Default false. */
  wait?: boolean;
  /** With `wait`: give up (throwing `UserDatabaseWakingError`) after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** With `wait`: called every 15 s while waiting. Must not throw. */
  onProgress?: (progress: WakeProgress) => void;
}

/**
 * Reads the user's connection; a paused user (`UserDatabaseWakingError`) is woken through
 * `wake`, then the error is thrown again or, with `wait`, the read is made again once the
 * database is ready. Without `wake` the error passes as it is.
 *
 * @example
 * ```ts
 * const read = await readAwake('user-1', () => readUserConnection('user-1', store, cipher), wake, clock);
 * ```
 */
export async function readAwake<T>(
  userId: string,
  read: () => Promise<T>,
  wake: WakeOption | undefined,
  clock: Pick<Clock, 'now'>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!wake || !isUserClientError(error, 'waking')) throw error;
    await wake.waker.wakeUserDatabase(userId);
    if (!wake.wait) {
      throw new UserDatabaseWakingError(
        userId,
        'resuming',
        CLIENT_FACTORY_DEFAULTS.wakeRetryAfterMs,
      );
    }
    const started = clock.now();
    const deadline = started + (wake.timeoutMs ?? CLIENT_FACTORY_DEFAULTS.wakeTimeoutMs);
    for (;;) {
      const left = deadline - clock.now();
      if (left <= 0) {
        throw new UserDatabaseWakingError(
          userId,
          'resuming',
          CLIENT_FACTORY_DEFAULTS.wakeRetryAfterMs,
        );
      }
      const timeoutMs = Math.min(left, CLIENT_FACTORY_DEFAULTS.wakeProgressMs);
      const ready = await wake.waker.waitUntilReady(userId, { timeoutMs }).then(
        () => true,
        (waitError: unknown) => {
          if ((waitError as { code?: unknown } | null)?.code === 'timeout') return false;
          throw waitError;
        },
      );
      if (ready) return read();
      wake.onProgress?.({ userId, elapsedMs: clock.now() - started });
    }
  }
}
