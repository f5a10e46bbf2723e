import type { Clock } from '../aura/clock.js';
import { ProvisioningConfigurationError } from '../provisioning/errors.js';
import { WEBHOOK_DEFAULTS } from './defaults.js';
import { readBodyWithin } from './read-body.js';
import { createSharedSecretVerifier } from './shared-secret.js';
import { createStandardWebhookVerifier } from './standard-webhooks.js';

/**
 * How a webhook proves it comes from Supabase. Configure at least one way; a
 * request passes if any configured way accepts it.
 *
 * @example
 * ```ts
 * const auth: WebhookAuthOptions = {
 *   sharedSecrets: [process.env.WEBHOOK_SECRET!, process.env.WEBHOOK_SECRET_PREVIOUS!],
 *   standardWebhookSecrets: [process.env.AUTH_HOOK_SECRET!], // v1,whsec_...
 * };
 * ```
 */
export interface WebhookAuthOptions {
  /** Accepted values of the shared-secret header (Database Webhooks); several for rotation. At least 16 characters each. */
  sharedSecrets?: readonly string[];
  /** The shared-secret header. Default `x-webhook-secret`. */
  headerName?: string;
  /** Standard Webhooks secrets (`v1,whsec_<base64>`, as Supabase Auth Hooks show them); several for rotation. */
  standardWebhookSecrets?: readonly string[];
  /** Standard Webhooks timestamp tolerance. Default 300 s. */
  toleranceSeconds?: number;
}

/**
 * Why a request was refused: logged for the operator, never sent to the caller.
 *
 * @example
 * ```ts
 * // logger.warn('webhook refused', { route: 'signup', reason: 'timestamp-outside-tolerance' })
 * ```
 */
export type AuthRefusal =
  | 'too-large'
  | 'no-credentials'
  | 'wrong-secret'
  | 'missing-headers'
  | 'bad-timestamp'
  | 'timestamp-outside-tolerance'
  | 'bad-signature';

/** Reads and authenticates a webhook body: 401 and 413 are decided here. */
export type WebhookAuthenticator = (
  request: Request,
) => Promise<
  | { ok: true; body: Uint8Array<ArrayBuffer> }
  | { ok: false; status: 401 | 413; reason: AuthRefusal }
>;

/**
 * Builds the authenticator. Order matters for cost: a declared length over
 * the limit is refused unread; a shared secret is checked before the body is
 * read; a signature needs the body, read within the limit.
 *
 * @example
 * ```ts
 * const authenticate = createWebhookAuthenticator({ sharedSecrets: [secret] }, 64 * 1024);
 * const result = await authenticate(request);
 * if (!result.ok) return new Response(null, { status: result.status });
 * ```
 */
export function createWebhookAuthenticator(
  auth: WebhookAuthOptions,
  bodyLimit: number,
  clock?: Pick<Clock, 'now'>,
): WebhookAuthenticator {
  const shared = auth.sharedSecrets?.length ? createSharedSecretVerifier(auth.sharedSecrets) : null;
  const signed = auth.standardWebhookSecrets?.length
    ? createStandardWebhookVerifier({
        secrets: auth.standardWebhookSecrets,
        toleranceSeconds: auth.toleranceSeconds,
        clock,
      })
    : null;
  if (!shared && !signed) {
    throw new ProvisioningConfigurationError(
      'The webhook handler needs `auth.sharedSecrets` or `auth.standardWebhookSecrets`: it never runs open',
    );
  }
  const headerName = (auth.headerName ?? WEBHOOK_DEFAULTS.sharedSecretHeader).toLowerCase();
  return async (request) => {
    const declared = request.headers.get('content-length');
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) > bodyLimit) {
      return { ok: false, status: 413, reason: 'too-large' };
    }
    const presented = request.headers.get(headerName);
    const sharedOk = shared !== null && presented !== null && (await shared(presented));
    const hasSignature = signed !== null && request.headers.has('webhook-signature');
    if (!sharedOk && !hasSignature) {
      return {
        ok: false,
        status: 401,
        reason: presented === null ? 'no-credentials' : 'wrong-secret',
      };
    }
    const body = await readBodyWithin(request, bodyLimit);
    if (!body.ok) return { ok: false, status: 413, reason: 'too-large' };
    if (sharedOk) return { ok: true, body: body.bytes };
    const verdict = await (signed as NonNullable<typeof signed>)(request.headers, body.bytes);
    return verdict.ok
      ? { ok: true, body: body.bytes }
      : { ok: false, status: 401, reason: verdict.reason };
  };
}
