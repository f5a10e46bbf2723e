import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, CLIENT, createBody, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

describe('request recording', () => {
  it('records every request in order with method, path, query, body, status and time', async () => {
    const token = await api.token();
    await clock.advance(5_000);
    await api.call('POST', '/instances', { token, body: createBody() });
    await api.call('GET', '/instances?tenantId=tenant-1', { token });
    await api.call('GET', '/nowhere', { token });
    const start = Date.UTC(2026, 0, 1);
    expect(aura.requests).toEqual([
      {
        method: 'POST',
        path: '/oauth/token',
        query: {},
        body: { grant_type: 'client_credentials' },
        status: 200,
        at: start,
        requestId: expect.any(String),
      },
      expect.objectContaining({
        method: 'POST',
        path: '/v1/instances',
        body: createBody(),
        status: 202,
        at: start + 5_000,
      }),
      expect.objectContaining({
        method: 'GET',
        path: '/v1/instances',
        query: { tenantId: 'tenant-1' },
        body: undefined,
        status: 200,
      }),
      expect.objectContaining({ path: '/v1/nowhere', status: 404 }),
    ]);
  });

  it('keeps the X-Request-Id of each answer, unique per request', async () => {
    const token = await api.token();
    const answers = [
      await api.call('GET', '/tenants', { token }),
      await api.call('GET', '/tenants/nobody', { token }),
    ];
    const ids = answers.map((a) => a.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(2);
    expect(aura.requests.slice(1).map((r) => r.requestId)).toEqual(ids);
  });

  it('records faulted requests too', async () => {
    const token = await api.token();
    aura.faults.failNext(1, { status: 500 });
    await api.call('GET', '/tenants', { token });
    expect(aura.requests.at(-1)).toMatchObject({ path: '/v1/tenants', status: 500 });
  });

  it('never holds the Authorization header, the client secret or the token', async () => {
    const secretInForm = `grant_type=client_credentials&client_secret=${CLIENT.clientSecret}`;
    await fetch(`${aura.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: secretInForm,
    });
    const token = await api.token();
    await api.call('GET', '/tenants', { token });
    const recorded = JSON.stringify(aura.requests);
    expect(recorded).not.toContain(CLIENT.clientSecret);
    expect(recorded).not.toContain(btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`));
    expect(recorded).not.toContain(token);
    expect(recorded.toLowerCase()).not.toContain('authorization');
    expect(aura.requests[0]?.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('hands out copies that callers cannot use to rewrite history', async () => {
    await api.token();
    const first = aura.requests[0];
    if (first) first.status = 999;
    expect(aura.requests[0]?.status).toBe(200);
  });

  it('starts afresh after reset()', async () => {
    await api.token();
    aura.reset();
    expect(aura.requests).toEqual([]);
  });
});
