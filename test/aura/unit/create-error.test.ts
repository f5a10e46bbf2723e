import { describe, expect, it } from 'vitest';
import { createHttpError, type FailedAnswer } from '../../../src/aura/create-error.js';
import { parseErrorBody } from '../../../src/aura/error-body.js';
import {
  AuraApiError,
  AuraAuthenticationError,
  AuraBadRequestError,
  AuraConflictError,
  AuraError,
  AuraHttpError,
  AuraInstanceLimitError,
  AuraNotFoundError,
  AuraPermissionError,
  AuraRateLimitError,
  AuraServerError,
} from '../../../src/aura/errors/index.js';

const request = { method: 'GET', path: '/v1/instances/x', requestId: 'r1' };

const answer = (status: number, extra: Partial<FailedAnswer> = {}): FailedAnswer => ({
  status,
  request,
  body: parseErrorBody('{"errors":[{"message":"DB not found: x","reason":"db-not-found"}]}'),
  ...extra,
});

describe('createHttpError', () => {
  it.each([
    [400, AuraBadRequestError, 'AuraBadRequestError', 'bad_request'],
    [415, AuraBadRequestError, 'AuraBadRequestError', 'bad_request'],
    [422, AuraBadRequestError, 'AuraBadRequestError', 'bad_request'],
    [401, AuraAuthenticationError, 'AuraAuthenticationError', 'authentication'],
    [403, AuraPermissionError, 'AuraPermissionError', 'permission'],
    [404, AuraNotFoundError, 'AuraNotFoundError', 'not_found'],
    [405, AuraInstanceLimitError, 'AuraInstanceLimitError', 'instance_limit'],
    [409, AuraConflictError, 'AuraConflictError', 'conflict'],
    [429, AuraRateLimitError, 'AuraRateLimitError', 'rate_limited'],
    [500, AuraServerError, 'AuraServerError', 'server_error'],
    [502, AuraServerError, 'AuraServerError', 'server_error'],
    [503, AuraServerError, 'AuraServerError', 'server_error'],
    [504, AuraServerError, 'AuraServerError', 'server_error'],
    [402, AuraApiError, 'AuraApiError', 'api_error'],
    [418, AuraApiError, 'AuraApiError', 'api_error'],
    [420, AuraApiError, 'AuraApiError', 'api_error'],
  ] as const)('maps %i to %o', (status, ErrorClass, name, code) => {
    const error = createHttpError(answer(status));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(AuraHttpError);
    expect(error).toBeInstanceOf(AuraError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe('r1');
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/v1/instances/x');
    expect(error.reason).toBe('db-not-found');
  });

  it("writes a message with status, request, Aura's words and the request id", () => {
    const error = createHttpError(answer(404, { statusText: 'Not Found' }));
    expect(error.message).toBe(
      'Aura answered 404 Not Found to GET /v1/instances/x: DB not found: x (db-not-found) [request id r1]',
    );
  });

  it('leaves out a missing status text and request id', () => {
    const error = createHttpError(
      answer(503, { request: { method: 'DELETE', path: '/v1/instances/y' } }),
    );
    expect(error.message).toBe(
      'Aura answered 503 to DELETE /v1/instances/y: DB not found: x (db-not-found)',
    );
    expect(error.requestId).toBeUndefined();
  });

  it('lists the offending fields of a bad request, as Aura names them', () => {
    const body = parseErrorBody(
      JSON.stringify({
        errors: [
          { message: 'bad memory', reason: 'invalid-memory', field: 'memory' },
          { message: 'no field here' },
          { message: 'bad provider', reason: 'invalid-provider', field: 'cloud_provider' },
        ],
      }),
    );
    const error = createHttpError(answer(400, { body }));
    expect(error).toBeInstanceOf(AuraBadRequestError);
    expect((error as AuraBadRequestError).fields).toEqual(['memory', 'cloud_provider']);
    expect(error.errors).toHaveLength(3);
    expect(error.reason).toBe('invalid-memory'); // the first reason given
  });

  it('keeps the Retry-After of a 429', () => {
    const error = createHttpError(answer(429, { retryAfterMs: 30_000 }));
    expect(error).toBeInstanceOf(AuraRateLimitError);
    expect((error as AuraRateLimitError).retryAfterMs).toBe(30_000);
    expect(error.toJSON()).toMatchObject({ retryAfterMs: 30_000 });
  });

  it('leaves reason undefined when the body had no entries', () => {
    const error = createHttpError(
      answer(502, { body: parseErrorBody('<html>Bad Gateway</html>') }),
    );
    expect(error.reason).toBeUndefined();
    expect(error.errors).toEqual([]);
  });
});
