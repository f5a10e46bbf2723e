import { AuraMockRequestEndedError } from './errors.js';

/**
 * Requests a fault left unanswered. Each ends when its request's signal
 * aborts (the client gave up), or when the fake is reset or closed.
 */
export interface ParkedRequests {
  /** Never resolves; rejects with the signal's reason once it aborts. */
  park(signal: AbortSignal): Promise<never>;
  /** Rejects every parked request now. */
  releaseAll(): void;
  readonly size: number;
}

/**
 * Creates an empty set of parked requests.
 *
 * @example
 * ```ts
 * const parked = createParkedRequests();
 * return parked.park(request.signal); // the client sees a timeout
 * ```
 */
export function createParkedRequests(): ParkedRequests {
  const releases = new Set<() => void>();
  return {
    park(signal) {
      return new Promise<never>((_, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const end = (reason: unknown) => {
          releases.delete(release);
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        };
        const onAbort = () => end(signal.reason);
        const release = () =>
          end(new AuraMockRequestEndedError('The Aura fake was reset while the request waited'));
        releases.add(release);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    releaseAll() {
      for (const release of [...releases]) release();
    },
    get size() {
      return releases.size;
    },
  };
}
