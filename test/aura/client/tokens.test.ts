import { describe, expect, it } from 'vitest';
import { AuraAuthenticationError, AuraPermissionError } from '../../../src/aura/index.js';
import {
  apiRequests,
  CREDENTIALS,
  rejectionOf,
  summary,
  tokenRequests,
  useAuraFake,
} from './setup.js';

const { setup } = useAuraFake();

const TTL_MS = 3_600_000;
const MARGIN_MS = 60_000;

describe('OAuth token', () => {
  it('is cached in memory: many calls, one token request', async () => {
    const { aura, fake, run } = setup();
    for (let i = 0; i < 20; i++) await run(aura.tenants.list());
    expect(apiRequests(fake)).toHaveLength(20);
    expect(tokenRequests(fake)).toHaveLength(1);
  });

  it('is kept until the refresh margin before expiry', async () => {
    const { aura, clock, fake, run } = setup();
    await run(aura.tenants.list());
    await clock.advance(TTL_MS - MARGIN_MS - 1);
    await run(aura.tenants.list());
    expect(tokenRequests(fake)).toHaveLength(1);
  });

  it('is refreshed ahead of expiry, before Aura answers 403', async () => {
    const { aura, clock, fake, run } = setup();
    await run(aura.tenants.list());
    await clock.advance(TTL_MS - MARGIN_MS + 1);
    await run(aura.tenants.list());
    expect(summary(fake.requests)).toEqual([
      'POST /oauth/token 200',
      'GET /v1/tenants 200',
      'POST /oauth/token 200',
      'GET /v1/tenants 200',
    ]);
  });

  it('is requested once however many calls race for it (single flight)', async () => {
    const { aura, fake, run } = setup({ fake: { rateLimit: false }, client: { rateLimit: false } });
    const calls = Array.from({ length: 1_000 }, () => aura.tenants.list());
    const results = await run(Promise.all(calls));
    expect(results).toHaveLength(1_000);
    expect(apiRequests(fake)).toHaveLength(1_000);
    expect(tokenRequests(fake)).toHaveLength(1);
  });

  it('is dropped and the request replayed once after a 403 for an expired token', async () => {
    const { aura, fake, run } = setup();
    await run(aura.tenants.list());
    fake.expireTokens();
    const tenants = await run(aura.tenants.list());
    expect(tenants).toHaveLength(1);
    expect(summary(fake.requests)).toEqual([
      'POST /oauth/token 200',
      'GET /v1/tenants 200',
      'GET /v1/tenants 403',
      'POST /oauth/token 200',
      'GET /v1/tenants 200',
    ]);
  });

  it('is dropped and the request replayed once after a 401', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 401, match: { method: 'GET', path: '/tenants' } });
    await run(aura.tenants.list());
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 401', 'GET /v1/tenants 200']);
    expect(tokenRequests(fake)).toHaveLength(2);
  });

  it('gives AuraPermissionError for a 403 that is no expired token, without asking for a token', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 403, match: { method: 'GET', path: '/tenants' } });
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraPermissionError);
    expect(summary(fake.requests)).toEqual(['POST /oauth/token 200', 'GET /v1/tenants 403']);
  });

  it('gives AuraPermissionError when a 403 that says "expired" persists after one replay', async () => {
    const { aura, fake, run } = setup();
    const body = { error: 'Token expired' };
    fake.faults.failNext(2, { status: 403, body, match: { method: 'GET', path: '/tenants' } });
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraPermissionError);
    expect(summary(fake.requests)).toEqual([
      'POST /oauth/token 200',
      'GET /v1/tenants 403',
      'POST /oauth/token 200',
      'GET /v1/tenants 403',
    ]);
  });

  it('replays a bare 403 once when the token is within minutes of its expiry', async () => {
    const { aura, clock, fake, run } = setup();
    await run(aura.tenants.list());
    await clock.advance(TTL_MS - 4 * MARGIN_MS);
    fake.faults.failNext(1, { status: 403, match: { method: 'GET', path: '/tenants' } });
    await run(aura.tenants.list());
    expect(summary(fake.requests).slice(2)).toEqual([
      'GET /v1/tenants 403',
      'POST /oauth/token 200',
      'GET /v1/tenants 200',
    ]);
  });

  it('costs at most one extra token request an hour for a stream of permission 403s', async () => {
    const { aura, clock, fake, run } = setup();
    const hours = 3;
    const calls = hours * 60;
    fake.faults.failNext(2 * calls, { status: 403, match: { method: 'GET', path: '/tenants' } });
    const errors: unknown[] = [];
    for (let i = 0; i < calls; i++) {
      errors.push(await run(aura.tenants.list()).catch((error: unknown) => error));
      await clock.advance(MARGIN_MS);
    }
    expect(errors.filter((error) => error instanceof AuraPermissionError)).toHaveLength(calls);
    // Without any 403: one token at the start and one refresh an hour.
    const withoutDenials = 1 + hours;
    expect(tokenRequests(fake).length).toBeLessThanOrEqual(withoutDenials + hours);
    expect(tokenRequests(fake).length).toBe(withoutDenials);
  });

  it('gives AuraAuthenticationError for a wrong client secret, and sends no API request', async () => {
    const { aura, fake, run } = setup({
      client: { clientSecret: `${CREDENTIALS.clientSecret}-wrong` },
    });
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraAuthenticationError);
    expect(summary(fake.requests)).toEqual(['POST /oauth/token 401']);
  });
});
