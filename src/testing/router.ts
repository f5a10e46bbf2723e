import type { IncomingRequest } from './incoming-request.js';
import type { Reply } from './reply.js';
import type { MockState } from './state.js';

/** What a route handler gets: the state, the parsed request, path parameters and the time. */
export interface RouteContext {
  state: MockState;
  incoming: IncomingRequest;
  params: Record<string, string>;
  now: number;
}

/** One route: method, a path template below `/v1` (`/instances/:instanceId`), and its handler. */
export interface Route {
  method: string;
  pattern: string;
  handle: (context: RouteContext) => Reply;
}

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * Matches a path against a template; the named segments' values if it matches.
 *
 * @example
 * ```ts
 * matchPattern('/instances/:instanceId', '/instances/2f49c2b3'); // { instanceId: '2f49c2b3' }
 * matchPattern('/instances/:instanceId', '/tenants'); // undefined
 * ```
 */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? '';
    if (segment.startsWith(':')) {
      if (actual === '') return undefined;
      params[segment.slice(1)] = safeDecode(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

/**
 * Finds the route for a method and a path below `/v1`.
 *
 * @example
 * ```ts
 * const found = findRoute(ROUTES, 'GET', '/instances/2f49c2b3');
 * found?.route.handle({ state, incoming, params: found.params, now });
 * ```
 */
export function findRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}
