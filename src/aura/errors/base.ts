const BRAND = Symbol.for('aura-provisioner.AuraError');

/** Every `code` an {@link AuraError} can carry. */
export type AuraErrorCode =
  | 'bad_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'instance_limit'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'api_error'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'invalid_configuration'
  | 'create_outcome_unknown'
  | 'instance_failed'
  | 'tenant_required';

/** What a request that failed was, for errors that come from one. */
export interface RequestContext {
  method: string;
  /** Path and query, without the base URL. */
  path: string;
  /** The `X-Request-Id` Aura answered with, if any. */
  requestId?: string | undefined;
}

/** Options every {@link AuraError} takes. */
export interface AuraErrorOptions {
  cause?: unknown;
  request?: RequestContext | undefined;
  status?: number | undefined;
}

/**
 * Base class of every error the Aura client throws. Switch on `code`; match
 * with {@link isAuraError}, which works across bundles where `instanceof`
 * does not. Messages and `toJSON()` never contain a secret.
 */
export abstract class AuraError extends Error {
  abstract override readonly name: string;
  abstract readonly code: AuraErrorCode;
  readonly [BRAND] = true;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** `X-Request-Id` of the answer, when there was one: quote it to Neo4j support. */
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;

  constructor(message: string, options: AuraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.requestId = options.request?.requestId;
    this.method = options.request?.method;
    this.path = options.request?.path;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
    };
  }
}

/**
 * Tells whether `error` is an {@link AuraError}, optionally of one `code`.
 * Works across bundles and realms (it checks a global brand, not the class).
 *
 * @example
 * ```ts
 * try {
 *   await aura.instances.get(id);
 * } catch (error) {
 *   if (isAuraError(error, 'not_found')) return null;
 *   throw error;
 * }
 * ```
 */
export function isAuraError<C extends AuraErrorCode>(
  error: unknown,
  code?: C,
): error is AuraError & { code: C } {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { [BRAND]?: unknown; code?: unknown };
  if (candidate[BRAND] !== true) return false;
  return code === undefined || candidate.code === code;
}

/** Describes a request for a message: `GET /v1/instances/abc`. */
export function describeRequest(request: RequestContext | undefined): string {
  return request ? `${request.method} ${request.path}` : 'the request';
}

/** ` [request id abc]`, or nothing. */
export function requestIdSuffix(request: RequestContext | undefined): string {
  return request?.requestId ? ` [request id ${request.requestId}]` : '';
}
