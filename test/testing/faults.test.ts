import { describe, expect, it } from 'vitest';
import {
  AuraMockConfigurationError,
  createAuraMock,
  createTestClock,
} from '../../src/testing/index.js';
import { apiOf, createBody, requestToken, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

/** Waits (real turns of the event loop, no timers) until the fake received `count` requests. */
async function receivedRequests(count: number) {
  for (let i = 0; i < 1_000 && aura.requests.length < count; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect(aura.requests.length).toBeGreaterThanOrEqual(count);
}

describe('failNext', () => {
  it('answers the status with the real error shape, then answers normally', async () => {
    const token = await api.token();
    aura.faults.failNext(2, { status: 503 });
    for (let i = 0; i < 2; i++) {
      const answer = await api.call('GET', '/tenants', { token });
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: 'Service Unavailable' });
      expect(answer.headers.get('x-request-id')).toMatch(/\S/);
    }
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
    expect(aura.faults.pending).toBe(0);
  });

  it('sends a given body and Retry-After', async () => {
    const token = await api.token();
    aura.faults.failNext(1, { status: 429, retryAfter: 7, body: { error: 'slow down' } });
    const answer = await api.call('GET', '/tenants', { token });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.body).toEqual({ error: 'slow down' });
  });

  it('uses the Aura error shape for statuses the API answers that way', async () => {
    const token = await api.token();
    aura.faults.failNext(1, { status: 409 });
    const answer = await api.call('GET', '/tenants', { token });
    expect(answer.body).toEqual({
      errors: [{ message: expect.any(String), reason: 'ongoing-database-operation' }],
    });
  });

  it('applies only to matching requests', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'target' });
    aura.faults.failNext(1, { status: 500, match: { method: 'GET', path: /^\/instances\/\w+$/ } });
    expect((await api.call('GET', '/instances', { token })).status).toBe(200);
    expect((await api.call('POST', `/instances/${id}/pause`, { token })).status).toBe(202);
    expect((await api.call('GET', `/instances/${id}`, { token })).status).toBe(500);
  });

  it('leaves the token endpoint alone unless its path is named', async () => {
    aura.faults.failNext(1, { status: 502 });
    expect((await requestToken(aura.baseUrl)).status).toBe(200);
    aura.faults.clear();
    aura.faults.failNext(1, { status: 502, match: { path: '/oauth/token' } });
    expect((await requestToken(aura.baseUrl)).status).toBe(502);
  });

  it('refuses a status that is no HTTP answer', () => {
    expect(() => aura.faults.failNext(1, { status: 0 })).toThrow(AuraMockConfigurationError);
  });

  it('changes no state', async () => {
    const token = await api.token();
    aura.faults.failNext(1, { status: 500, match: { method: 'POST', path: '/instances' } });
    await api.call('POST', '/instances', { token, body: createBody() });
    expect(aura.instances).toEqual([]);
  });
});

describe('timeoutNext', () => {
  it('never answers; the request ends when the client aborts', async () => {
    const token = await api.token();
    aura.faults.timeoutNext(1);
    const controller = new AbortController();
    const pending = api.call('GET', '/tenants', { token, signal: controller.signal });
    await receivedRequests(2);
    controller.abort(new Error('client timeout'));
    await expect(pending).rejects.toThrow('client timeout');
    expect(aura.requests[1]).toMatchObject({ path: '/v1/tenants', status: 0 });
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
  });

  it('ends a waiting request with a network error on reset()', async () => {
    const token = await api.token();
    aura.faults.timeoutNext(1);
    const pending = api.call('GET', '/tenants', { token });
    await receivedRequests(2);
    aura.reset();
    await expect(pending).rejects.toThrow(TypeError);
  });
});

describe('malformedNext', () => {
  it('answers 200 with a body that is not JSON', async () => {
    const token = await api.token();
    aura.faults.malformedNext(1);
    const answer = await api.call('GET', '/tenants', { token });
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('answers 202 with JSON of the wrong shape to a POST', async () => {
    const token = await api.token();
    aura.faults.malformedNext(1, { variant: 'wrong-shape' });
    const answer = await api.call('POST', '/instances', { token, body: createBody() });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ data: { id: 42 } });
    expect(aura.instances).toEqual([]);
  });
});

describe('createSucceedsThenTimeout', () => {
  it('creates the instance, then never answers', async () => {
    const token = await api.token();
    aura.faults.createSucceedsThenTimeout(1);
    const controller = new AbortController();
    const pending = api.call('POST', '/instances', {
      token,
      body: createBody(),
      signal: controller.signal,
    });
    await receivedRequests(2);
    expect(aura.instances).toHaveLength(1);
    controller.abort(new Error('client timeout'));
    await expect(pending).rejects.toThrow('client timeout');
    expect(aura.requests[1]).toMatchObject({ method: 'POST', status: 0 });
  });

  it('lets a refused create answer and stays queued for the next success', async () => {
    const token = await api.token();
    aura.faults.createSucceedsThenTimeout(1);
    const bad = await api.call('POST', '/instances', { token, body: createBody({ name: '' }) });
    expect(bad.status).toBe(400);
    expect(aura.faults.pending).toBe(1);
  });
});

describe('dropConnectionNext', () => {
  it('fails like a network error and changes nothing', async () => {
    const token = await api.token();
    aura.faults.dropConnectionNext(1, { match: { method: 'POST' } });
    const dropped = api.call('POST', '/instances', { token, body: createBody() });
    await expect(dropped).rejects.toThrow(TypeError);
    expect(aura.instances).toEqual([]);
    expect(aura.requests[1]).toMatchObject({ method: 'POST', status: 0 });
    expect((await api.call('POST', '/instances', { token, body: createBody() })).status).toBe(202);
  });
});

describe('fault order', () => {
  it('applies queued rules in order and does not count faulted requests against the rate limit', async () => {
    const small = createAuraMock({ clock, rateLimit: { limit: 1, windowMs: 60_000 } });
    small.faults.failNext(1, { status: 500 });
    small.faults.failNext(1, { status: 502 });
    const hit = async () =>
      (await small.handle(new Request('https://api.neo4j.io/v1/tenants'))).status;
    expect([await hit(), await hit(), await hit(), await hit()]).toEqual([500, 502, 401, 429]);
  });
});
