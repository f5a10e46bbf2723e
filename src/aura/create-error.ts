import type { ErrorBody } from './error-body.js';
import type { RequestContext } from './errors/base.js';
import {
  AuraApiError,
  AuraAuthenticationError,
  AuraBadRequestError,
  AuraConflictError,
  type AuraHttpError,
  AuraInstanceLimitError,
  AuraNotFoundError,
  AuraPermissionError,
  AuraRateLimitError,
  AuraServerError,
} from './errors/http.js';

/** Everything needed to turn a failing answer into a typed error. */
export interface FailedAnswer {
  status: number;
  statusText?: string;
  request: RequestContext;
  body: ErrorBody;
  retryAfterMs?: number | undefined;
}

/** Maps a failing HTTP answer to its typed error class. The one place statuses are classified. */
export function createHttpError(answer: FailedAnswer): AuraHttpError {
  const { status } = answer;
  switch (status) {
    case 400:
    case 415:
    case 422:
      return new AuraBadRequestError(answer);
    case 401:
      return new AuraAuthenticationError(answer);
    case 403:
      return new AuraPermissionError(answer);
    case 404:
      return new AuraNotFoundError(answer);
    case 405:
      return new AuraInstanceLimitError(answer);
    case 409:
      return new AuraConflictError(answer);
    case 429:
      return new AuraRateLimitError(answer);
    default:
      return status >= 500 ? new AuraServerError(answer) : new AuraApiError(answer);
  }
}
