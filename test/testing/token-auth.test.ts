import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, CLIENT, requestToken, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
// Strict on purpose: given credentials, the fake takes only those.
const aura = createAuraMock({ clock, credentials: [CLIENT] });
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

describe('token endpoint', () => {
  it('issues a bearer token for known client credentials', async () => {
    const answer = await requestToken(aura.baseUrl);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toMatch(/\S/);
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^\w{20,}$/),
      expires_in: 3600,
      token_type: 'bearer',
    });
  });

  it('issues a different token on every request', async () => {
    expect(await api.token()).not.toBe(await api.token());
  });

  it('answers 401 invalid_client for a wrong secret', async () => {
    const answer = await requestToken(aura.baseUrl, { ...CLIENT, clientSecret: 'wrong' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it('answers 401 invalid_client for an unknown client id', async () => {
    const answer = await requestToken(aura.baseUrl, { ...CLIENT, clientId: 'nobody' });
    expect(answer.status).toBe(401);
  });

  it('answers 401 invalid_client without Basic auth', async () => {
    const response = await fetch(`${aura.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a grant type other than client_credentials', async () => {
    const answer = await requestToken(aura.baseUrl, CLIENT, 'grant_type=password');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('refuses a body that is not form-encoded', async () => {
    const response = await fetch(`${aura.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('accepts any of several configured clients', async () => {
    const other = createAuraMock({
      clock,
      baseUrl: 'https://other.test',
      credentials: [{ clientId: 'a', clientSecret: 'b' }],
    });
    const answer = await other.handle(
      new Request('https://other.test/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa('a:b')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      }),
    );
    expect(answer.status).toBe(200);
  });
});

describe('token endpoint without a credentials option', () => {
  const tokenFrom = (fake: ReturnType<typeof createAuraMock>, id: string, secret: string) =>
    fake.handle(
      new Request(`${fake.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa(`${id}:${secret}`)}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      }),
    );

  it('issues a token for any non-empty client id and secret', async () => {
    const open = createAuraMock({ clock, baseUrl: 'https://open.test' });
    for (const [id, secret] of [
      ['my-real-looking-id', 'my-secret'],
      [CLIENT.clientId, CLIENT.clientSecret],
    ] as const) {
      const answer = await tokenFrom(open, id, secret);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ token_type: 'bearer' });
    }
  });

  it('still answers 401 invalid_client for an empty id or secret', async () => {
    const open = createAuraMock({ clock, baseUrl: 'https://open.test' });
    for (const [id, secret] of [
      ['', 'secret'],
      ['id', ''],
    ] as const) {
      const answer = await tokenFrom(open, id, secret);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: 'invalid_client' });
    }
  });
});

describe('bearer tokens on /v1', () => {
  it('answers 401 without a token', async () => {
    const answer = await api.call('GET', '/tenants');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: expect.any(String) });
  });

  it('answers 401 for a token it never issued', async () => {
    const answer = await api.call('GET', '/tenants', { token: 'forged' });
    expect(answer.status).toBe(401);
  });

  it('answers 403 once the token outlived its ttl on the clock', async () => {
    const token = await api.token();
    await clock.advance(3_599_000);
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
    await clock.advance(1_000);
    const expired = await api.call('GET', '/tenants', { token });
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual({ error: expect.stringMatching(/expired/i) });
  });

  it('honours tokenTtlSeconds', async () => {
    const shortLived = createAuraMock({ clock, tokenTtlSeconds: 60 });
    const issued = await shortLived.handle(
      new Request('https://api.neo4j.io/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      }),
    );
    expect(await issued.json()).toMatchObject({ expires_in: 60 });
  });

  it('answers 403 for every token after expireTokens(), and a new token works', async () => {
    const first = await api.token();
    const second = await api.token();
    aura.expireTokens();
    expect((await api.call('GET', '/tenants', { token: first })).status).toBe(403);
    expect((await api.call('GET', '/tenants', { token: second })).status).toBe(403);
    expect((await api.call('GET', '/tenants', { token: await api.token() })).status).toBe(200);
  });
});
