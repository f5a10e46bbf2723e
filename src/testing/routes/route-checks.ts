/** Answers shared by the instance routes. */
import type { Reply } from '../reply.js';
import { auraError, middlewareError } from '../reply.js';
import type { RouteContext } from '../router.js';

/** 404 for an instance the fake does not know (not yet, or no more). */
export const instanceNotFound = (id: string): Reply =>
  auraError(404, 'db-not-found', `DB not found: ${id}`);

/** 409 for an action the instance's current status does not allow. */
export const ongoingOperation = (status: string): Reply =>
  auraError(
    409,
    'ongoing-database-operation',
    `The database is currently undergoing an operation: ${status}`,
  );

/** 415 unless the request says `Content-Type: application/json`, as the API requires. */
export function requireJson(context: RouteContext): Reply | undefined {
  if (context.incoming.mediaType === 'application/json') return undefined;
  return middlewareError(415, 'Content-Type must be application/json');
}

/** 400 when a body was sent that is not JSON. */
export function requireParsedBody(context: RouteContext): Reply | undefined {
  if (context.incoming.bodyIsJson) return undefined;
  return auraError(400, 'invalid-request', 'The request body is not valid JSON');
}
