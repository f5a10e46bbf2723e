/**
 * An answer of the fake before it becomes a `Response`: route logic returns
 * these plain values, so it stays free of HTTP plumbing.
 */
export interface Reply {
  status: number;
  /** Serialised as JSON unless `rawBody` is set. */
  body?: unknown;
  /** Sent verbatim (the malformed-body fault). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A success answer wrapped as the API does: `{ data }`.
 *
 * @example
 * ```ts
 * dataReply(202, { snapshot_id: id });
 * ```
 */
export function dataReply(status: number, data: unknown): Reply {
  return { status, body: { data } };
}

/**
 * The API's error shape, `{ errors: [{ message, reason, field? }] }`.
 *
 * @example
 * ```ts
 * auraError(404, 'db-not-found', 'DB not found: 2f49c2b3');
 * ```
 */
export function auraError(status: number, reason: string, message: string, field?: string): Reply {
  const error = field === undefined ? { message, reason } : { message, reason, field };
  return { status, body: { errors: [error] } };
}

/**
 * The gateway's error shape, `{ error }` (the spec's `MiddlewareError`). Used
 * where the spec allows either shape: the spec's `oneOf` of `Error` and the
 * requirement-free `MiddlewareError` only accepts this one.
 *
 * @example
 * ```ts
 * middlewareError(429, 'API Rate limit exceeded');
 * ```
 */
export function middlewareError(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

const GATEWAY_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  415: 'Unsupported Media Type',
  429: 'API Rate limit exceeded',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The body the real API would most likely send with `status`, for faults that
 * name a status but no body.
 *
 * @example
 * ```ts
 * defaultErrorReply(409); // 409 ongoing-database-operation
 * ```
 */
export function defaultErrorReply(status: number): Reply {
  switch (status) {
    case 400:
      return auraError(
        400,
        'missing-billing-details',
        'You must provide billing details in the Aura Console before creating an instance',
      );
    case 404:
      return auraError(404, 'db-not-found', 'DB not found');
    case 405:
      return auraError(
        405,
        'instance-limit-reached',
        'The maximum number of instances was reached',
      );
    case 409:
      return auraError(
        409,
        'ongoing-database-operation',
        'The database is undergoing an operation',
      );
    case 420:
      return auraError(420, 'tenant-incapable-of-action', 'Action unsupported for this tier');
    default:
      return middlewareError(status, GATEWAY_MESSAGES[status] ?? `HTTP ${status}`);
  }
}

/**
 * Turns a {@link Reply} into a `Response` carrying `X-Request-Id`.
 *
 * @example
 * ```ts
 * toResponse(dataReply(200, []), 'abc/00000001');
 * ```
 */
export function toResponse(reply: Reply, requestId: string): Response {
  const headers = new Headers(reply.headers);
  headers.set('X-Request-Id', requestId);
  let body: string | null = null;
  if (reply.rawBody !== undefined) {
    body = reply.rawBody;
    headers.set('Content-Type', 'application/json');
  } else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body);
    headers.set('Content-Type', 'application/json');
  }
  return new Response(body, { status: reply.status, headers });
}
