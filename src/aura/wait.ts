import type { Clock } from '../kernel/clock.js';
import { DEFAULTS } from './defaults.js';
import { isAuraError } from './errors/base.js';
import { AuraAbortError, AuraTimeoutError } from './errors/transport.js';
import { AuraInstanceFailedError } from './errors/usage.js';
import type { RequestPriority } from './rate-limiter.js';
import type { Instance, InstanceStatus } from './schemas.js';
import { timeLimit } from './time-limit.js';

/** What `waitUntilRunning` reports after every check. */
export interface WaitProgress {
  instanceId: string;
  /** The status seen, or `not-found` inside the grace window after a create. */
  status: InstanceStatus | 'not-found';
  /** Checks made so far, this one included. */
  checks: number;
  elapsedMs: number;
}

/** Options of `instances.waitUntilRunning`. */
export interface WaitOptions {
  /** Give up after this many ms in all. Default 20 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after every check. */
  onProgress?: (progress: WaitProgress) => void;
  /** How long a 404 is taken for "not visible yet" rather than "gone". Default 60 s. */
  notFoundGraceMs?: number;
  /** First delay between checks, in ms; grows by half each check. Default 5 s. */
  initialDelayMs?: number;
  /** Longest delay between checks, in ms. Default 20 s. */
  maxDelayMs?: number;
  /** Rate-limiter priority of the status reads. Default `normal`. */
  priority?: RequestPriority;
}

/** Statuses an instance does not come back from to `running` on its own. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['loading failed', 'destroying']);

/** Delay before check `checks + 1`: grows by half each time, capped. Pure. */
export function nextWaitDelay(checks: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.round(initialMs * 1.5 ** Math.max(0, checks - 1)));
}

/**
 * Polls `getInstance` until the instance is `running`. Stops early with
 * `AuraInstanceFailedError` on `loading failed` or `destroying`; tolerates
 * 404 for `notFoundGraceMs` (a GET right after create can 404); fails with
 * `AuraTimeoutError` at the deadline and `AuraAbortError` on abort.
 */
export async function waitUntilRunning(
  instanceId: string,
  getInstance: (signal: AbortSignal | undefined) => Promise<Instance>,
  clock: Clock,
  options: WaitOptions = {},
): Promise<Instance> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.wait.timeoutMs;
  const graceMs = options.notFoundGraceMs ?? DEFAULTS.wait.notFoundGraceMs;
  const initialMs = options.initialDelayMs ?? DEFAULTS.wait.initialDelayMs;
  const maxMs = options.maxDelayMs ?? DEFAULTS.wait.maxDelayMs;
  const what = `Waiting for instance ${instanceId} to run`;
  const started = clock.now();
  const deadline = started + timeoutMs;
  // One deadline bounds the whole wait, a status read in flight included.
  const [signal, stopDeadline] = timeLimit(
    clock,
    timeoutMs,
    () => new AuraTimeoutError(timeoutMs, { what }),
    options.signal,
  );
  const stopped = (cause: unknown) =>
    options.signal?.aborted
      ? new AuraAbortError({ what, cause })
      : new AuraTimeoutError(timeoutMs, { what });

  try {
    for (let checks = 1; ; checks++) {
      let status: WaitProgress['status'];
      let instance: Instance | undefined;
      try {
        instance = await getInstance(signal);
        status = instance.status;
      } catch (error) {
        if (signal.aborted) throw stopped(error);
        if (!isAuraError(error, 'not_found') || clock.now() - started > graceMs) throw error;
        status = 'not-found';
      }
      const elapsedMs = clock.now() - started;
      options.onProgress?.({ instanceId, status, checks, elapsedMs });
      if (instance && status === 'running') return instance;
      if (TERMINAL_STATUSES.has(status)) throw new AuraInstanceFailedError(instanceId, status);
      const now = clock.now();
      if (now >= deadline) throw new AuraTimeoutError(timeoutMs, { what });
      try {
        await clock.sleep(
          Math.min(nextWaitDelay(checks, initialMs, maxMs), deadline - now),
          signal,
        );
      } catch (cause) {
        throw stopped(cause);
      }
    }
  } finally {
    stopDeadline();
  }
}
