import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { admit } from '../../src/testing/rate-limit.js';
import { apiOf, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
const unlimited = createAuraMock({ clock, baseUrl: 'https://unlimited.test', rateLimit: false });
serveWithMsw(aura, unlimited);

describe('admit (sliding window)', () => {
  const rule = { limit: 2, windowMs: 10_000 };

  it('admits up to the limit, then refuses until the oldest arrival leaves', () => {
    const a = admit([], 0, rule);
    const b = admit(a.window, 4_000, rule);
    const refused = admit(b.window, 4_500, rule);
    expect([a.admitted, b.admitted, refused.admitted]).toEqual([true, true, false]);
    expect(refused).toMatchObject({ retryAfterSeconds: 6 });
    expect(admit(b.window, 10_000, rule).admitted).toBe(true);
  });

  it('rounds the wait up to whole seconds, at least one', () => {
    const full = admit(admit([], 0, rule).window, 0, rule).window;
    expect(admit(full, 9_999, rule)).toMatchObject({ retryAfterSeconds: 1 });
    expect(admit(full, 1, rule)).toMatchObject({ retryAfterSeconds: 10 });
  });

  it('gives refused requests no slot', () => {
    const full = admit(admit([], 0, rule).window, 0, rule).window;
    const refused = admit(full, 1_000, rule);
    expect(refused.window).toEqual([0, 0]);
  });
});

describe('rate limit of the fake', () => {
  it('answers 429 with Retry-After to the 126th request within a minute, then recovers', async () => {
    const api = apiOf(aura.baseUrl);
    const token = await api.token();
    await clock.advance(1_000);
    for (let i = 0; i < 125; i++) {
      const answer = await api.call('GET', '/tenants', { token });
      expect(answer.status).toBe(200);
      if (i === 0) await clock.advance(15_000);
    }
    const refused = await api.call('GET', '/tenants', { token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.headers.get('x-request-id')).toMatch(/\S/);
    expect(refused.body).toEqual({ error: expect.any(String) });

    // The token endpoint is not rate-limited.
    expect((await api.token()).length).toBeGreaterThan(0);

    await clock.advance(45_000);
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
    expect((await api.call('GET', '/tenants', { token })).status).toBe(429);
    await clock.advance(60_000);
    expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
  });

  it('counts requests whatever their answer, 401s included', async () => {
    const small = createAuraMock({ clock, rateLimit: { limit: 1, windowMs: 1_000 } });
    const hit = () => small.handle(new Request('https://api.neo4j.io/v1/tenants'));
    expect((await hit()).status).toBe(401);
    const refused = await hit();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('1');
  });

  it('can be turned off', async () => {
    const api = apiOf(unlimited.baseUrl);
    const token = await api.token();
    for (let i = 0; i < 130; i++) {
      expect((await api.call('GET', '/tenants', { token })).status).toBe(200);
    }
  });
});
