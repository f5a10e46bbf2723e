import { describe, expect, it } from 'vitest';
import {
  AuraAbortError,
  AuraConfigurationError,
  AuraCreateOutcomeUnknownError,
  AuraInstanceFailedError,
  AuraInvalidResponseError,
  AuraNetworkError,
  AuraNotFoundError,
  AuraRateLimitError,
  AuraServerError,
  AuraTimeoutError,
  isAuraError,
} from '../../../src/aura/errors/index.js';

const request = { method: 'GET', path: '/v1/instances/x', requestId: 'r1' };

const notFound = () =>
  new AuraNotFoundError({
    status: 404,
    statusText: 'Not Found',
    request,
    body: {
      message: 'DB not found: x (db-not-found)',
      errors: [{ message: 'DB not found: x', reason: 'db-not-found' }],
    },
  });

describe('isAuraError', () => {
  it('recognises an Aura error, with or without its code', () => {
    const error = notFound();
    expect(isAuraError(error)).toBe(true);
    expect(isAuraError(error, 'not_found')).toBe(true);
  });

  it('rejects an Aura error of another code', () => {
    expect(isAuraError(notFound(), 'conflict')).toBe(false);
    expect(isAuraError(new AuraNetworkError({ request }), 'timeout')).toBe(false);
  });

  it('rejects a plain Error that only borrows the name and code', () => {
    const impostor = Object.assign(new Error('DB not found'), {
      name: 'AuraNotFoundError',
      code: 'not_found',
    });
    expect(isAuraError(impostor)).toBe(false);
    expect(isAuraError(impostor, 'not_found')).toBe(false);
  });

  it('recognises an error from another bundle by its global brand', () => {
    const foreign = {
      name: 'AuraNotFoundError',
      code: 'not_found',
      message: 'from another copy of the library',
      [Symbol.for('aura-provisioner.AuraError')]: true,
    };
    expect(isAuraError(foreign)).toBe(true);
    expect(isAuraError(foreign, 'not_found')).toBe(true);
    expect(isAuraError(foreign, 'conflict')).toBe(false);
  });

  it('rejects a brand that is not exactly true', () => {
    expect(isAuraError({ [Symbol.for('aura-provisioner.AuraError')]: 'yes' })).toBe(false);
  });

  it.each([null, undefined, 'AuraNotFoundError', 404, {}])('rejects %o', (value) => {
    expect(isAuraError(value)).toBe(false);
  });
});

describe('AuraHttpError', () => {
  it("serialises name, code, message, status, request and Aura's entries", () => {
    const error = notFound();
    expect(error.toJSON()).toEqual({
      name: 'AuraNotFoundError',
      code: 'not_found',
      message:
        'Aura answered 404 Not Found to GET /v1/instances/x: DB not found: x (db-not-found) [request id r1]',
      status: 404,
      requestId: 'r1',
      method: 'GET',
      path: '/v1/instances/x',
      reason: 'db-not-found',
      errors: [{ message: 'DB not found: x', reason: 'db-not-found' }],
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'AuraNotFoundError' });
  });

  it('adds retryAfterMs for a rate limit', () => {
    const error = new AuraRateLimitError({
      status: 429,
      request,
      body: { message: 'slow down', errors: [] },
      retryAfterMs: 5_000,
    });
    expect(Object.keys(error.toJSON())).toContain('retryAfterMs');
    expect(error.toJSON().retryAfterMs).toBe(5_000);
  });

  it('chains the cause', () => {
    const cause = new Error('socket hang up');
    const error = new AuraServerError({
      status: 502,
      request,
      body: { message: 'bad gateway', errors: [] },
      cause,
    });
    expect(error.cause).toBe(cause);
  });
});

describe('transport errors', () => {
  it('names the request a network error happened on', () => {
    const cause = new TypeError('fetch failed');
    const error = new AuraNetworkError({ request, cause });
    expect(error).toMatchObject({ name: 'AuraNetworkError', code: 'network', cause });
    expect(error.message).toBe('Network error on GET /v1/instances/x');
  });

  it('says what timed out and after how long', () => {
    expect(new AuraTimeoutError(30_000, { request }).message).toBe(
      'GET /v1/instances/x timed out after 30000 ms',
    );
    const wait = new AuraTimeoutError(1_200_000, { what: 'Waiting for instance x to run' });
    expect(wait).toMatchObject({ name: 'AuraTimeoutError', code: 'timeout', timeoutMs: 1_200_000 });
    expect(wait.message).toBe('Waiting for instance x to run timed out after 1200000 ms');
  });

  it('keeps the abort reason as the cause', () => {
    const reason = new Error('user left');
    const error = new AuraAbortError({ request, cause: reason });
    expect(error).toMatchObject({ name: 'AuraAbortError', code: 'aborted', cause: reason });
    expect(error.message).toBe('GET /v1/instances/x was aborted');
  });

  it('lists the issues of an invalid response in its message and JSON', () => {
    const issues = [
      { path: 'data.status', message: 'expected string' },
      { path: '', message: 'not JSON' },
    ];
    const error = new AuraInvalidResponseError(issues, { request, status: 200 });
    expect(error.message).toBe(
      'Aura answered GET /v1/instances/x with an unexpected body: data.status: expected string; (body): not JSON [request id r1]',
    );
    expect(error.toJSON()).toMatchObject({ code: 'invalid_response', issues, status: 200 });
  });
});

describe('usage errors', () => {
  it('names the wrong fields of a configuration error', () => {
    const error = new AuraConfigurationError('Invalid instance', [
      { path: 'name', message: 'must be 1–30 characters' },
    ]);
    expect(error).toMatchObject({ name: 'AuraConfigurationError', code: 'invalid_configuration' });
    expect(error.message).toBe('Invalid instance: name: must be 1–30 characters');
    expect(error.toJSON()).toMatchObject({ issues: [{ path: 'name' }] });
  });

  it('carries the request, status and cause of an unclear create', () => {
    const cause = new AuraTimeoutError(30_000, {
      request: { method: 'POST', path: '/v1/instances', requestId: 'r9' },
    });
    const error = new AuraCreateOutcomeUnknownError('user-42', 'tenant-1', cause);
    expect(error).toMatchObject({
      name: 'AuraCreateOutcomeUnknownError',
      code: 'create_outcome_unknown',
      mayHaveBeenCreated: true,
      instanceName: 'user-42',
      tenantId: 'tenant-1',
      method: 'POST',
      path: '/v1/instances',
      requestId: 'r9',
      cause,
    });
    expect(error.message).toContain('it may have been created');
    expect(error.toJSON()).toMatchObject({ instanceName: 'user-42', tenantId: 'tenant-1' });
  });

  it('says which instance failed and in which status', () => {
    const error = new AuraInstanceFailedError('abc', 'loading failed');
    expect(error.message).toBe(
      'Instance abc reached status "loading failed" and will not become running',
    );
    expect(error.toJSON()).toMatchObject({
      name: 'AuraInstanceFailedError',
      code: 'instance_failed',
      instanceId: 'abc',
      instanceStatus: 'loading failed',
    });
  });

  it('keeps its literal name in String() and the stack', () => {
    const error = new AuraInstanceFailedError('abc', 'destroying');
    expect(String(error)).toMatch(/^AuraInstanceFailedError: /);
    expect(error.stack).toMatch(/^AuraInstanceFailedError: /);
  });
});
