import { hasBrand, UserScopedError } from '../kernel/user-error.js';

const BRAND = Symbol.for('aura-provisioner.ProvisioningError');

/** Every `code` a {@link ProvisioningError} can carry. */
export type ProvisioningErrorCode =
  | 'not_found'
  | 'provisioning_failed'
  | 'store_failure'
  | 'cipher_failure'
  | 'invalid_configuration'
  | 'timeout'
  | 'aborted';

/**
 * Base class of the errors of the provisioning layer. Switch on `code`;
 * match with {@link isProvisioningError}. Messages and `toJSON()` never
 * contain a secret.
 */
export abstract class ProvisioningError extends UserScopedError<ProvisioningErrorCode> {
  readonly [BRAND] = true;
}

/** No record for this user. */
export class UserDatabaseNotFoundError extends ProvisioningError {
  override readonly name = 'UserDatabaseNotFoundError' as const;
  readonly code = 'not_found' as const;

  constructor(userId: string) {
    super(`No database is provisioned for user ${userId}`, { userId });
  }
}

/** Provisioning ended in `failed`. `reason` is Aura's (`missing-billing-details`, ...) or ours. */
export class ProvisioningFailedError extends ProvisioningError {
  override readonly name = 'ProvisioningFailedError' as const;
  readonly code = 'provisioning_failed' as const;
  readonly reason: string;
  /** Whether a later reconcile will try again. */
  readonly retryable: boolean;

  constructor(userId: string, reason: string, retryable: boolean, cause?: unknown) {
    super(`Provisioning the database of user ${userId} failed: ${reason}`, { userId, cause });
    this.reason = reason;
    this.retryable = retryable;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, retryable: this.retryable };
  }
}

/** The credential store failed (connection, constraint, unexpected row). `cause` has the detail. */
export class CredentialStoreError extends ProvisioningError {
  override readonly name = 'CredentialStoreError' as const;
  readonly code = 'store_failure' as const;
  /** The store operation that failed: `claim`, `update`, ... */
  readonly operation: string;

  constructor(
    operation: string,
    message: string,
    options: { userId?: string; cause?: unknown } = {},
  ) {
    super(`Credential store ${operation} failed: ${message}`, options);
    this.operation = operation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}

/** Encrypting or decrypting a credential failed: an unknown key id, a wrong key, a tampered ciphertext. */
export class CredentialCipherError extends ProvisioningError {
  override readonly name = 'CredentialCipherError' as const;
  readonly code = 'cipher_failure' as const;

  constructor(message: string, options: { userId?: string; cause?: unknown } = {}) {
    super(message, options);
  }
}

/** Options or arguments that cannot work (an empty user id, a missing key). Nothing was sent. */
export class ProvisioningConfigurationError extends ProvisioningError {
  override readonly name = 'ProvisioningConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
}

/** Waiting for a user's database ran past its timeout. The record carries on. */
export class ProvisioningTimeoutError extends ProvisioningError {
  override readonly name = 'ProvisioningTimeoutError' as const;
  readonly code = 'timeout' as const;
  /** The status when the wait gave up. */
  readonly status: string;

  constructor(userId: string, timeoutMs: number, status: string) {
    super(
      `Waiting for the database of user ${userId} timed out after ${timeoutMs} ms (status ${status})`,
      {
        userId,
      },
    );
    this.status = status;
  }
}

/** The caller's signal aborted a wait. `cause` is the signal's reason. */
export class ProvisioningAbortError extends ProvisioningError {
  override readonly name = 'ProvisioningAbortError' as const;
  readonly code = 'aborted' as const;

  constructor(userId: string, cause: unknown) {
    super(`Waiting for the database of user ${userId} was aborted`, { userId, cause });
  }
}

/**
 * Tells whether `error` is a {@link ProvisioningError}, optionally of one `code`.
 * Works across bundles (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * if (isProvisioningError(error, 'not_found')) return new Response(null, { status: 404 });
 * ```
 */
export function isProvisioningError<C extends ProvisioningErrorCode>(
  error: unknown,
  code?: C,
): error is ProvisioningError & { code: C } {
  return hasBrand(error, BRAND, code);
}
