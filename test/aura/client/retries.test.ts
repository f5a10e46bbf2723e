import { describe, expect, it } from 'vitest';
import {
  AuraBadRequestError,
  AuraRateLimitError,
  AuraServerError,
} from '../../../src/aura/index.js';
import { apiRequests, rejectionOf, summary, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const LIST_TENANTS = { method: 'GET', path: '/tenants' };

/** `at` of each recorded API request, relative to the first. */
const gaps = (requests: { at: number }[]) =>
  requests.slice(1).map((request, i) => request.at - (requests[i] as { at: number }).at);

describe('an idempotent GET', () => {
  it.each([429, 502, 503, 504])('is retried on %i and then succeeds', async (status) => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(2, { status, match: LIST_TENANTS });
    expect(await run(aura.tenants.list())).toHaveLength(1);
    expect(summary(apiRequests(fake))).toEqual([
      `GET /v1/tenants ${status}`,
      `GET /v1/tenants ${status}`,
      'GET /v1/tenants 200',
    ]);
  });

  it('is retried after a dropped connection and then succeeds', async () => {
    const { aura, fake, run } = setup();
    fake.faults.dropConnectionNext(1, { match: LIST_TENANTS });
    expect(await run(aura.tenants.list())).toHaveLength(1);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 0', 'GET /v1/tenants 200']);
  });

  it('is retried after the attempt timeout fires (on the test clock) and then succeeds', async () => {
    const { aura, fake, run } = setup({ client: { timeoutMs: 10_000 } });
    fake.faults.timeoutNext(1, { match: LIST_TENANTS });
    expect(await run(aura.tenants.list())).toHaveLength(1);
    const requests = apiRequests(fake);
    expect(summary(requests)).toEqual(['GET /v1/tenants 0', 'GET /v1/tenants 200']);
    expect(gaps(requests)[0]).toBeGreaterThanOrEqual(10_000);
  });

  it.each([
    [500, AuraServerError],
    [400, AuraBadRequestError],
  ])('is not retried on %i', async (status, type) => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status, match: LIST_TENANTS });
    expect(await rejectionOf(run(aura.tenants.list()))).toBeInstanceOf(type);
    expect(summary(apiRequests(fake))).toEqual([`GET /v1/tenants ${status}`]);
  });

  it('waits out a Retry-After in seconds before retrying', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 503, retryAfter: 17, match: LIST_TENANTS });
    await run(aura.tenants.list());
    const requests = apiRequests(fake);
    expect(requests).toHaveLength(2);
    expect(gaps(requests)[0]).toBeGreaterThanOrEqual(17_000);
  });

  it('waits out a Retry-After given as an HTTP date before retrying', async () => {
    const { aura, clock, fake, run } = setup();
    const retryAt = clock.now() + 23_000;
    fake.faults.failNext(1, {
      status: 429,
      retryAfter: new Date(retryAt).toUTCString(),
      match: LIST_TENANTS,
    });
    await run(aura.tenants.list());
    const requests = apiRequests(fake);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.at).toBeGreaterThanOrEqual(retryAt);
  });

  it('fails at once with AuraRateLimitError when Retry-After exceeds the ceiling', async () => {
    const { aura, clock, fake, run } = setup({ client: { retry: { maxRetryAfterMs: 30_000 } } });
    fake.faults.failNext(1, { status: 429, retryAfter: 31, match: LIST_TENANTS });
    const started = clock.now();
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraRateLimitError);
    expect((error as AuraRateLimitError).retryAfterMs).toBe(31_000);
    expect(clock.now()).toBe(started);
    expect(apiRequests(fake)).toHaveLength(1);
  });

  it('is retried at most `retry.limit` times', async () => {
    const { aura, fake, run } = setup({ client: { retry: { limit: 2 } } });
    fake.faults.failNext(10, { status: 503, match: LIST_TENANTS });
    expect(await rejectionOf(run(aura.tenants.list()))).toBeInstanceOf(AuraServerError);
    expect(apiRequests(fake)).toHaveLength(3);
  });

  it('is retried 4 times by default', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(10, { status: 502, match: LIST_TENANTS });
    expect(await rejectionOf(run(aura.tenants.list()))).toBeInstanceOf(AuraServerError);
    expect(apiRequests(fake)).toHaveLength(5);
  });

  it('backs off exponentially between retries', async () => {
    const { aura, fake, run } = setup({ client: { random: () => 0 } });
    fake.faults.failNext(3, { status: 503, match: LIST_TENANTS });
    await run(aura.tenants.list());
    // Equal jitter with random() = 0: half of 500, 1000, 2000 ms.
    expect(gaps(apiRequests(fake))).toEqual([250, 500, 1_000]);
  });
});
