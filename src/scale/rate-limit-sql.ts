import { parseTableName, type TableName } from '../provisioning/postgres-columns.js';
import { SCALE_DEFAULTS } from './defaults.js';

/**
 * The statements of the shared rate limiter. Every time in the table is the
 * database's (`clock_timestamp()`, in ms since the epoch): all processes read
 * one clock, so their own clocks may disagree without harm. A process only
 * ever receives durations ("start in 340 ms").
 */
export interface RateLimitStatements {
  table: TableName;
  /** Creates the table if it does not exist (serialised, so concurrent start-ups do not collide). */
  migrate: string;
  /** `$1` key: makes sure the key's row exists. */
  ensureRow: string;
  /**
   * `$1` key, `$2` limit, `$3` window ms, `$4` pacing interval ms, `$5` burst tolerance ms:
   * takes the key's next start time and answers `wait_ms`, how long until it. One statement:
   * the update locks the row, and a concurrent update makes Postgres re-evaluate it on the new
   * row, so no two callers get the same slot. No row: the key's row must be created first.
   */
  acquire: string;
  /** `$1` key, `$2` ms from the database's now: holds every process's next slot until then. */
  pause: string;
}

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)';
const NEXT = 'next_index % $2::int + 1';
// The earliest start that keeps the window and the pacing: now, a full window after the start
// `limit` places back, the pacing's theoretical time less the burst tolerance, and any pause.
// `greatest` skips nulls: an unwritten ring entry is no constraint.
const SLOT = `greatest(${NOW_MS}, starts[${NEXT}] + $3::float8, paced_ms - $5::float8, paused_until_ms)`;

/**
 * Builds the limiter's statements for `table` (`table` or `schema.table`).
 *
 * @example
 * ```ts
 * const { migrate } = rateLimitStatements('app.aura_rate_limits');
 * await pool.query(migrate);
 * ```
 */
export function rateLimitStatements(
  table: string = SCALE_DEFAULTS.rateLimit.table,
): RateLimitStatements {
  const parsed = parseTableName(table);
  const t = parsed.qualified;
  return {
    table: parsed,
    migrate: `do $migrate$ begin
  perform pg_advisory_xact_lock(hashtext('aura-provisioner:rate-limit-table'));
  ${createRateLimitTableSql(table).trim()}
end $migrate$`,
    ensureRow: `insert into ${t} (key) values ($1) on conflict (key) do nothing`,
    acquire: `update ${t} set
  starts[${NEXT}] = ${SLOT},
  next_index = (next_index + 1) % $2::int,
  paced_ms = greatest(paced_ms, ${SLOT}) + $4::float8
where key = $1
returning starts[(next_index + $2::int - 1) % $2::int + 1] - ${NOW_MS} as wait_ms`,
    pause: `insert into ${t} as r (key, paused_until_ms) values ($1, ${NOW_MS} + $2::float8)
on conflict (key) do update set paused_until_ms = greatest(r.paused_until_ms, excluded.paused_until_ms)`,
  };
}

/**
 * The table of the shared rate limiter, as SQL for a migration: one row per
 * key, holding the start times of the last `limit` requests (a ring), the
 * pacing state and a 429 pause. `PostgresRateLimiter.migrate()` runs the same.
 *
 * @example
 * ```ts
 * // supabase/migrations/20260101000000_aura_rate_limits.sql
 * console.log(createRateLimitTableSql());
 * ```
 */
export function createRateLimitTableSql(table: string = SCALE_DEFAULTS.rateLimit.table): string {
  const { qualified } = parseTableName(table);
  return `
create table if not exists ${qualified} (
  key text primary key,
  -- Start times (ms since the epoch, database clock) of the last requests, a ring of \`limit\`.
  starts double precision[] not null default '{}',
  next_index integer not null default 0,
  -- When the next request may start if requests were evenly paced (GCRA).
  paced_ms double precision not null default 0,
  -- Set after a 429: no request starts before this.
  paused_until_ms double precision not null default 0
);
`;
}
