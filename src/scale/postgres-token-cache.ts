import { isAuraError } from '../aura/errors/base.js';
import { AuraRateLimitError } from '../aura/errors/http.js';
import type { AccessToken, TokenCache } from '../aura/token.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { PostgresClient } from '../stores/postgres-store.js';
import { SCALE_DEFAULTS } from './defaults.js';
import { ScaleConfigurationError } from './errors.js';
import { tokenCacheStatements } from './token-cache-sql.js';

/**
 * Options of {@link createPostgresTokenCache}.
 *
 * @example
 * ```ts
 * const options: PostgresTokenCacheOptions = { client: pool, cipher, table: 'app.aura_tokens' };
 * ```
 */
export interface PostgresTokenCacheOptions {
  /** Runs the statements: a node-postgres `Pool`, or any `query(text, values)`. */
  client: PostgresClient;
  /** Encrypts the token at rest: the credential store's cipher (`createAesGcmCipher`). */
  cipher: CredentialCipher;
  /** `table` or `schema.table`. Default `aura_tokens`. */
  table?: string;
  /** A refresh lease ends this long after it is taken (its holder may have died). Default 60 000. */
  leaseMs?: number;
  /** While another process refreshes, look again this often, with jitter. Default 250. */
  pollMs?: number;
  /** Time of the leases and of the tokens' expiry; the processes' clocks should roughly agree. */
  clock?: Clock;
  random?: () => number;
}

/**
 * A {@link TokenCache} in PostgreSQL. See {@link createPostgresTokenCache}.
 *
 * @example
 * ```ts
 * const tokenCache: PostgresTokenCache = createPostgresTokenCache({ client: pool, cipher });
 * await tokenCache.migrate(); // once per process at start-up: idempotent
 * ```
 */
export interface PostgresTokenCache extends TokenCache {
  /** Creates the table if it does not exist. Safe to run from every process at start-up. */
  migrate(): Promise<void>;
}

/**
 * One Aura token for every process with the same credentials, kept in one
 * PostgreSQL row per client id, encrypted with the store's cipher (bound to
 * the row's key). Aura's token endpoint allows 15 requests an hour per client
 * id: with this cache a fleet makes about one an hour. A process that finds
 * the token due takes the row's refresh lease (one statement; the row lock
 * decides between racers), asks Aura, stores the token and lets go; the others
 * poll until it is done and take the new token. A lease whose holder died
 * ends after `leaseMs`. A 429 of the token endpoint holds every process's
 * token requests for its Retry-After (or `leaseMs` without one): a hold up to
 * `leaseMs` is waited out, a longer one fails at once with
 * `AuraRateLimitError`. Works with a `Pool`: no statement needs a transaction.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { AuraClient, createAesGcmCipher } from 'aura-provisioner';
 * import { createPostgresTokenCache } from 'aura-provisioner/pg-boss';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const cipher = createAesGcmCipher({ keys: { k1: process.env.AURA_KEY_1! }, currentKeyId: 'k1' });
 * const tokenCache = createPostgresTokenCache({ client: pool, cipher });
 * await tokenCache.migrate();
 * const aura = new AuraClient({ ...credentials, tokenCache }); // in every process
 * ```
 */
export function createPostgresTokenCache(options: PostgresTokenCacheOptions): PostgresTokenCache {
  if (typeof options?.client?.query !== 'function') {
    throw new ScaleConfigurationError('client must have a query(text, values) method');
  }
  if (typeof options.cipher?.encrypt !== 'function') {
    throw new ScaleConfigurationError('cipher must be a CredentialCipher (encrypt, decrypt)');
  }
  const defaults = SCALE_DEFAULTS.tokenCache;
  const { client, cipher } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const leaseMs = options.leaseMs ?? defaults.leaseMs;
  const pollMs = options.pollMs ?? defaults.pollMs;
  if (!(leaseMs > 0) || !(pollMs > 0)) {
    throw new ScaleConfigurationError('leaseMs and pollMs must be positive');
  }
  const sql = tokenCacheStatements(options.table);
  // Each update holds the lease under a name of its own, even within one process.
  const instance = random().toString(36).slice(2, 10);
  let updates = 0;
  const context = (key: string) => `aura-token:${key}`;

  /** The stored token, or none when the row has none or it no longer decrypts (a rotated key). */
  const decode = async (key: string, row: Record<string, unknown> | undefined) => {
    if (typeof row?.token !== 'string') return undefined;
    try {
      const value = await cipher.decrypt(row.token, context(key));
      return { value, expiresAt: Number(row.expires_at_ms) } satisfies AccessToken;
    } catch {
      return undefined;
    }
  };

  /**
   * While the token endpoint's 429 holds (seen by any process), waits it out when it is short,
   * and otherwise fails at once as that 429 would, without asking Aura.
   */
  const waitOutRefusal = async (key: string) => {
    const { rows } = await client.query(sql.read, [key]);
    const waitMs = Number(rows[0]?.refused_until_ms ?? 0) - clock.now();
    if (waitMs <= 0) return;
    if (waitMs <= leaseMs) return clock.sleep(waitMs);
    throw new AuraRateLimitError({
      status: 429,
      request: { method: 'POST', path: '/oauth/token' },
      body: { message: 'the token endpoint refused another process sharing the token', errors: [] },
      retryAfterMs: waitMs,
    });
  };

  return {
    async migrate() {
      await client.query(sql.migrate);
    },
    async get(key) {
      const { rows } = await client.query(sql.read, [key]);
      return decode(key, rows[0]);
    },
    async update(key, refresh) {
      const owner = `${instance}:${++updates}`;
      for (;;) {
        await waitOutRefusal(key);
        const now = clock.now();
        const { rows } = await client.query(sql.lease, [key, now + leaseMs, owner, now]);
        if (rows.length > 0) {
          const current = await decode(key, rows[0]);
          try {
            const fresh = await refresh(current);
            if (fresh.value === current?.value) await client.query(sql.release, [key, owner]);
            else {
              const sealed = await cipher.encrypt(fresh.value, context(key));
              await client.query(sql.store, [key, sealed, fresh.expiresAt, owner]);
            }
            return fresh;
          } catch (error) {
            // A 429 holds every process's token requests, not only this one's.
            const refusedMs = isAuraError(error, 'rate_limited')
              ? ((error as AuraRateLimitError).retryAfterMs ?? leaseMs)
              : 0;
            const until = clock.now() + refusedMs;
            await client.query(sql.refused, [key, owner, until]).catch(() => {});
            throw error;
          }
        }
        // Another process refreshes: look again soon (spread, so the waiters do not collide).
        await clock.sleep(pollMs * (0.5 + random()));
      }
    },
  };
}
