import { parseTableName } from '../stores/postgres-columns.js';
import { SCALE_DEFAULTS } from './defaults.js';

/**
 * The statements of the Postgres token cache. Times are ms of the caller's
 * clock, passed in: a lease outlives any clock skew between processes.
 */
export interface TokenCacheStatements {
  migrate: string;
  /** `$1` key: the stored token (ciphertext), its expiry, and until when token requests wait. */
  read: string;
  /**
   * `$1` key, `$2` lease end, `$3` owner, `$4` now: takes the key's refresh lease when nobody
   * holds it (or the holder's lease ran out) and no 429 holds, and answers the stored token; no
   * row: held.
   */
  lease: string;
  /** `$1` key, `$2` ciphertext, `$3` expiry, `$4` owner: stores a token and ends the lease. */
  store: string;
  /** `$1` key, `$2` owner: ends the lease, the token unchanged. */
  release: string;
  /** `$1` key, `$2` owner, `$3` until: the token endpoint answered 429; ends the lease. */
  refused: string;
}

/**
 * Builds the token cache's statements for `table` (`table` or `schema.table`).
 *
 * @example
 * ```ts
 * const { migrate } = tokenCacheStatements('app.aura_tokens');
 * await pool.query(migrate);
 * ```
 */
export function tokenCacheStatements(
  table: string = SCALE_DEFAULTS.tokenCache.table,
): TokenCacheStatements {
  const t = parseTableName(table).qualified;
  return {
    migrate: `do $migrate$ begin
  perform pg_advisory_xact_lock(hashtext('aura-provisioner:token-cache-table'));
  ${createTokenCacheTableSql(table).trim()}
end $migrate$`,
    read: `select token, expires_at_ms, refused_until_ms from ${t} where key = $1`,
    // The conflict update locks the row: of two callers racing, the second sees the first's
    // lease and updates nothing.
    lease: `insert into ${t} as c (key, lease_until_ms, lease_owner) values ($1, $2, $3)
on conflict (key) do update set lease_until_ms = excluded.lease_until_ms,
  lease_owner = excluded.lease_owner
where c.lease_until_ms <= $4 and c.refused_until_ms <= $4
returning token, expires_at_ms`,
    store: `update ${t} set token = $2, expires_at_ms = $3, lease_until_ms = 0, updated_at = now()
where key = $1 and lease_owner = $4`,
    release: `update ${t} set lease_until_ms = 0 where key = $1 and lease_owner = $2`,
    refused: `update ${t} set lease_until_ms = 0, refused_until_ms = $3
where key = $1 and lease_owner = $2`,
  };
}

/**
 * The token cache's table, as SQL for a migration: one row per client id and
 * API origin, holding the token encrypted and the refresh lease.
 * `PostgresTokenCache.migrate()` runs the same.
 *
 * @example
 * ```ts
 * // supabase/migrations/20260101000000_aura_tokens.sql
 * console.log(createTokenCacheTableSql());
 * ```
 */
export function createTokenCacheTableSql(table: string = SCALE_DEFAULTS.tokenCache.table): string {
  const { qualified } = parseTableName(table);
  return `
create table if not exists ${qualified} (
  -- The client id and API origin the token belongs to.
  key text primary key,
  -- The access token, encrypted with the store's cipher (bound to the key).
  token text,
  expires_at_ms double precision,
  -- One process at a time refreshes the token: the holder of this lease.
  lease_until_ms double precision not null default 0,
  lease_owner text,
  -- The token endpoint answered 429: no process asks again before this.
  refused_until_ms double precision not null default 0,
  updated_at timestamptz not null default now()
);
`;
}
