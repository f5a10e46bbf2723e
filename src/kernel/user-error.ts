import { CodedError } from './coded-error.js';

/**
 * The base the provisioning errors and the per-user client errors share: a
 * `code` to switch on, the user the error is about, and a `toJSON()` with no
 * secret. Each layer matches its own errors with its guard
 * (`isProvisioningError`, `isUserClientError`), which checks the layer's brand.
 *
 * @example
 * ```ts
 * if (error instanceof UserScopedError) log.warn(error.code, error.toJSON());
 * ```
 */
export abstract class UserScopedError<Code extends string = string> extends CodedError<Code> {
  /** The user the error is about, when known. */
  readonly userId: string | undefined;

  constructor(message: string, options: { userId?: string | undefined; cause?: unknown } = {}) {
    super(message, options);
    this.userId = options.userId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), userId: this.userId };
  }
}

/**
 * Whether `error` carries `brand` (a `Symbol.for` key, so it holds across
 * bundles and copies of the package) and, when given, that `code`.
 */
export function hasBrand(error: unknown, brand: symbol, code: string | undefined): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { [key: symbol]: unknown; code?: unknown };
  return candidate[brand] === true && (code === undefined || candidate.code === code);
}
