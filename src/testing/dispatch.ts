import type { FaultAction, FaultQueue } from './faults.js';
import { malformedReply } from './faults.js';
import type { IncomingRequest } from './incoming-request.js';
import { readIncoming, recordableBody, TOKEN_PATH } from './incoming-request.js';
import type { RecordedRequest } from './model.js';
import type { ParkedRequests } from './parked-requests.js';
import { admit } from './rate-limit.js';
import type { Reply } from './reply.js';
import { auraError, middlewareError, toResponse } from './reply.js';
import { findRoute } from './router.js';
import { ROUTES } from './routes/route-table.js';
import { V2_ROUTES } from './routes/v2-route-table.js';
import type { MockState } from './state.js';
import { checkBearer, issueToken } from './tokens.js';
import { isV2Path, withV2Paths } from './v2/incoming.js';

/**
 * The framework-free core: one fetch `Request` in, one `Response` out. A
 * dropped connection is `Response.error()`; a timeout is a promise that
 * rejects only when the request's signal aborts.
 *
 * @example
 * ```ts
 * const handle = createDispatcher(state, faults, parked);
 * const response = await handle(new Request('https://api.neo4j.io/v1/tenants'));
 * ```
 */
export function createDispatcher(
  state: MockState,
  faults: FaultQueue,
  parked: ParkedRequests,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const requestId = state.ids.requestId();
    const incoming = withV2Paths(await readIncoming(request, state.options.basePath));
    const now = state.options.clock.now();
    const entry: RecordedRequest = {
      method: incoming.method,
      path: incoming.path,
      query: incoming.query,
      body: recordableBody(incoming),
      status: 0,
      at: now,
      requestId,
    };
    state.requests.push(entry);

    const faultable = incoming.isApi || incoming.path === TOKEN_PATH;
    const fault = faultable ? faults.takeBefore(incoming.method, incoming.routePath) : undefined;
    const reply = fault ? faultReply(fault, incoming) : answer(state, incoming, now);
    if (reply === 'drop') return Response.error();
    if (reply === 'timeout') return parked.park(incoming.signal);
    if (
      incoming.isApi &&
      faults.takeAfterCreate(incoming.method, incoming.routePath, reply.status)
    ) {
      return parked.park(incoming.signal);
    }
    entry.status = reply.status;
    return toResponse(reply, requestId);
  };
}

function faultReply(fault: FaultAction, incoming: IncomingRequest): Reply | 'drop' | 'timeout' {
  switch (fault.kind) {
    case 'fail':
      return fault.reply;
    case 'malformed':
      return malformedReply(fault.variant, incoming.method, incoming.routePath);
    case 'drop':
    case 'timeout':
      return fault.kind;
  }
}

/** The normal answer: token endpoint, or rate limit, bearer check and the `/v1` or `/v2beta1` routes. */
function answer(state: MockState, incoming: IncomingRequest, now: number): Reply {
  const notFound = () =>
    auraError(404, 'not-found', `No route for ${incoming.method} ${incoming.path}`);
  const { rateLimit, tokenRateLimit } = state.options;
  if (incoming.path === TOKEN_PATH) {
    if (incoming.method !== 'POST') return notFound();
    if (tokenRateLimit) {
      const admission = admit(state.tokenWindow, now, tokenRateLimit);
      state.tokenWindow = admission.window;
      if (!admission.admitted) return middlewareError(429, 'Too many token requests');
    }
    return issueToken(state, incoming, now);
  }
  if (!incoming.isApi) return notFound();
  if (rateLimit) {
    const admission = admit(state.rateWindow, now, rateLimit);
    state.rateWindow = admission.window;
    if (!admission.admitted) {
      const reply = middlewareError(429, 'API Rate limit exceeded');
      if (rateLimit.retryAfter === false) return reply;
      return { ...reply, headers: { 'Retry-After': String(admission.retryAfterSeconds) } };
    }
  }
  const refused = checkBearer(state, incoming.headers.get('authorization'), now);
  if (refused) return refused;
  const routes = isV2Path(incoming.path) ? V2_ROUTES : ROUTES;
  const found = findRoute(routes, incoming.method, incoming.routePath);
  if (!found) return notFound();
  return found.route.handle({ state, incoming, params: found.params, now });
}
