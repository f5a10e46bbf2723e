import { describe, expect, it } from 'vitest';
import {
  AuraAuthenticationError,
  AuraBadRequestError,
  AuraConfigurationError,
  AuraConflictError,
  AuraCreateOutcomeUnknownError,
  AuraInstanceLimitError,
  AuraNetworkError,
  AuraPermissionError,
  AuraRateLimitError,
  AuraServerError,
  AuraTenantRequiredError,
  AuraTimeoutError,
  type HttpErrorInit,
} from '../../../src/aura/errors/index.js';
import { classifyCreateFailure } from '../../../src/provisioning/classify.js';

const request = { method: 'POST', path: '/v1/instances', requestId: 'req-1' };
const noBody = { message: 'unavailable', errors: [] };

const init = (status: number, reason?: string): HttpErrorInit => ({
  status,
  request,
  body: {
    message: `refused ${status}`,
    errors: [reason ? { message: 'refused', reason } : { message: 'refused' }],
  },
});

describe('classifyCreateFailure', () => {
  it.each([
    [503, 'token-server-error'],
    [500, 'token-server-error'],
    [429, 'rate-limited'],
  ])('defers, as not sent, a create whose token request answered %i', (status, reason) => {
    const token = { method: 'POST', path: '/oauth/token' };
    const error =
      status === 429
        ? new AuraRateLimitError({ status, request: token, body: noBody, retryAfterMs: 2_000 })
        : new AuraServerError({ status, request: token, body: noBody });
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'deferred',
      reason,
      retryAfterMs: status === 429 ? 2_000 : undefined,
      refused: true,
    });
  });

  it('defers, as not sent, a create whose tenant lookup failed; fails it (retryably) with no tenant to default to', () => {
    const lookup = { method: 'GET', path: '/v1/tenants' };
    expect(
      classifyCreateFailure(new AuraServerError({ status: 503, request: lookup, body: noBody })),
    ).toEqual({
      kind: 'deferred',
      reason: 'tenant-lookup-server-error',
      retryAfterMs: undefined,
      refused: true,
    });
    expect(classifyCreateFailure(new AuraTenantRequiredError(['a', 'b']))).toEqual({
      kind: 'rejected',
      reason: 'tenant-required',
      retryable: true,
    });
  });

  it('fails a create whose token request refused the credentials', () => {
    const token = { method: 'POST', path: '/oauth/token' };
    const error = new AuraAuthenticationError({ status: 401, request: token, body: noBody });
    expect(classifyCreateFailure(error)).toMatchObject({ kind: 'rejected', retryable: false });
  });

  it('defers a create whose outcome is unknown, without a wait of its own', () => {
    const cause = new AuraTimeoutError(30_000, { request });
    const error = new AuraCreateOutcomeUnknownError('ap-u0000000000000000000000001', 't-1', cause);
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'deferred',
      reason: 'create-outcome-unknown',
      retryAfterMs: undefined,
      refused: false,
    });
  });

  it('defers a rate-limited create with the wait Aura asked for', () => {
    const error = new AuraRateLimitError({ ...init(429), retryAfterMs: 12_000 });
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'deferred',
      reason: 'rate-limited',
      retryAfterMs: 12_000,
      refused: true,
    });
  });

  it('defers a rate-limited create without Retry-After', () => {
    expect(classifyCreateFailure(new AuraRateLimitError(init(429)))).toEqual({
      kind: 'deferred',
      reason: 'rate-limited',
      retryAfterMs: undefined,
      refused: true,
    });
  });

  it('defers a create that never left (the token request failed): nothing can exist', () => {
    const tokenFailure = new AuraNetworkError({
      request: { method: 'POST', path: '/oauth/token' },
    });
    expect(classifyCreateFailure(tokenFailure)).toEqual({
      kind: 'deferred',
      reason: 'network',
      retryAfterMs: undefined,
      refused: true,
    });
  });

  it('rejects for good a create refused for missing billing details, with that reason', () => {
    const error = new AuraBadRequestError(init(400, 'missing-billing-details'));
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'rejected',
      reason: 'missing-billing-details',
      retryable: false,
    });
  });

  it('rejects for good a bad request without a reason, named after the code', () => {
    expect(classifyCreateFailure(new AuraBadRequestError(init(400)))).toEqual({
      kind: 'rejected',
      reason: 'bad-request',
      retryable: false,
    });
  });

  it.each([
    [
      'instance limit',
      new AuraInstanceLimitError(init(405, 'instance-limit-reached')),
      'instance-limit-reached',
    ],
    ['instance limit without a reason', new AuraInstanceLimitError(init(405)), 'instance-limit'],
    [
      'conflict',
      new AuraConflictError(init(409, 'operation-in-progress')),
      'operation-in-progress',
    ],
    ['server error', new AuraServerError(init(503)), 'server-error'],
  ])('rejects a create refused for %s retryably', (_, error, reason) => {
    expect(classifyCreateFailure(error)).toEqual({ kind: 'rejected', reason, retryable: true });
  });

  it('builds the instance limit error the way the client does', () => {
    const error = new AuraInstanceLimitError({
      status: 405,
      request: { method: 'POST', path: '/v1/instances' },
      body: { message: 'limit', errors: [{ message: 'limit', reason: 'instance-limit-reached' }] },
    });
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'rejected',
      reason: 'instance-limit-reached',
      retryable: true,
    });
  });

  it.each([
    ['authentication', new AuraAuthenticationError(init(401)), 'authentication'],
    ['permission', new AuraPermissionError(init(403, 'forbidden')), 'forbidden'],
    ['invalid configuration', new AuraConfigurationError('bad spec'), 'invalid-configuration'],
  ])('rejects a create refused for %s for good', (_, error, reason) => {
    expect(classifyCreateFailure(error)).toEqual({ kind: 'rejected', reason, retryable: false });
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'boom'],
    ['undefined', undefined],
    [
      'an object that only looks like an Aura error',
      { code: 'bad_request', name: 'AuraBadRequestError' },
    ],
  ])('rejects %s retryably as unexpected-error', (_, error) => {
    expect(classifyCreateFailure(error)).toEqual({
      kind: 'rejected',
      reason: 'unexpected-error',
      retryable: true,
    });
  });

  it('never puts the error message in the reason', () => {
    const error = new AuraBadRequestError({
      status: 400,
      request,
      body: { message: 'password hunter2 rejected', errors: [{ message: 'hunter2' }] },
    });
    expect(JSON.stringify(classifyCreateFailure(error))).not.toContain('hunter2');
  });
});
