import { describe, expect, it } from 'vitest';
import {
  type AdaptiveLimit,
  adaptiveLimitAt,
  afterRateLimited,
} from '../../../src/aura/adaptive-limit.js';
import { createRateLimiter } from '../../../src/aura/rate-limiter.js';
import { createTestClock } from '../../../src/testing/test-clock.js';

const SETTINGS = { limit: 125, windowMs: 60_000, decrease: 0.5, increase: 3 };
const FRESH: AdaptiveLimit = { level: 125, since: Number.NEGATIVE_INFINITY };

describe('adaptiveLimitAt', () => {
  it('is the configured limit until a 429 without Retry-After', () => {
    expect(adaptiveLimitAt(FRESH, 0, SETTINGS)).toBe(125);
  });

  it('grows back by `increase` per full window, up to the limit', () => {
    const state = { level: 30, since: 0 };
    expect(adaptiveLimitAt(state, 59_999, SETTINGS)).toBe(30);
    expect(adaptiveLimitAt(state, 60_000, SETTINGS)).toBe(33);
    expect(adaptiveLimitAt(state, 10 * 60_000, SETTINGS)).toBe(60);
    expect(adaptiveLimitAt(state, 60 * 60_000, SETTINGS)).toBe(125);
  });
});

describe('afterRateLimited', () => {
  it('halves the budget at each 429 an interval apart, down to 1', () => {
    let state = FRESH;
    const levels: number[] = [];
    for (let i = 0; i < 9; i++) {
      state = afterRateLimited(state, i * 10_000, SETTINGS);
      levels.push(state.level);
    }
    // At 3 a minute, a 429 10 s after the decrease answers a request sent before it.
    expect(levels).toEqual([62, 31, 15, 7, 3, 3, 1, 1, 1]);
  });

  it('ignores a 429 within one interval of the new budget: a request sent before the decrease', () => {
    const first = afterRateLimited(FRESH, 0, SETTINGS);
    expect(afterRateLimited(first, 60_000 / 62 - 1, SETTINGS)).toBe(first);
    expect(afterRateLimited(first, 60_000 / 62, SETTINGS).level).toBe(31);
  });

  it('halves the grown budget, not the level it grew from', () => {
    const state = afterRateLimited({ level: 30, since: 0 }, 10 * 60_000, SETTINGS);
    expect(state).toEqual({ level: 30, since: 600_000 });
  });
});

describe('createRateLimiter after 429s without Retry-After', () => {
  it('sends no burst after one, and sends less at each, until they stop', async () => {
    const clock = createTestClock({ start: 0 });
    const limiter = createRateLimiter({ limit: 100, windowMs: 60_000, marginMs: 0 }, clock);
    const starts: number[] = [];
    const take = () => limiter.acquire().then(() => starts.push(clock.now()));
    await take();
    limiter.onRateLimited?.(undefined); // 100 -> 50: one every 1.2 s, no burst
    await clock.runUntil(Promise.all([take(), take(), take()]));
    expect(starts).toEqual([0, 1_200, 2_400, 3_600]);
    limiter.onRateLimited?.(undefined); // 50 -> 25: one every 2.4 s
    await clock.runUntil(Promise.all([take(), take()]));
    expect(starts.slice(4)).toEqual([3_600 + 2_400, 3_600 + 4_800]);
  });

  it('comes back to the full budget a few requests per window once the 429s stop', async () => {
    const clock = createTestClock({ start: 0 });
    const limiter = createRateLimiter({ limit: 100, windowMs: 60_000, marginMs: 0 }, clock);
    limiter.onRateLimited?.(undefined); // 50
    await clock.advance(10 * 60_000); // + 2 a window: 70
    const starts: number[] = [];
    const takes = Array.from({ length: 100 }, () =>
      limiter.acquire().then(() => starts.push(clock.now())),
    );
    await clock.runUntil(Promise.all(takes));
    const inFirstWindow = starts.filter((at) => at < 10 * 60_000 + 60_000).length;
    expect(inFirstWindow).toBe(70);
  });
});
