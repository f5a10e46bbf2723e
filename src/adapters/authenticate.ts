import type { Clock } from '../kernel/clock.js';
import { WEBHOOK_DEFAULTS } from './defaults.js';
import { WebhookConfigurationError } from './errors.js';
import { readBodyWithin } from './read-body.js';
import { createSharedSecretVerifier } from './shared-secret.js';
import {
  createStandardWebhookVerifier,
  readStandardWebhookHeaders,
  type StandardWebhookVerifier,
} from './standard-webhooks.js';

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

/**
 * What a delivery's headers alone decide: refused (401, or 413 for a declared
 * length over the limit), or worth reading, with the proof still to check.
 *
 * @example
 * ```ts
 * const verdict: HeaderVerdict = { ok: true, proof: 'signature' }; // verify once the body is in
 * ```
 */
export type HeaderVerdict =
  | { ok: true; proof: 'shared-secret' | 'signature' }
  | { ok: false; status: 401 | 413; reason: AuthRefusal };

/** Judges a delivery on its headers, before a byte of its body is read. */
export type WebhookHeaderCheck = (headers: Headers) => Promise<HeaderVerdict>;

/** Reads and authenticates a webhook body: 401 and 413 are decided here. */
export type WebhookAuthenticator = (
  request: Request,
) => Promise<
  | { ok: true; body: Uint8Array<ArrayBuffer> }
  | { ok: false; status: 401 | 413; reason: AuthRefusal }
>;

/**
 * Builds the header-only check every delivery passes before its body is read,
 * so a caller without credentials is answered at once however slowly its body
 * arrives. A shared secret is settled here; a Standard Webhooks delivery needs
 * its `webhook-*` headers well formed and its timestamp within the tolerance
 * (the signature itself covers the body, so it is checked after). Credentials
 * come first: a stranger gets 401 whatever length it declares; a declared
 * length over the limit then gets 413.
 *
 * @example
 * ```ts
 * const checkHeaders = createWebhookHeaderCheck({ sharedSecrets: [secret] }, 64 * 1024);
 * const verdict = await checkHeaders(request.headers);
 * if (!verdict.ok) return new Response(null, { status: verdict.status }); // body never read
 * ```
 */
export function createWebhookHeaderCheck(
  auth: WebhookAuthOptions,
  bodyLimit: number,
  clock?: Pick<Clock, 'now'>,
): WebhookHeaderCheck {
  const shared = auth.sharedSecrets?.length ? createSharedSecretVerifier(auth.sharedSecrets) : null;
  const signed = Boolean(auth.standardWebhookSecrets?.length);
  if (!shared && !signed) {
    throw new WebhookConfigurationError(
      'The webhook handler needs `auth.sharedSecrets` or `auth.standardWebhookSecrets`: it never runs open',
    );
  }
  const headerName = (auth.headerName ?? WEBHOOK_DEFAULTS.sharedSecretHeader).toLowerCase();
  const toleranceMs = (auth.toleranceSeconds ?? WEBHOOK_DEFAULTS.toleranceSeconds) * 1000;
  const now = () => (clock ?? Date).now();
  return async (headers) => {
    const presented = headers.get(headerName);
    let proof: 'shared-secret' | 'signature';
    if (shared !== null && presented !== null && (await shared(presented))) {
      proof = 'shared-secret';
    } else if (signed && headers.has('webhook-signature')) {
      const parsed = readStandardWebhookHeaders(headers, now(), toleranceMs);
      if (!parsed.ok) return { ok: false, status: 401, reason: parsed.reason };
      proof = 'signature';
    } else {
      const reason = presented === null ? 'no-credentials' : 'wrong-secret';
      return { ok: false, status: 401, reason };
    }
    const declared = headers.get('content-length');
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) > bodyLimit) {
      return { ok: false, status: 413, reason: 'too-large' };
    }
    return { ok: true, proof };
  };
}

/**
 * Builds the authenticator: the headers are judged first
 * ({@link createWebhookHeaderCheck}), so a refused request's body is never
 * read; then the body is read within the limit and, for Standard Webhooks,
 * its signature verified.
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
  const checkHeaders = createWebhookHeaderCheck(auth, bodyLimit, clock);
  const verifySignature = auth.standardWebhookSecrets?.length
    ? createStandardWebhookVerifier({
        secrets: auth.standardWebhookSecrets,
        toleranceSeconds: auth.toleranceSeconds,
        clock,
      })
    : null;
  return async (request) => {
    const verdict = await checkHeaders(request.headers);
    if (!verdict.ok) return verdict;
    const body = await readBodyWithin(request, bodyLimit);
    if (!body.ok) return { ok: false, status: 413, reason: 'too-large' };
    if (verdict.proof === 'shared-secret') return { ok: true, body: body.bytes };
    const checked = await (verifySignature as StandardWebhookVerifier)(request.headers, body.bytes);
    return checked.ok
      ? { ok: true, body: body.bytes }
      : { ok: false, status: 401, reason: checked.reason };
  };
}
