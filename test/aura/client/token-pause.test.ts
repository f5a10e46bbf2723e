import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuraRateLimitError, isAuraError } from '../../../src/aura/index.js';
import { apiRequests, tokenRequests, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

const MINUTE = 60_000;

/** The token endpoint answers 429 (with `retryAfter`, if given) until `until`; counts them. */
function lockOutTokens(
  baseUrl: string,
  clock: { now(): number },
  forMs: number,
  retryAfter?: number,
) {
  const start = clock.now();
  const now = () => clock.now() - start;
  const until = forMs;
  const refused: number[] = [];
  server.use(
    http.post(`${baseUrl}/oauth/token`, () => {
      if (now() >= until) return undefined; // on to the fake
      refused.push(now());
      const headers: Record<string, string> = retryAfter ? { 'Retry-After': `${retryAfter}` } : {};
      return HttpResponse.json({ error: 'too_many_requests' }, { status: 429, headers });
    }),
  );
  return refused;
}

describe('a token 429', () => {
  it('pauses every call of the client, with a growing back-off, through a 50-minute lockout', async () => {
    const { aura, clock, fake } = setup({ client: { random: () => 0.5 } });
    const refused = lockOutTokens(fake.baseUrl, clock, 50 * MINUTE);
    const outcomes: unknown[] = [];
    // A call every 30 s for an hour, as a busy app would make.
    for (let i = 0; i < 120; i++) {
      void aura.tenants.list().then(
        () => outcomes.push('ok'),
        (error: unknown) => outcomes.push(error),
      );
      await clock.advance(MINUTE / 2);
    }
    await clock.advance(30 * MINUTE);
    expect(outcomes).toHaveLength(120);
    const failures = outcomes.filter((outcome) => outcome !== 'ok');
    expect(failures.every((error) => error instanceof AuraRateLimitError)).toBe(true);
    // 1, 2, 4, 8 and 15 minutes (with jitter) of back-off: a handful of token requests, not 2 000.
    expect(refused.length).toBeLessThanOrEqual(10);
    expect(tokenRequests(fake).length).toBe(1);
    // Once the lockout and the pause after it are over, calls are served again.
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(5);
  });

  it('holds calls until Retry-After, then serves them all with one token request', async () => {
    const { aura, clock, fake, run } = setup();
    const start = clock.now();
    const refused = lockOutTokens(fake.baseUrl, clock, 20_000, 20);
    const calls = Array.from({ length: 20 }, () => aura.tenants.list());
    const results = await run(Promise.all(calls));
    expect(results).toHaveLength(20);
    expect(refused).toEqual([0]);
    expect(tokenRequests(fake).map((request) => request.at - start)).toEqual([20_000]);
    expect(apiRequests(fake)).toHaveLength(20);
  });

  it('fails a call at once, without a token request, while a long pause holds', async () => {
    const { aura, clock, fake, run } = setup();
    const refused = lockOutTokens(fake.baseUrl, clock, 30 * MINUTE, 1_800);
    const first = await run(aura.tenants.list()).catch((error: unknown) => error);
    expect(isAuraError(first, 'rate_limited')).toBe(true);
    await clock.advance(10 * MINUTE);
    const second = await run(aura.tenants.list()).catch((error: unknown) => error);
    expect(isAuraError(second, 'rate_limited')).toBe(true);
    expect(refused).toHaveLength(1);
  });
});

describe('the token budget', () => {
  it('sends at most 15 token requests an hour, however often tokens are refused as spent', async () => {
    const { aura, clock, fake } = setup();
    const start = clock.now();
    // Every API request answers 401: each call drops its token and asks for another.
    server.use(
      http.get(`${fake.baseUrl}/v1/tenants`, () =>
        HttpResponse.json({ error: 'Unauthorized' }, { status: 401 }),
      ),
    );
    for (let i = 0; i < 60; i++) {
      void aura.tenants.list().catch(() => {});
      await clock.advance(MINUTE);
    }
    const at = tokenRequests(fake).map((request) => request.at - start);
    const inFirstHour = at.filter((time) => time < 60 * MINUTE);
    expect(inFirstHour.length).toBe(15);
  });
});
