export {
  AuraError,
  type AuraErrorCode,
  type AuraErrorOptions,
  isAuraError,
  type RequestContext,
} from './base.js';
export {
  AuraApiError,
  AuraAuthenticationError,
  AuraBadRequestError,
  AuraConflictError,
  AuraHttpError,
  AuraInstanceLimitError,
  AuraNotFoundError,
  AuraPermissionError,
  AuraRateLimitError,
  AuraServerError,
  type HttpErrorInit,
} from './http.js';
export {
  AuraAbortError,
  AuraInvalidResponseError,
  AuraNetworkError,
  AuraTimeoutError,
  type ResponseIssue,
} from './transport.js';
export {
  AuraConfigurationError,
  AuraCreateOutcomeUnknownError,
  AuraInstanceFailedError,
  AuraTenantRequiredError,
} from './usage.js';
