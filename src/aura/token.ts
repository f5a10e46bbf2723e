import type { Clock } from '../kernel/clock.js';

/** A bearer token and when it stops working (clock ms). */
export interface AccessToken {
  value: string;
  expiresAt: number;
}

/**
 * Caches the OAuth token in memory and refreshes it `marginMs` before it
 * expires (Aura answers an expired token with 403). However many calls race
 * for a token, one token request is made (single flight); a caller's abort
 * stops its own wait, never the shared request.
 */
export class TokenProvider {
  readonly #fetchToken: () => Promise<AccessToken>;
  readonly #clock: Clock;
  readonly #marginMs: number;
  #token: AccessToken | undefined;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(fetchToken: () => Promise<AccessToken>, clock: Clock, marginMs: number) {
    this.#fetchToken = fetchToken;
    this.#clock = clock;
    this.#marginMs = marginMs;
  }

  async get(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const token = this.#token;
    if (token && this.#clock.now() < token.expiresAt - this.#marginMs) return token.value;
    this.#inFlight ??= this.#fetchToken()
      .then((fresh) => {
        this.#token = fresh;
        return fresh;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    const fresh = await raceAbort(this.#inFlight, signal);
    return fresh.value;
  }

  /** Drops `value` if it is still the cached token (after a 401/403), so the next `get` refreshes. */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }

  toJSON(): Record<string, unknown> {
    return { cached: this.#token !== undefined };
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
