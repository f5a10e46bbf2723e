import { describe, expect, it } from 'vitest';
import { AuraRateLimitError } from '../../../src/aura/errors/http.js';
import { createRateLimiter } from '../../../src/aura/rate-limiter.js';
import { createTokenGate } from '../../../src/aura/token-gate.js';
import { createTestClock } from '../../../src/testing/test-clock.js';

const BACKOFF = { baseDelayMs: 60_000, maxDelayMs: 900_000 };
const refusal = () =>
  new AuraRateLimitError({
    status: 429,
    request: { method: 'POST', path: '/oauth/token' },
    body: { message: 'too many', errors: [] },
  });
const unlimited = { acquire: async () => {} };

describe('createTokenGate', () => {
  it('pauses for Retry-After when Aura sends one, never shorter', () => {
    const clock = createTestClock({ start: 0 });
    const gate = createTokenGate(clock, () => 0, unlimited, BACKOFF, 60_000);
    expect(gate.refused(refusal(), 5_000)).toBe(5_000);
  });

  it('backs off exponentially with jitter, capped, while 429s without Retry-After go on', () => {
    const clock = createTestClock({ start: 0 });
    const lowest = createTokenGate(clock, () => 0, unlimited, BACKOFF, 60_000);
    const highest = createTokenGate(clock, () => 0.999_999, unlimited, BACKOFF, 60_000);
    const low = Array.from({ length: 6 }, () => lowest.refused(refusal(), undefined));
    const high = Array.from({ length: 6 }, () => highest.refused(refusal(), undefined));
    expect(low).toEqual([30_000, 60_000, 120_000, 240_000, 450_000, 450_000]);
    expect(high).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  });

  it('starts the back-off afresh once a token is issued', () => {
    const clock = createTestClock({ start: 0 });
    const gate = createTokenGate(clock, () => 0, unlimited, BACKOFF, 60_000);
    gate.refused(refusal(), undefined);
    gate.refused(refusal(), undefined);
    gate.granted();
    expect(gate.refused(refusal(), undefined)).toBe(30_000);
  });

  it('holds a token request until the pause is over', async () => {
    const clock = createTestClock({ start: 0 });
    const gate = createTokenGate(clock, () => 0, unlimited, BACKOFF, 60_000);
    gate.refused(refusal(), 40_000);
    let entered = false;
    const entering = gate.enter().then(() => {
      entered = true;
    });
    await clock.advance(39_999);
    expect(entered).toBe(false);
    await clock.advance(1);
    await entering;
    expect(entered).toBe(true);
  });

  it('fails at once with the 429 when the pause is longer than a call may wait', async () => {
    const clock = createTestClock({ start: 0 });
    const gate = createTokenGate(clock, () => 0, unlimited, BACKOFF, 60_000);
    const error = refusal();
    gate.refused(error, 600_000);
    await expect(gate.enter()).rejects.toBe(error);
    await clock.advance(540_001);
    await expect(clock.runUntil(gate.enter())).resolves.toBeUndefined();
  });

  it('takes a slot of the token budget for each request', async () => {
    const clock = createTestClock({ start: 0 });
    const budget = createRateLimiter({ limit: 2, windowMs: 3_600_000, burst: 2 }, clock);
    const gate = createTokenGate(clock, () => 0, budget, BACKOFF, 60_000);
    await gate.enter();
    await gate.enter();
    let third = false;
    const entering = gate.enter().then(() => {
      third = true;
    });
    await clock.advance(3_599_000);
    expect(third).toBe(false);
    await clock.advance(2_000);
    await entering;
    expect(third).toBe(true);
  });
});
