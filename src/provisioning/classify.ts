import { type AuraError, isAuraError } from '../aura/errors/base.js';

/** What to do about a create that Aura answered with an error. */
export type CreateFailure =
  | { kind: 'deferred'; reason: string; retryAfterMs: number | undefined; refused: boolean }
  | { kind: 'rejected'; reason: string; retryable: boolean };

// Refusals an operator or time can cure: reconcile retries them with backoff.
// `tenant_required`: the credentials see no tenant or several, and none was named.
const RETRYABLE = new Set([
  'instance_limit',
  'conflict',
  'rate_limited',
  'server_error',
  'tenant_required',
]);
// Failures before the create was sent (a create that was sent comes wrapped as outcome unknown).
const UNSENT = new Set(['network', 'timeout', 'aborted', 'invalid_response']);
const TOKEN_PATH = '/oauth/token';
/** Where the client looks up the only tenant, before a create that names none. */
const TENANTS_PATH = '/v1/tenants';

/**
 * Classifies a failed create. Pure. Unknown outcomes and rate limits defer
 * (the record stays pending); Aura's refusals fail the record with Aura's own
 * reason (`missing-billing-details`, ...) and say whether a retry may help.
 */
export function classifyCreateFailure(error: unknown): CreateFailure {
  if (!isAuraError(error)) return { kind: 'rejected', reason: 'unexpected-error', retryable: true };
  const aura = error as AuraError & { reason?: string; retryAfterMs?: number };
  if (aura.code === 'create_outcome_unknown') {
    return {
      kind: 'deferred',
      reason: 'create-outcome-unknown',
      retryAfterMs: undefined,
      refused: false,
    };
  }
  if (aura.code === 'rate_limited') {
    return {
      kind: 'deferred',
      reason: 'rate-limited',
      retryAfterMs: aura.retryAfterMs,
      refused: true,
    };
  }
  if (UNSENT.has(aura.code)) {
    // The create never left (the token request failed, say): nothing can exist.
    return { kind: 'deferred', reason: aura.code, retryAfterMs: undefined, refused: true };
  }
  if ((aura.path === TOKEN_PATH || aura.path === TENANTS_PATH) && aura.code !== 'authentication') {
    // The token request or the tenant lookup failed (a 5xx, a 429): the create was never sent,
    // so nothing exists. Refused credentials are not waited out: they fail the record like any
    // refusal.
    const step = aura.path === TOKEN_PATH ? 'token' : 'tenant-lookup';
    return {
      kind: 'deferred',
      reason: `${step}-${aura.code.replace(/_/g, '-')}`,
      retryAfterMs: aura.retryAfterMs,
      refused: true,
    };
  }
  const reason = aura.reason || aura.code.replace(/_/g, '-');
  return { kind: 'rejected', reason, retryable: RETRYABLE.has(aura.code) };
}
