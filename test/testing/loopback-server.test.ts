import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackServer } from '../../src/testing/index.js';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, createBody, requestToken } from '../support/aura-api.js';

// No MSW here: these requests go over real HTTP to 127.0.0.1.
const clock = createTestClock();
const aura = createAuraMock({ clock, notFoundAfterCreateMs: 20_000 });
let server: LoopbackServer;

/** Waits (event-loop turns, no timers) until the fake's latest request is to `path`. */
async function receivedRequestTo(path: string) {
  for (let i = 0; i < 10_000 && aura.requests.at(-1)?.path !== path; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect(aura.requests.at(-1)?.path).toBe(path);
}

beforeAll(async () => {
  server = await aura.listen({ port: 0 });
});
afterAll(() => server.close());

describe('loopback server', () => {
  it('listens on an ephemeral loopback port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the same as the fake: token, create, 404 window, creating, running', async () => {
    const api = apiOf(server.url);
    const token = await api.token();
    const created = await api.call('POST', '/instances', { token, body: createBody() });
    expect(created.status).toBe(202);
    expect(created.headers.get('x-request-id')).toMatch(/\S/);
    const { id } = (created.body as { data: { id: string } }).data;
    expect((await api.call('GET', `/instances/${id}`, { token })).status).toBe(404);
    await clock.advance(20_000);
    expect((await api.call('GET', `/instances/${id}`, { token })).body).toMatchObject({
      data: { status: 'creating' },
    });
    await clock.advance(70_000);
    expect((await api.call('GET', `/instances/${id}`, { token })).body).toMatchObject({
      data: { status: 'running' },
    });
    expect(aura.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth/token 200',
      'POST /v1/instances 202',
      `GET /v1/instances/${id} 404`,
      `GET /v1/instances/${id} 200`,
      `GET /v1/instances/${id} 200`,
    ]);
  });

  it('answers errors with their bodies and headers', async () => {
    expect((await requestToken(server.url, { clientId: 'x', clientSecret: '' })).status).toBe(401);
    aura.faults.failNext(1, { status: 429, retryAfter: 2 });
    const api = apiOf(server.url);
    const limited = await api.call('GET', '/tenants', { token: await api.token() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
  });

  it('destroys the socket for a dropped connection', async () => {
    const api = apiOf(server.url);
    const token = await api.token();
    aura.faults.dropConnectionNext(1);
    await expect(api.call('GET', '/tenants', { token })).rejects.toThrow(TypeError);
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
  });

  it('leaves a timed-out request hanging until the client gives up', async () => {
    const api = apiOf(server.url);
    const token = await api.token();
    aura.faults.timeoutNext(1);
    const controller = new AbortController();
    const pending = api.call('GET', '/tenants', { token, signal: controller.signal });
    await receivedRequestTo('/v1/tenants');
    controller.abort(new Error('client timeout'));
    await expect(pending).rejects.toThrow('client timeout');
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
  });

  it('closes with a request still parked', async () => {
    const other = await aura.listen();
    const api = apiOf(other.url);
    const token = await api.token();
    aura.faults.timeoutNext(1);
    const pending = api.call('GET', '/tenants', { token });
    pending.catch(() => {});
    await receivedRequestTo('/v1/tenants');
    await other.close();
    await expect(pending).rejects.toThrow(TypeError);
  });
});
