import { decodeBase64 } from '../kernel/base64.js';
import type { Clock } from '../kernel/clock.js';
import { equalBytes, hmacSha256, importHmacKey } from './constant-time.js';
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
 * Options of {@link supabaseJwtAuthorizer}.
 *
 * @example
 * ```ts
 * const options: SupabaseJwtAuthorizerOptions = { jwtSecret: process.env.SUPABASE_JWT_SECRET!, leewaySeconds: 5 };
 * ```
 */
export interface SupabaseJwtAuthorizerOptions {
  /** The project's JWT secret (Dashboard -> Project Settings -> JWT Keys -> Legacy JWT secret). */
  jwtSecret: string;
  /** Required `aud`. Default `authenticated` (a signed-in user); `null` skips the check. */
  audience?: string | null;
  /** Only `now()` is read, for `exp` and `nbf`. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Tolerated clock skew for `exp`/`nbf`, in seconds. Default 0. */
  leewaySeconds?: number;
}

const decoder = new TextDecoder();
/** A Supabase access token is about 1 KB; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 8 * 1024;

/**
 * Authorises the status route with the caller's Supabase session: the
 * `Authorization: Bearer <access token>` must be an HS256 JWT signed with the
 * project's JWT secret, unexpired, for the `authenticated` audience, whose
 * `sub` is the user asked about. Users see their own status, nobody else's.
 * (Projects on asymmetric signing keys pass their own `authorizeStatus`.)
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *   authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 * });
 * ```
 */
export function supabaseJwtAuthorizer(options: SupabaseJwtAuthorizerOptions): StatusAuthorizer {
  if (typeof options.jwtSecret !== 'string' || options.jwtSecret.length < 16) {
    throw new WebhookConfigurationError(
      'supabaseJwtAuthorizer needs `jwtSecret` of at least 16 characters',
    );
  }
  const key = importHmacKey(options.jwtSecret);
  const audience = options.audience === undefined ? WEBHOOK_DEFAULTS.jwtAudience : options.audience;
  const leeway = options.leewaySeconds ?? 0;
  const clock = options.clock ?? Date;
  return async (request, userId) => {
    const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(
      request.headers.get('authorization') ?? '',
    );
    if (!match || (match[0]?.length ?? 0) > MAX_TOKEN_LENGTH) return false;
    const [, header64 = '', payload64 = '', signature64 = ''] = match;
    const header = decodeJson(header64);
    if (header?.alg !== 'HS256') return false;
    const signature = decodeBase64(signature64);
    const expected = await hmacSha256(await key, `${header64}.${payload64}`);
    if (!signature || !equalBytes(signature, expected)) return false;
    const claims = decodeJson(payload64);
    if (!claims || claims.sub !== userId) return false;
    const now = clock.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + leeway <= now) return false;
    if (typeof claims.nbf === 'number' && claims.nbf - leeway > now) return false;
    if (audience !== null && !hasAudience(claims.aud, audience)) return false;
    return true;
  };
}

function decodeJson(segment: string): Record<string, unknown> | null {
  const bytes = decodeBase64(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const hasAudience = (aud: unknown, expected: string) =>
  aud === expected || (Array.isArray(aud) && aud.includes(expected));
