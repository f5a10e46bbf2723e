import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Clock } from '../kernel/clock.js';
import { WEBHOOK_DEFAULTS } from './defaults.js';
import { WebhookConfigurationError } from './errors.js';

/**
 * Decides whether a request may read the provisioning status of `userId`.
 *
 * @example
 * ```ts
 * const authorizeStatus: StatusAuthorizer = async (request, userId) =>
 *   (await sessionUserId(request)) === userId; // your own session check
 * ```
 */
export type StatusAuthorizer = (request: Request, userId: string) => boolean | Promise<boolean>;

/**
 * Options of {@link supabaseJwtAuthorizer}: where the keys come from
 * (`supabaseUrl`, `jwksUrl`, `jwtSecret`; at least one), and what the token
 * must say (`issuer`, `audience`).
 *
 * @example
 * ```ts
 * // A project on signing keys (ES256/RS256), with the legacy secret still accepted:
 * const options: SupabaseJwtAuthorizerOptions = {
 *   supabaseUrl: 'https://abcdefghijklmnop.supabase.co',
 *   jwtSecret: process.env.SUPABASE_JWT_SECRET,
 * };
 * ```
 */
export interface SupabaseJwtAuthorizerOptions {
  /**
   * The project URL, `https://<project>.supabase.co` (or your custom domain, or
   * `http://127.0.0.1:54321` locally). Derives both the JWKS URL
   * (`{supabaseUrl}/auth/v1/.well-known/jwks.json`) and the required issuer
   * (`{supabaseUrl}/auth/v1`).
   */
  supabaseUrl?: string;
  /** The JWKS to verify ES256/RS256 tokens with, when not derived from `supabaseUrl`. */
  jwksUrl?: string;
  /**
   * The legacy HS256 secret (Dashboard -> Project Settings -> JWT Keys -> Legacy JWT secret),
   * at least 16 characters. Without it HS256 tokens are refused.
   */
  jwtSecret?: string;
  /** Required `iss`. Default: `{supabaseUrl}/auth/v1` when `supabaseUrl` is given, else none; `null` skips the check. */
  issuer?: string | null;
  /** Required `aud`. Default `authenticated` (a signed-in user); `null` skips the check. */
  audience?: string | null;
  /** Only `now()` is read, for `exp` and `nbf`. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Tolerated clock skew for `exp`/`nbf`, in seconds. Default 0. */
  leewaySeconds?: number;
  /** Fetches the JWKS (a proxy, a test). Default: the global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The asymmetric algorithms Supabase signing keys use. */
const SIGNING_KEY_ALGORITHMS = ['ES256', 'RS256'];
/** A Supabase access token is about 1 KB; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 8 * 1024;
/** jose's codes for a token that is bad, as opposed to keys that could not be fetched. */
const REFUSED_TOKEN_CODES = new Set([
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

/**
 * Authorises the status route with the caller's Supabase session: the
 * `Authorization: Bearer <access token>` must be a JWT signed by the project
 * (ES256/RS256 with a key from its JWKS, or HS256 with the legacy secret),
 * unexpired, from the project's issuer, for the `authenticated` audience,
 * whose `sub` is the user asked about. Users see their own status, nobody
 * else's. A new signing key (new `kid`) is fetched when a token first uses it
 * (at most every 30 s); keys are cached 10 minutes. If the JWKS cannot be
 * fetched the authorizer throws, and the handler logs it and answers 401.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *   authorizeStatus: supabaseJwtAuthorizer({ supabaseUrl: process.env.SUPABASE_URL! }),
 * });
 * ```
 */
export function supabaseJwtAuthorizer(options: SupabaseJwtAuthorizerOptions): StatusAuthorizer {
  const { jwtSecret } = options;
  const apiUrl = options.supabaseUrl === undefined ? undefined : authApiUrl(options.supabaseUrl);
  const jwksUrl =
    options.jwksUrl === undefined
      ? apiUrl && `${apiUrl}/.well-known/jwks.json`
      : httpUrl(options.jwksUrl, 'jwksUrl');
  if (jwtSecret !== undefined && (typeof jwtSecret !== 'string' || jwtSecret.length < 16)) {
    throw new WebhookConfigurationError('supabaseJwtAuthorizer: `jwtSecret` needs 16 characters');
  }
  if (jwtSecret === undefined && jwksUrl === undefined) {
    throw new WebhookConfigurationError(
      'supabaseJwtAuthorizer needs `supabaseUrl` (or `jwksUrl`) for signing keys, or `jwtSecret` for a legacy project',
    );
  }
  const secret = jwtSecret === undefined ? undefined : new TextEncoder().encode(jwtSecret);
  const jwks =
    jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(
          new URL(jwksUrl),
          options.fetch ? { [customFetch]: options.fetch } : undefined,
        );
  // The algorithms decide which key is tried: an HS256 token never reaches the JWKS, nor an
  // ES256 one the secret, and `none` is never allowed.
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? SIGNING_KEY_ALGORITHMS : [])];
  const key: JWTVerifyGetKey = (header, token) =>
    header.alg === 'HS256' && secret ? secret : (jwks as NonNullable<typeof jwks>)(header, token);
  const issuer = options.issuer === undefined ? apiUrl : (options.issuer ?? undefined);
  const audience = options.audience === undefined ? WEBHOOK_DEFAULTS.jwtAudience : options.audience;
  const clock = options.clock ?? Date;

  return async (request, userId) => {
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(
      request.headers.get('authorization') ?? '',
    );
    const token = match?.[1];
    if (!token || token.length > MAX_TOKEN_LENGTH) return false;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        issuer,
        audience: audience ?? undefined,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(clock.now()),
        clockTolerance: options.leewaySeconds ?? 0,
      });
      return payload.sub === userId;
    } catch (error) {
      if (REFUSED_TOKEN_CODES.has((error as { code?: unknown }).code as string)) return false;
      throw error; // the keys could not be had (JWKS down, slow, malformed): the operator's problem
    }
  };
}

/** `https://x.supabase.co/` -> `https://x.supabase.co/auth/v1`: the issuer, and the JWKS's base. */
function authApiUrl(supabaseUrl: string): string {
  return `${httpUrl(supabaseUrl, 'supabaseUrl').replace(/\/+$/, '')}/auth/v1`;
}

/** The URL, checked to be http(s); the message does not quote it (it may carry credentials). */
function httpUrl(value: string, name: string): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new WebhookConfigurationError(`supabaseJwtAuthorizer: \`${name}\` is not an http(s) URL`);
  }
  return url.href;
}
