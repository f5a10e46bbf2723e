import { CodedError } from '../kernel/coded-error.js';
import { hasBrand } from '../kernel/user-error.js';

const BRAND = Symbol.for('aura-provisioner.ScaleError');

/** Every `code` a {@link ScaleError} can carry. */
export type ScaleErrorCode = 'invalid_configuration' | 'invalid_state' | 'invalid_job';

/**
 * Base class of the errors of `aura-provisioner/pg-boss`: the pg-boss
 * scheduler and the shared Postgres rate limiter. Switch on `code`; match
 * with {@link isScaleError}. Messages and `toJSON()` never contain a
 * connection string.
 *
 * @example
 * ```ts
 * if (error instanceof ScaleError) log.error(error.code, error.toJSON());
 * ```
 */
export abstract class ScaleError extends CodedError<ScaleErrorCode> {
  readonly [BRAND] = true;
}

/**
 * Options that cannot work (no `boss`, a heartbeat under 10 s, a `burst` over
 * the limit), or a pg-boss queue set up without the singleton policy or a
 * heartbeat the scheduler needs.
 *
 * @example
 * ```ts
 * new PgBossScheduler({ boss, concurrency: 0 }); // throws ScaleConfigurationError
 * ```
 */
export class ScaleConfigurationError extends ScaleError {
  override readonly name = 'ScaleConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
}

/**
 * A call the scheduler's state does not allow: `start` a second time.
 *
 * @example
 * ```ts
 * scheduler.start(check);
 * scheduler.start(check); // throws ScaleStateError
 * ```
 */
export class ScaleStateError extends ScaleError {
  override readonly name = 'ScaleStateError' as const;
  readonly code = 'invalid_state' as const;
}

/**
 * A pg-boss job the scheduler cannot run (its data carries no `userId`): the
 * job fails and pg-boss retries it as it does any failed job.
 *
 * @example
 * ```ts
 * await boss.send('aura-provisioner-checks', {}); // its run fails with ScaleJobError
 * ```
 */
export class ScaleJobError extends ScaleError {
  override readonly name = 'ScaleJobError' as const;
  readonly code = 'invalid_job' as const;
}

/**
 * Tells whether `error` is a {@link ScaleError}, optionally of one `code`.
 * Works across bundles (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * if (isScaleError(error, 'invalid_configuration')) process.exit(2);
 * ```
 */
export function isScaleError<C extends ScaleErrorCode>(
  error: unknown,
  code?: C,
): error is ScaleError & { code: C } {
  return hasBrand(error, BRAND, code);
}
