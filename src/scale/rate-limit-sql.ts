import { parseTableName, type TableName } from '../stores/postgres-columns.js';
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
   * `$1` key, `$2` limit, `$3` window ms, `$4` burst, `$5` requests the budget grows back per
   * window after a decrease, `$6` high-priority waiters of the caller, `$7` ms a backlog of them
   * holds normal callers off: takes the key's next start time and answers `wait_ms`, how long
   * until it. The budget is the limit, or less after 429s without Retry-After (`rateLimited`). One statement:
   * the update locks the row, and a concurrent update makes Postgres re-evaluate it on the new
   * row, so no two callers get the same slot. A caller with no high waiter takes no slot while
   * some process has a backlog of them (`high_until_ms`): it gets `defer_ms` instead, how long
   * to wait before asking again. Both null: the key's row must be created first.
   */
  acquire: string;
  /** `$1` key, `$2` ms from the database's now: holds every process's next slot until then. */
  pause: string;
  /**
   * `$1` key, `$2` limit, `$3` window ms, `$4` burst, `$5` grow-back per window, `$6` share kept:
   * a 429 without Retry-After shrinks every process's budget (once per interval of the new
   * budget: a 429 right after a decrease answers a request sent before it), with no burst after.
   */
  rateLimited: string;
}

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)';
const NEXT = 'next_index % $2::int + 1';
/**
 * The budget now, between 1 and the limit (`$2`): after a decrease, its level plus `grow`
 * (`$5`) per full window (`$3`) since (AIMD).
 */
const ALLOWED = `least($2::int, greatest(1, coalesce(floor(adaptive_level
  + floor((${NOW_MS} - adaptive_since_ms) / $3::float8) * $5::float8), $2::int)))::int`;
const INTERVAL = `($3::float8 / ${ALLOWED})`;
// The earliest start that keeps the window and the pacing: now, a full window after the start
// `budget` places back, the pacing's theoretical time less the burst tolerance, and any pause.
// `greatest` skips nulls: an unwritten ring entry is no constraint.
const SLOT = `greatest(${NOW_MS},
  starts[((next_index - ${ALLOWED}) % $2::int + $2::int) % $2::int + 1] + $3::float8,
  paced_ms - (least($4::int, ${ALLOWED}) - 1) * ${INTERVAL}, paused_until_ms)`;

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
    // Priorities across processes: a process whose high waiters queue up (more than the one
    // the slot it takes will serve) marks the key until just after that slot; meanwhile others
    // take slots only for high waiters of their own, as one process's queue serves high first.
    acquire: `with state as (select high_until_ms - ${NOW_MS} as defer_ms from ${t} where key = $1),
taken as (update ${t} set
  starts[${NEXT}] = ${SLOT},
  next_index = (next_index + 1) % $2::int,
  paced_ms = greatest(paced_ms, ${SLOT}) + ${INTERVAL},
  high_until_ms = case when $6::int > 1
    then greatest(high_until_ms, ${SLOT} + $7::float8) else high_until_ms end
where key = $1 and ($6::int > 0 or high_until_ms <= ${NOW_MS})
returning starts[(next_index + $2::int - 1) % $2::int + 1] - ${NOW_MS} as wait_ms)
select (select wait_ms from taken) as wait_ms, (select defer_ms from state) as defer_ms`,
    pause: `insert into ${t} as r (key, paused_until_ms) values ($1, ${NOW_MS} + $2::float8)
on conflict (key) do update set paused_until_ms = greatest(r.paused_until_ms, excluded.paused_until_ms)`,
    rateLimited: `with shrunk as (select greatest(1, floor(${ALLOWED} * $6::float8))::int as level
  from ${t} where key = $1)
update ${t} set adaptive_level = shrunk.level, adaptive_since_ms = ${NOW_MS},
  paced_ms = greatest(paced_ms, ${NOW_MS} + least($4::int, shrunk.level) * ($3::float8 / shrunk.level))
from shrunk
where key = $1 and ${NOW_MS} - adaptive_since_ms >= $3::float8 / coalesce(adaptive_level, $2::int)`,
  };
}

/**
 * The table of the shared rate limiter, as SQL for a migration: one row per
 * key, holding the start times of the last `limit` requests (a ring), the
 * pacing state, a 429 pause, the high-priority backlog mark and the budget
 * after 429s without Retry-After.
 * `PostgresRateLimiter.migrate()` runs the same.
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
  paused_until_ms double precision not null default 0,
  -- While a process has high-priority requests queued: other processes' normal ones wait.
  high_until_ms double precision not null default 0,
  -- After 429s without Retry-After: the budget set by the latest decrease, and when.
  adaptive_level double precision,
  adaptive_since_ms double precision not null default 0
);
alter table ${qualified} add column if not exists high_until_ms double precision not null default 0;
alter table ${qualified} add column if not exists adaptive_level double precision;
alter table ${qualified} add column if not exists adaptive_since_ms double precision not null default 0;
`;
}
