import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AuraApiError,
  AuraAuthenticationError,
  AuraBadRequestError,
  AuraConflictError,
  type AuraError,
  type AuraErrorCode,
  AuraInstanceLimitError,
  AuraNotFoundError,
  AuraPermissionError,
  AuraRateLimitError,
  AuraServerError,
  isAuraError,
} from '../../../src/aura/index.js';
import { apiRequests, rejectionOf, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

const LIST_TENANTS = { method: 'GET', path: '/tenants' };

type ErrorClass = abstract new (...args: never[]) => AuraError;
const statuses: [number, ErrorClass, string, AuraErrorCode][] = [
  [400, AuraBadRequestError, 'AuraBadRequestError', 'bad_request'],
  [401, AuraAuthenticationError, 'AuraAuthenticationError', 'authentication'],
  [402, AuraApiError, 'AuraApiError', 'api_error'],
  [403, AuraPermissionError, 'AuraPermissionError', 'permission'],
  [404, AuraNotFoundError, 'AuraNotFoundError', 'not_found'],
  [405, AuraInstanceLimitError, 'AuraInstanceLimitError', 'instance_limit'],
  [409, AuraConflictError, 'AuraConflictError', 'conflict'],
  [420, AuraApiError, 'AuraApiError', 'api_error'],
  [429, AuraRateLimitError, 'AuraRateLimitError', 'rate_limited'],
  [500, AuraServerError, 'AuraServerError', 'server_error'],
  [503, AuraServerError, 'AuraServerError', 'server_error'],
];

/** Fails the next `GET /tenants` (twice, so a 401/403 replay fails too), without retries. */
async function failedListing(options: { status: number; body?: unknown }) {
  const harness = setup({ client: { retry: { limit: 0 } } });
  harness.fake.faults.failNext(2, { ...options, match: LIST_TENANTS });
  const error = await rejectionOf(harness.run(harness.aura.tenants.list()));
  return { ...harness, error };
}

describe('typed errors', () => {
  it.each(statuses)(
    '%i gives %o, with literal name, code, status and request id',
    async (status, type, name, code) => {
      const { error, fake } = await failedListing({ status });
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ name, code, status, method: 'GET', path: '/v1/tenants' });
      expect(Object.getOwnPropertyDescriptor(error, 'name')?.value).toBe(name);
      const last = apiRequests(fake).at(-1);
      expect(last?.status).toBe(status);
      expect((error as AuraError).requestId).toBe(last?.requestId);
      expect(error.message).toContain(`${status}`);
      expect(error.message).toContain('GET /v1/tenants');
      expect(error.message).toContain(last?.requestId);
    },
  );

  it('are recognised by isAuraError, optionally by code', async () => {
    const { error } = await failedListing({ status: 404 });
    expect(isAuraError(error)).toBe(true);
    expect(isAuraError(error, 'not_found')).toBe(true);
    expect(isAuraError(error, 'conflict')).toBe(false);
    expect(isAuraError(new Error('plain'))).toBe(false);
    expect(isAuraError({ name: 'AuraNotFoundError', code: 'not_found' })).toBe(false);
    expect(isAuraError(null)).toBe(false);
  });

  it('are recognised by isAuraError across copies of the library (brand, not class)', () => {
    const fromAnotherCopy = Object.assign(new Error('x'), {
      [Symbol.for('aura-provisioner.AuraError')]: true,
      code: 'timeout',
    });
    expect(isAuraError(fromAnotherCopy, 'timeout')).toBe(true);
  });
});

describe('error bodies become readable messages', () => {
  it("Aura's errors[] shape: message, reason and field", async () => {
    const body = {
      errors: [
        { message: 'Name is too long', reason: 'invalid-request', field: 'name' },
        { message: 'Memory is not offered', reason: 'invalid-request', field: 'memory' },
      ],
    };
    const { error } = await failedListing({ status: 400, body });
    expect(error.message).toContain('Name is too long (invalid-request, field name)');
    expect(error.message).toContain('Memory is not offered');
    expect((error as AuraBadRequestError).reason).toBe('invalid-request');
    expect((error as AuraBadRequestError).fields).toEqual(['name', 'memory']);
  });

  it("the middleware's {error} shape", async () => {
    const { error } = await failedListing({ status: 502, body: { error: 'Upstream is down' } });
    expect(error.message).toBe(
      `Aura answered 502 Bad Gateway to GET /v1/tenants: Upstream is down [request id ${(error as AuraError).requestId}]`,
    );
  });

  it('an OAuth {error, error_description} shape', async () => {
    const body = { error: 'invalid_scope', error_description: 'Scope not allowed' };
    const { error } = await failedListing({ status: 400, body });
    expect(error.message).toContain('Scope not allowed (invalid_scope)');
  });

  it('a JSON body of neither shape', async () => {
    const { error } = await failedListing({ status: 500, body: { unexpected: true } });
    expect(error.message).toContain('unrecognised error body: {"unexpected":true}');
  });

  it('an HTML page from a proxy, cut short', async () => {
    const harness = setup({ client: { retry: { limit: 0 } } });
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'<p>nginx</p>'.repeat(50)}</body></html>`;
    server.use(
      http.get(`${harness.fake.baseUrl}/v1/tenants`, () =>
        HttpResponse.html(page, { status: 502, headers: { 'X-Request-Id': 'proxy-1' } }),
      ),
    );
    const error = await rejectionOf(harness.run(harness.aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraServerError);
    expect(error.message).toContain('unrecognised error body: <html><head><title>502 Bad Gateway');
    expect(error.message).toContain('…');
    expect(error.message.length).toBeLessThan(400);
    expect((error as AuraError).requestId).toBe('proxy-1');
  });

  it('an empty body', async () => {
    const harness = setup({ client: { retry: { limit: 0 } } });
    server.use(
      http.get(`${harness.fake.baseUrl}/v1/tenants`, () => new HttpResponse(null, { status: 504 })),
    );
    const error = await rejectionOf(harness.run(harness.aura.tenants.list()));
    expect(error.message).toContain('no error details in the body');
  });
});
