import type { IncomingRequest } from '../incoming-request.js';

/** The v2beta1 prefix below the base URL. */
export const V2_PREFIX = '/v2beta1';

/**
 * Whether a request is a v2beta1 API call.
 *
 * @example
 * ```ts
 * isV2Path('/v2beta1/organizations'); // true
 * ```
 */
export const isV2Path = (path: string): boolean =>
  path === V2_PREFIX || path.startsWith(`${V2_PREFIX}/`);

/**
 * Marks a v2beta1 request as an API call: rate-limited in the same window as
 * `/v1`, behind the same bearer token, and open to the same faults. Its
 * `routePath` keeps the `/v2beta1` prefix, so a fault can tell the versions
 * apart (`match: { path: /^\/v2beta1\/.*\/databases$/ }`), while a fault
 * without a path applies to both.
 *
 * @example
 * ```ts
 * const incoming = withV2Paths(await readIncoming(request, basePath));
 * ```
 */
export function withV2Paths(incoming: IncomingRequest): IncomingRequest {
  if (incoming.isApi || !isV2Path(incoming.path)) return incoming;
  return { ...incoming, isApi: true, routePath: incoming.path };
}
