import {
  ProvisioningAbortError,
  ProvisioningFailedError,
  ProvisioningTimeoutError,
  UserDatabaseNotFoundError,
} from '../records/errors.js';
import type { ProvisioningEvents } from '../records/events.js';
import type { UserDatabaseStatus } from '../records/status.js';
import type { Runtime } from './runtime.js';

/** Options of `waitUntilReady`. */
export interface WaitUntilReadyOptions {
  /** Give up after this many ms. Default 20 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Re-read the store at least this often (events from other processes do not reach us). Default 5 s. */
  pollIntervalMs?: number;
}

/**
 * Resolves with the status once the record is `ready`; rejects with
 * `ProvisioningFailedError` (with the reason) if it fails, with
 * `UserDatabaseNotFoundError` if it is missing or being deleted, and with a
 * timeout or abort error. Wakes on this process's events and re-reads the
 * store on an interval, which costs no Aura API budget.
 */
export async function waitUntilReady(
  userId: string,
  rt: Pick<Runtime, 'clock'>,
  events: ProvisioningEvents,
  getStatus: (userId: string) => Promise<UserDatabaseStatus>,
  options: WaitUntilReadyOptions = {},
): Promise<UserDatabaseStatus> {
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const pollMs = options.pollIntervalMs ?? 5_000;
  const deadline = rt.clock.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(userId);
    if (status.status === 'ready') return status;
    if (status.status === 'failed') {
      throw new ProvisioningFailedError(userId, status.lastError ?? 'unknown', status.retryable);
    }
    if (status.status === 'not_found' || status.status === 'deleting') {
      throw new UserDatabaseNotFoundError(userId);
    }
    const now = rt.clock.now();
    if (now >= deadline) throw new ProvisioningTimeoutError(userId, timeoutMs, status.status);
    const wake = new AbortController();
    const signals = options.signal ? [wake.signal, options.signal] : [wake.signal];
    const unsubscribe = events.subscribe((event) => {
      if (event.userId === userId) wake.abort();
    });
    try {
      await rt.clock.sleep(Math.min(pollMs, deadline - now), AbortSignal.any(signals));
    } catch (cause) {
      if (options.signal?.aborted) throw new ProvisioningAbortError(userId, cause);
    } finally {
      unsubscribe();
    }
  }
}
