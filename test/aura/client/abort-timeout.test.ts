import { describe, expect, it } from 'vitest';
import {
  AuraAbortError,
  AuraCreateOutcomeUnknownError,
  AuraTimeoutError,
  isAuraError,
} from '../../../src/aura/index.js';
import type { TestClock } from '../../../src/testing/index.js';
import { apiRequests, INSTANCE_SPEC, rejectionOf, summary, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const LIST_TENANTS = { method: 'GET', path: '/tenants' };
const CREATE = { method: 'POST', path: '/instances' };

/** A signal that aborts `ms` from now on the test clock. */
function abortAfter(clock: TestClock, ms: number): AbortSignal {
  const controller = new AbortController();
  void clock.sleep(ms).then(() => controller.abort(new Error('caller gave up')));
  return controller.signal;
}

describe('a per-call signal', () => {
  it('aborts a request in flight with AuraAbortError, without retrying', async () => {
    const { aura, clock, fake, run } = setup();
    fake.faults.timeoutNext(1, { match: LIST_TENANTS });
    const started = clock.now();
    const signal = abortAfter(clock, 2_000);
    const error = await rejectionOf(run(aura.tenants.list({ signal })));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(clock.now() - started).toBe(2_000);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 0']);
  });

  it('aborts the wait for a retry with AuraAbortError', async () => {
    const { aura, clock, fake, run } = setup();
    fake.faults.failNext(1, { status: 503, retryAfter: 30, match: LIST_TENANTS });
    const started = clock.now();
    const signal = abortAfter(clock, 5_000);
    const error = await rejectionOf(run(aura.tenants.list({ signal })));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(clock.now() - started).toBe(5_000);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 503']);
  });

  it('already aborted: AuraAbortError and nothing sent', async () => {
    const { aura, fake, run } = setup();
    const error = await rejectionOf(run(aura.tenants.list({ signal: AbortSignal.abort() })));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(fake.requests).toEqual([]);
  });

  it('aborting a create before it was sent is a plain AuraAbortError', async () => {
    const { aura, fake, run } = setup();
    const error = await rejectionOf(
      run(aura.instances.create(INSTANCE_SPEC, { signal: AbortSignal.abort() })),
    );
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(isAuraError(error, 'create_outcome_unknown')).toBe(false);
    expect(fake.requests).toEqual([]);
  });

  it('aborting a create queued behind the rate limiter is a plain AuraAbortError', async () => {
    const { aura, clock, fake, run } = setup({
      client: { rateLimit: { limit: 1, windowMs: 60_000 } },
    });
    await run(aura.tenants.list());
    const signal = abortAfter(clock, 1_000);
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC, { signal })));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 200']);
  });

  it('aborting a create after it was sent is AuraCreateOutcomeUnknownError', async () => {
    const { aura, clock, fake, run } = setup();
    fake.faults.createSucceedsThenTimeout(1);
    const signal = abortAfter(clock, 1_000);
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC, { signal })));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    expect(error.cause).toBeInstanceOf(AuraAbortError);
    expect(fake.instances).toHaveLength(1);
  });

  it('aborting a create while it waits to retry a 429 is a plain AuraAbortError', async () => {
    const { aura, clock, fake, run } = setup();
    fake.faults.failNext(1, { status: 429, retryAfter: 20, match: CREATE });
    const signal = abortAfter(clock, 1_000);
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC, { signal })));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(fake.instances).toEqual([]);
  });
});

describe('a per-call timeout', () => {
  it('overrides the client timeout for one attempt', async () => {
    const { aura, clock, fake, run } = setup({ client: { retry: { limit: 0 } } });
    fake.faults.timeoutNext(1, { match: LIST_TENANTS });
    const started = clock.now();
    const error = await rejectionOf(run(aura.tenants.list({ timeoutMs: 4_000 })));
    expect(error).toBeInstanceOf(AuraTimeoutError);
    expect((error as AuraTimeoutError).timeoutMs).toBe(4_000);
    expect(clock.now() - started).toBe(4_000);
  });

  it('defaults to the client timeout (30 s unless set)', async () => {
    const { aura, clock, fake, run } = setup({ client: { retry: { limit: 0 } } });
    fake.faults.timeoutNext(1, { match: LIST_TENANTS });
    const started = clock.now();
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraTimeoutError);
    expect(clock.now() - started).toBe(30_000);
  });
});
