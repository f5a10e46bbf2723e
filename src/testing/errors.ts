import { CodedError } from '../kernel/coded-error.js';
import { hasBrand } from '../kernel/user-error.js';

const BRAND = Symbol.for('aura-provisioner.TestingError');

/** Every `code` a {@link TestingError} can carry. */
export type TestingErrorCode = 'invalid_configuration' | 'request_ended' | 'clock_stalled';

/**
 * Base class of the errors of `aura-provisioner/testing`: the Aura fake and
 * the test clock. Switch on `code`; match with {@link isTestingError}.
 *
 * @example
 * ```ts
 * if (error instanceof TestingError) console.error(error.code, error.message);
 * ```
 */
export abstract class TestingError extends CodedError<TestingErrorCode> {
  readonly [BRAND] = true;
}

/**
 * Options or arguments the fake cannot use: no tenant, a `failNext` status
 * outside 200-599, seeding an instance id that exists, setting the status of
 * one that does not.
 *
 * @example
 * ```ts
 * aura.faults.failNext(1, { status: 0 }); // throws AuraMockConfigurationError
 * ```
 */
export class AuraMockConfigurationError extends TestingError {
  override readonly name = 'AuraMockConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
}

/**
 * A request the fake held (a timeout fault) ended without an answer: the fake
 * was reset, or the loopback client hung up. The client sees a network error.
 *
 * @example
 * ```ts
 * await aura.handle(request).catch((error) => isTestingError(error, 'request_ended'));
 * ```
 */
export class AuraMockRequestEndedError extends TestingError {
  override readonly name = 'AuraMockRequestEndedError' as const;
  readonly code = 'request_ended' as const;
}

/**
 * `clock.runUntil(promise)` found the promise still pending with no timer
 * left to fire: it would never settle on simulated time.
 *
 * @example
 * ```ts
 * await clock.runUntil(new Promise(() => {})); // throws TestClockStalledError
 * ```
 */
export class TestClockStalledError extends TestingError {
  override readonly name = 'TestClockStalledError' as const;
  readonly code = 'clock_stalled' as const;
}

/**
 * Tells whether `error` is a {@link TestingError}, optionally of one `code`.
 * Works across bundles (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * expect(isTestingError(error, 'invalid_configuration')).toBe(true);
 * ```
 */
export function isTestingError<C extends TestingErrorCode>(
  error: unknown,
  code?: C,
): error is TestingError & { code: C } {
  return hasBrand(error, BRAND, code);
}
