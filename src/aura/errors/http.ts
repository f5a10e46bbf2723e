import type { ErrorBody } from '../error-body.js';
import { AuraError, describeRequest, type RequestContext, requestIdSuffix } from './base.js';

/** What every error built from an HTTP answer of Aura carries. */
export interface HttpErrorInit {
  status: number;
  statusText?: string;
  request: RequestContext;
  body: ErrorBody;
  cause?: unknown;
}

/** Base of the errors Aura answered with an HTTP status for. */
export abstract class AuraHttpError extends AuraError {
  /** The first `reason` Aura gave (`db-not-found`, `missing-billing-details`, ...). */
  readonly reason: string | undefined;
  /** Every error entry Aura sent, as `{ message, reason, field }`. */
  readonly errors: ErrorBody['errors'];

  constructor(init: HttpErrorInit) {
    const status = `${init.status}${init.statusText ? ` ${init.statusText}` : ''}`;
    super(
      `Aura answered ${status} to ${describeRequest(init.request)}: ${init.body.message}${requestIdSuffix(init.request)}`,
      { status: init.status, request: init.request, cause: init.cause },
    );
    this.reason = init.body.errors[0]?.reason;
    this.errors = init.body.errors;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, errors: this.errors };
  }
}

/** 400 (or 415/422): the request was invalid; `fields` says which fields, when known. */
export class AuraBadRequestError extends AuraHttpError {
  override readonly name = 'AuraBadRequestError' as const;
  readonly code = 'bad_request' as const;
  /** The offending fields, snake_case as Aura names them. */
  get fields(): string[] {
    return this.errors.flatMap((entry) => (entry.field ? [entry.field] : []));
  }
}

/** 401, or the token endpoint refused the client credentials. */
export class AuraAuthenticationError extends AuraHttpError {
  override readonly name = 'AuraAuthenticationError' as const;
  readonly code = 'authentication' as const;
}

/** 403 after a fresh token: these credentials may not do this. */
export class AuraPermissionError extends AuraHttpError {
  override readonly name = 'AuraPermissionError' as const;
  readonly code = 'permission' as const;
}

/** 404: no such instance, tenant or snapshot (see `reason`). */
export class AuraNotFoundError extends AuraHttpError {
  override readonly name = 'AuraNotFoundError' as const;
  readonly code = 'not_found' as const;
}

/** 405 on create: the account's instance limit is reached. */
export class AuraInstanceLimitError extends AuraHttpError {
  override readonly name = 'AuraInstanceLimitError' as const;
  readonly code = 'instance_limit' as const;
}

/** 409: another operation is running on the instance; try later. */
export class AuraConflictError extends AuraHttpError {
  override readonly name = 'AuraConflictError' as const;
  readonly code = 'conflict' as const;
}

/** 429 that retries could not outlast. `retryAfterMs` is the wait Aura asked for, if it did. */
export class AuraRateLimitError extends AuraHttpError {
  override readonly name = 'AuraRateLimitError' as const;
  readonly code = 'rate_limited' as const;
  readonly retryAfterMs: number | undefined;

  constructor(init: HttpErrorInit & { retryAfterMs?: number | undefined }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** 5xx that retries could not outlast (or that was not safe to retry). */
export class AuraServerError extends AuraHttpError {
  override readonly name = 'AuraServerError' as const;
  readonly code = 'server_error' as const;
}

/** Any other failing status (402, 420, ...): see `status` and `reason`. */
export class AuraApiError extends AuraHttpError {
  override readonly name = 'AuraApiError' as const;
  readonly code = 'api_error' as const;
}
