import { describe, expect, it } from 'vitest';
import { AuraClient, createRateLimiter, type RateLimiter } from '../../../src/aura/index.js';
import { busiestWindow } from '../../support/windows.js';
import { apiRequests, CREDENTIALS, summary, TENANT_ID, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const WINDOW = 60_000;

/** Resolves once the fake recorded a request answered `status` (real event-loop turns, no timers). */
async function answered(fake: { requests: readonly { status: number }[] }, status: number) {
  for (let i = 0; i < 1_000 && !fake.requests.some((r) => r.status === status); i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect(fake.requests.some((r) => r.status === status)).toBe(true);
}

describe('client-side rate limiter', () => {
  it("spaces 300 calls fired at once within Aura's 125 per minute: no 429", async () => {
    const { aura, clock, fake, run } = setup();
    const started = clock.now();
    const calls = Array.from({ length: 300 }, () => aura.tenants.list());
    const results = await run(Promise.all(calls));
    const elapsed = clock.now() - started;
    expect(results).toHaveLength(300);
    const requests = apiRequests(fake);
    expect(requests).toHaveLength(300);
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    expect(
      busiestWindow(
        requests.map((r) => r.at),
        WINDOW,
      ),
    ).toBe(125);
    expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW);
    expect(elapsed).toBeLessThan(3 * WINDOW);
  });

  it('honours a custom rateLimit', async () => {
    const { aura, clock, fake, run } = setup({
      fake: { rateLimit: false },
      client: { rateLimit: { limit: 10, windowMs: 1_000 } },
    });
    const started = clock.now();
    await run(Promise.all(Array.from({ length: 35 }, () => aura.tenants.list())));
    const times = apiRequests(fake).map((r) => r.at);
    expect(times).toHaveLength(35);
    expect(busiestWindow(times, 1_000)).toBe(10);
    // Three more windows, each widened by the default margin (a tenth of so short a window).
    expect(clock.now() - started).toBe(3 * 1_100);
  });

  it('is off with rateLimit: false', async () => {
    const { aura, clock, fake, run } = setup({
      fake: { rateLimit: false },
      client: { rateLimit: false },
    });
    const started = clock.now();
    await run(Promise.all(Array.from({ length: 200 }, () => aura.tenants.list())));
    expect(apiRequests(fake)).toHaveLength(200);
    expect(clock.now()).toBe(started);
  });

  it('has its token before it takes a slot: no slot is spent waiting for the token', async () => {
    const { clock, fake, run } = setup();
    const tokensAtAcquire: number[] = [];
    const rateLimiter: RateLimiter = {
      acquire: async () => {
        tokensAtAcquire.push(fake.requests.filter((r) => r.path === '/oauth/token').length);
      },
    };
    const aura = new AuraClient({ ...CREDENTIALS, tenantId: TENANT_ID, clock, rateLimiter });
    await run(Promise.all([aura.tenants.list(), aura.instances.list()]));
    expect(tokensAtAcquire).toEqual([1, 1]);
    expect(apiRequests(fake)).toHaveLength(2);
  });

  it('is shared by two clients given the same rateLimiter', async () => {
    const { aura, clock, fake, run } = setup({
      fake: { rateLimit: { limit: 10, windowMs: 1_000 } },
    });
    const limiter = createRateLimiter({ limit: 10, windowMs: 1_000 }, clock);
    const options = { ...CREDENTIALS, tenantId: TENANT_ID, clock, rateLimiter: limiter };
    const first = new AuraClient(options);
    const second = new AuraClient(options);
    expect(first.rateLimiter).toBe(limiter);
    expect(aura.rateLimiter).not.toBe(limiter);
    const calls = Array.from({ length: 15 }, () => [first.tenants.list(), second.instances.list()]);
    await run(Promise.all(calls.flat()));
    const requests = apiRequests(fake);
    expect(requests).toHaveLength(30);
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    expect(
      busiestWindow(
        requests.map((r) => r.at),
        1_000,
      ),
    ).toBe(10);
  });

  it('tells the limiter of a 429, so it can send less for a while', async () => {
    const { clock, fake, run } = setup();
    fake.faults.failNext(1, { status: 429, retryAfter: 1, match: { path: '/tenants' } });
    let rateLimited = 0;
    const inner = createRateLimiter({ limit: 125, windowMs: 60_000 }, clock);
    const rateLimiter: RateLimiter = { ...inner, onRateLimited: () => rateLimited++ };
    const aura = new AuraClient({ ...CREDENTIALS, tenantId: TENANT_ID, clock, rateLimiter });
    await run(aura.tenants.list());
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 429', 'GET /v1/tenants 200']);
    expect(rateLimited).toBe(1);
  });

  it('holds the other calls of the client after a 429 with Retry-After', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 429, retryAfter: 10, match: { path: '/tenants' } });
    const refused = aura.tenants.list();
    await answered(fake, 429);
    const other = aura.instances.list();
    await run(Promise.all([refused, other]));
    const [limited] = apiRequests(fake);
    const otherRequest = apiRequests(fake).find((r) => r.path === '/v1/instances');
    expect(summary(apiRequests(fake))).toEqual([
      'GET /v1/tenants 429',
      expect.stringMatching(/^GET \/v1\/(tenants|instances) 200$/),
      expect.stringMatching(/^GET \/v1\/(tenants|instances) 200$/),
    ]);
    expect(otherRequest?.at).toBeGreaterThanOrEqual((limited?.at ?? 0) + 10_000);
  });
});
