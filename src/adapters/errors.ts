import { CodedError } from '../kernel/coded-error.js';
import { hasBrand } from '../kernel/user-error.js';

const BRAND = Symbol.for('aura-provisioner.WebhookError');

/** Every `code` a {@link WebhookError} can carry. */
export type WebhookErrorCode = 'invalid_configuration';

/**
 * Base class of the errors of the webhook adapters. Switch on `code`; match
 * with {@link isWebhookError}. Messages and `toJSON()` never contain a
 * secret (a shared secret, a signing key, a JWT secret).
 *
 * @example
 * ```ts
 * if (error instanceof WebhookError) log.error(error.code, error.toJSON());
 * ```
 */
export abstract class WebhookError extends CodedError<WebhookErrorCode> {
  readonly [BRAND] = true;
}

/**
 * Webhook options that cannot work (no secret, a secret too short, a bad base
 * path): thrown when the handler is created, before any request is served.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provisioner, auth: { sharedSecrets: [] } }); // throws WebhookConfigurationError
 * ```
 */
export class WebhookConfigurationError extends WebhookError {
  override readonly name = 'WebhookConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
}

/**
 * Tells whether `error` is a {@link WebhookError}, optionally of one `code`.
 * Works across bundles (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * if (isWebhookError(error, 'invalid_configuration')) process.exit(2);
 * ```
 */
export function isWebhookError<C extends WebhookErrorCode>(
  error: unknown,
  code?: C,
): error is WebhookError & { code: C } {
  return hasBrand(error, BRAND, code);
}
