import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { isAuraError } from './errors/base.js';
import { nextTokenRefreshAt } from './token-timing.js';

/**
 * A bearer token and when it stops working (clock ms: with a shared
 * {@link TokenCache}, the wall clock every process agrees on).
 *
 * @example
 * ```ts
 * const token: AccessToken = { value: 'eyJ...', expiresAt: Date.now() + 3_600_000 };
 * ```
 */
export interface AccessToken {
  value: string;
  expiresAt: number;
}

/**
 * Where an {@link AuraClient} keeps its OAuth token so that other clients and
 * processes with the same credentials reuse it: Aura's token endpoint allows
 * 15 requests an hour per client id. `createPostgresTokenCache`
 * (`aura-provisioner/pg-boss`) shares it through Postgres, encrypted (the
 * CLI keeps its own in an owner-only file). Without one, each client holds
 * its own token in memory.
 *
 * @example
 * ```ts
 * const memory = new Map<string, AccessToken>();
 * const tokenCache: TokenCache = {
 *   get: async (key) => memory.get(key),
 *   update: async (key, refresh) => {
 *     const token = await refresh(memory.get(key));
 *     memory.set(key, token);
 *     return token;
 *   },
 * };
 * new AuraClient({ clientId, clientSecret, tokenCache });
 * ```
 */
export interface TokenCache {
  /** The token stored under `key` (one per client id and API origin), if any; maybe expired. */
  get(key: string): Promise<AccessToken | undefined>;
  /**
   * Calls `refresh` with the token stored now, holding a lock on `key` so that
   * one caller at a time (across processes, for a shared cache) refreshes;
   * stores and returns what it returns. `refresh` hands back the stored token
   * when another caller refreshed it meanwhile, so it asks Aura only when needed.
   */
  update(
    key: string,
    refresh: (current: AccessToken | undefined) => Promise<AccessToken>,
  ): Promise<AccessToken>;
}

/** What a {@link TokenProvider} is built from. */
export interface TokenProviderSettings {
  /** Asks Aura for a new token. */
  fetchToken: () => Promise<AccessToken>;
  clock: Clock;
  /** Refresh a token this long before it expires. */
  marginMs: number;
  /** Refresh this much earlier still (drawn once per client, so a fleet's refreshes spread). */
  jitterMs: number;
  cache?: TokenCache | undefined;
  /** The token's key in the cache. */
  key: string;
  logger?: Logger | undefined;
}

/**
 * Holds the OAuth token in memory, refreshed `marginMs` (plus the jitter)
 * before it expires (Aura answers an expired token with 403). However many
 * calls race for a token, one is loaded (single flight); with a cache, it is
 * read from there first and only one holder of the cache's lock asks Aura. A
 * caller's abort stops its own wait, never the shared load.
 */
export class TokenProvider {
  readonly #settings: TokenProviderSettings;
  #token: AccessToken | undefined;
  /** The last token Aura refused as spent: never taken from the cache again. */
  #rejected: string | undefined;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(settings: TokenProviderSettings) {
    this.#settings = settings;
  }

  async get(signal?: AbortSignal): Promise<AccessToken> {
    signal?.throwIfAborted();
    const { clock, marginMs, jitterMs } = this.#settings;
    const token = this.#token;
    if (token && clock.now() < nextTokenRefreshAt(token.expiresAt, marginMs, jitterMs)) {
      return token;
    }
    this.#inFlight ??= this.#load()
      .then((fresh) => {
        this.#token = fresh;
        return fresh;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return raceAbort(this.#inFlight, signal);
  }

  /** Drops `value` (Aura said it is spent), so the next `get` loads another. */
  invalidate(value: string): void {
    this.#rejected = value;
    if (this.#token?.value === value) this.#token = undefined;
  }

  async #load(): Promise<AccessToken> {
    const { cache, clock, fetchToken, key, marginMs } = this.#settings;
    if (!cache) return fetchToken();
    // Neither the token found due here nor one refused is taken again: another is fetched.
    const stale = [this.#token?.value, this.#rejected];
    const usable = (found: AccessToken | undefined): found is AccessToken =>
      !!found && !stale.includes(found.value) && clock.now() < found.expiresAt - marginMs;
    let fetched: Promise<AccessToken> | undefined;
    try {
      const shared = await cache.get(key);
      if (usable(shared)) return shared;
      return await cache.update(key, async (current) => {
        if (usable(current)) return current;
        fetched = fetchToken();
        return fetched;
      });
    } catch (error) {
      // A cache that fails must not stop the client: the token fetched (or its error) wins,
      // and without one the client asks Aura itself, unless the cache answered for Aura (a
      // 429 another process met).
      if (fetched || isAuraError(error)) return fetched ?? Promise.reject(error);
      this.#settings.logger?.warn?.('aura token cache failed; asking Aura', {
        error: String(error),
      });
      return fetchToken();
    }
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
