/**
 * `aura-provisioner/pg-boss`: the provisioner across several processes on the
 * app's own Postgres. `PgBossScheduler` is a durable `PollScheduler` on
 * pg-boss (the optional peer `pg-boss`, loaded only when the scheduler makes
 * its own `PgBoss`); `createPostgresRateLimiter` shares one Aura rate budget
 * between processes through a table (any `query(text, values)` client), and
 * `createPostgresTokenCache` one Aura token (encrypted), so a fleet keeps to
 * the token endpoint's 15 requests an hour.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { AuraClient, createProvisioner } from 'aura-provisioner';
 * import { PgBossScheduler, createPostgresRateLimiter } from 'aura-provisioner/pg-boss';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error('postgres pool', error)); // an idle connection dropped
 * const rateLimiter = createPostgresRateLimiter({ client: pool });
 * await rateLimiter.migrate();
 * const aura = new AuraClient({ ...credentials, rateLimiter });
 * const scheduler = new PgBossScheduler({ boss: process.env.DATABASE_URL! });
 * const provisioner = createProvisioner({ aura, store, cipher, instance, scheduler });
 * await provisioner.reconcile();
 * ```
 *
 * @module aura-provisioner/pg-boss
 */

export { SCALE_DEFAULTS } from './scale/defaults.js';
export {
  isScaleError,
  ScaleConfigurationError,
  ScaleError,
  type ScaleErrorCode,
  ScaleJobError,
  ScaleStateError,
} from './scale/errors.js';
export { PgBossScheduler, type PgBossSchedulerOptions } from './scale/pg-boss-scheduler.js';
export {
  createPostgresRateLimiter,
  type PostgresRateLimiter,
  type PostgresRateLimiterOptions,
} from './scale/postgres-rate-limiter.js';
export {
  createPostgresTokenCache,
  type PostgresTokenCache,
  type PostgresTokenCacheOptions,
} from './scale/postgres-token-cache.js';
export { createRateLimitTableSql } from './scale/rate-limit-sql.js';
export { createTokenCacheTableSql } from './scale/token-cache-sql.js';
export type { PostgresClient } from './stores/postgres-store.js';
