import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/aura/defaults.js';
import {
  type AttemptFailure,
  decideRetry,
  parseRetryAfter,
  retryDelay,
} from '../../../src/aura/retry.js';

const backoff = { baseDelayMs: 500, maxDelayMs: 30_000 };
const options = { ...DEFAULTS.retry };
const lowest = () => 0;
const highest = () => 1 - Number.EPSILON;

const status = (code: number, retryAfterMs?: number): AttemptFailure => ({
  kind: 'status',
  status: code,
  retryAfterMs,
});

describe('retryDelay', () => {
  it('doubles with each attempt', () => {
    const delays = [0, 1, 2, 3, 4].map((attempt) =>
      retryDelay(attempt, undefined, lowest, backoff),
    );
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000]);
  });

  it('is capped by maxDelayMs however many attempts were made', () => {
    expect(retryDelay(20, undefined, highest, backoff)).toBe(30_000);
    expect(retryDelay(20, undefined, lowest, backoff)).toBe(15_000);
    expect(retryDelay(6, undefined, highest, backoff)).toBe(30_000); // 500 * 64 = 32 000
  });

  it('stays between half and all of the exponential delay for any random value in [0, 1)', () => {
    const randoms = [0, 1e-9, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999_999, highest()];
    for (let attempt = 0; attempt <= 8; attempt++) {
      const exponential = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** attempt);
      for (const r of randoms) {
        const delay = retryDelay(attempt, undefined, () => r, backoff);
        expect(delay).toBeGreaterThanOrEqual(exponential / 2);
        expect(delay).toBeLessThanOrEqual(exponential);
      }
    }
  });

  it('uses the random value to spread the delay', () => {
    expect(retryDelay(2, undefined, () => 0.5, backoff)).toBe(1_500);
  });

  it('never waits less than a Retry-After', () => {
    expect(retryDelay(0, 10_000, highest, backoff)).toBe(10_000);
    expect(retryDelay(0, 45_000, highest, backoff)).toBe(45_000); // above maxDelayMs too
  });

  it('keeps the backoff when the Retry-After is shorter', () => {
    expect(retryDelay(3, 100, lowest, backoff)).toBe(2_000);
  });
});

describe('decideRetry', () => {
  it('does not list 500 among the statuses retried by default', () => {
    expect(DEFAULTS.retry.statusCodes).toEqual([429, 502, 503, 504]);
  });

  it.each([
    ['429', status(429)],
    ['502', status(502)],
    ['503', status(503)],
    ['504', status(504)],
    ['a network error', { kind: 'network' } as const],
    ['a timeout', { kind: 'timeout' } as const],
  ])('retries an idempotent call after %s', (_, failure) => {
    const decision = decideRetry(1, failure, 'idempotent', lowest, options);
    expect(decision).toEqual({ retry: true, delayMs: retryDelay(1, undefined, lowest, options) });
  });

  it.each([400, 401, 403, 404, 409, 500])('does not retry an idempotent call after %i', (code) => {
    expect(decideRetry(0, status(code), 'idempotent', lowest, options)).toEqual({ retry: false });
  });

  it('retries a status added to statusCodes', () => {
    const with500 = { ...options, statusCodes: [...options.statusCodes, 500] };
    expect(decideRetry(0, status(500), 'idempotent', lowest, with500).retry).toBe(true);
  });

  it('retries an unsafe call after 429, where Aura created nothing', () => {
    expect(decideRetry(0, status(429), 'unsafe', lowest, options).retry).toBe(true);
  });

  it.each([
    ['502', status(502)],
    ['503', status(503)],
    ['504', status(504)],
    ['500', status(500)],
    ['a network error', { kind: 'network' } as const],
    ['a timeout', { kind: 'timeout' } as const],
  ])('does not retry an unsafe call after %s', (_, failure) => {
    expect(decideRetry(0, failure, 'unsafe', lowest, options)).toEqual({ retry: false });
  });

  it('stops once `limit` retries were made', () => {
    const limit = options.limit;
    expect(decideRetry(limit - 1, status(503), 'idempotent', lowest, options).retry).toBe(true);
    expect(decideRetry(limit, status(503), 'idempotent', lowest, options)).toEqual({
      retry: false,
    });
    expect(decideRetry(limit, status(429), 'unsafe', lowest, options)).toEqual({ retry: false });
  });

  it('waits out a Retry-After up to maxRetryAfterMs', () => {
    const decision = decideRetry(0, status(429, 60_000), 'idempotent', lowest, options);
    expect(decision).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('refuses to wait out a Retry-After above maxRetryAfterMs', () => {
    expect(decideRetry(0, status(429, 60_001), 'idempotent', lowest, options)).toEqual({
      retry: false,
    });
    expect(decideRetry(0, status(503, 120_000), 'idempotent', lowest, options)).toEqual({
      retry: false,
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 3 ', now)).toBe(3_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date as the time from the given now', () => {
    const header = 'Thu, 01 Jan 2026 12:00:05 GMT';
    expect(parseRetryAfter(header, now)).toBe(5_000);
    expect(parseRetryAfter(header, now - 60_000)).toBe(65_000);
  });

  it('reads the obsolete RFC 850 date form too', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 12:00:05 GMT', now)).toBe(5_000);
  });

  it('reads an asctime date as GMT whatever the local time zone', () => {
    expect(parseRetryAfter('Thu Jan  1 12:00:05 2026', now)).toBe(5_000);
  });

  it('does not take text that Date.parse happens to accept for a date', () => {
    expect(parseRetryAfter('foo 1', now)).toBeUndefined();
    expect(parseRetryAfter('Retry 5', now)).toBeUndefined();
    expect(parseRetryAfter('2026-01-01T12:00:05Z', now)).toBeUndefined();
  });

  it('reads a date in the past as zero, never negative', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 12:00:00 GMT', now)).toBe(0);
  });

  it.each([
    ['a missing header', null],
    ['an empty header', ''],
    ['a blank header', '   '],
    ['garbage', 'soon'],
    ['a unit', '5s'],
    ['a negative number', '-5'],
    ['a fraction', '1.5'],
    ['an exponent', '1e3'],
  ])('gives undefined, not "retry at once", for %s', (_, header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
