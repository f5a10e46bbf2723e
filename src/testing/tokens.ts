import type { IncomingRequest } from './incoming-request.js';
import type { Reply } from './reply.js';
import { middlewareError } from './reply.js';
import type { MockState } from './state.js';

const oauthError = (status: number, error: string, description: string): Reply => ({
  status,
  body: { error, error_description: description },
});

function basicCredentials(header: string | null): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    // atob, not Buffer: the fake also runs in browsers under MSW.
    decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Whether the token endpoint takes these credentials: any non-empty pair, or a listed one. */
function accepts(
  credentials: MockState['options']['credentials'],
  presented: { id: string; secret: string } | undefined,
): boolean {
  if (!presented?.id || !presented.secret) return false;
  if (credentials === 'any') return true;
  return credentials.some(
    (c) => c.clientId === presented.id && c.clientSecret === presented.secret,
  );
}

/**
 * `POST /oauth/token`: client credentials by Basic auth (any non-empty pair
 * unless the fake was given `credentials`), form body
 * `grant_type=client_credentials`. Errors use the OAuth shape.
 *
 * @example
 * ```ts
 * const reply = issueToken(state, incoming, clock.now());
 * ```
 */
export function issueToken(state: MockState, incoming: IncomingRequest, now: number): Reply {
  if (incoming.mediaType !== 'application/x-www-form-urlencoded') {
    return oauthError(
      400,
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded',
    );
  }
  const presented = basicCredentials(incoming.headers.get('authorization'));
  if (!accepts(state.options.credentials, presented))
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  const grantType = (incoming.body as Record<string, unknown> | undefined)?.grant_type;
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  }
  const token = state.ids.accessToken();
  const ttl = state.options.tokenTtlSeconds;
  state.tokens.set(token, now + ttl * 1000);
  return { status: 200, body: { access_token: token, expires_in: ttl, token_type: 'bearer' } };
}

/**
 * Checks the bearer token of a `/v1` request: `undefined` when it is valid,
 * else the gateway's answer (401 missing or unknown, 403 expired, as Aura does).
 *
 * @example
 * ```ts
 * const refused = checkBearer(state, incoming.headers.get('authorization'), now);
 * if (refused) return refused;
 * ```
 */
export function checkBearer(
  state: MockState,
  header: string | null,
  now: number,
): Reply | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (token === undefined) return middlewareError(401, 'Authorization field missing');
  const expiresAt = state.tokens.get(token);
  if (expiresAt === undefined) return middlewareError(401, 'Key not authorised');
  if (now >= expiresAt) return middlewareError(403, 'Key has expired, please renew');
  return undefined;
}

/**
 * Expires every token issued so far (later requests with them answer 403).
 *
 * @example
 * ```ts
 * expireAllTokens(state, clock.now());
 * ```
 */
export function expireAllTokens(state: MockState, now: number): void {
  for (const [token, expiresAt] of state.tokens) state.tokens.set(token, Math.min(expiresAt, now));
}
