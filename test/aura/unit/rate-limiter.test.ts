import { describe, expect, it } from 'vitest';
import { AuraConfigurationError } from '../../../src/aura/errors/index.js';
import {
  createRateLimiter,
  defaultMarginMs,
  type RateLimitOptions,
} from '../../../src/aura/rate-limiter.js';
import { createTestClock } from '../../../src/testing/test-clock.js';

/**
 * A limiter on a test clock starting at 0, recording when each acquire completes. No margin
 * unless `options` give one: most tests here prove the window itself; the margin has its own.
 */
function setup(limit: number, windowMs: number, options: Partial<RateLimitOptions> = {}) {
  const clock = createTestClock({ start: 0 });
  const limiter = createRateLimiter({ limit, windowMs, marginMs: 0, ...options }, clock);
  const completed: { label: string; at: number }[] = [];
  const acquire = (label: string, signal?: AbortSignal) =>
    limiter.acquire(signal).then(() => {
      completed.push({ label, at: clock.now() });
    });
  const doneAt = (label: string) => completed.find((entry) => entry.label === label)?.at;
  return { clock, limiter, completed, acquire, doneAt };
}

/** The most completion times found in any window [t, t + windowMs). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (const [i, start] of sorted.entries()) {
    most = Math.max(most, sorted.slice(i).filter((t) => t < start + windowMs).length);
  }
  return most;
}

describe('createRateLimiter', () => {
  it('lets `limit` acquires through at once', async () => {
    const { clock, acquire, completed } = setup(3, 1_000);
    await clock.runUntil(Promise.all([acquire('a'), acquire('b'), acquire('c')]));
    expect(completed.map((entry) => entry.at)).toEqual([0, 0, 0]);
  });

  it('holds the acquire after `limit` until the first one plus the window', async () => {
    const { clock, acquire, doneAt } = setup(3, 1_000);
    void acquire('first');
    await clock.advance(200);
    void acquire('second');
    await clock.advance(200);
    void acquire('third');
    await clock.advance(100);
    const fourth = acquire('fourth');
    void acquire('fifth');

    await clock.advance(499); // t = 999
    expect(doneAt('fourth')).toBeUndefined();
    await clock.advance(1); // t = 1000
    expect(doneAt('fourth')).toBe(1_000);
    await fourth;
    expect(doneAt('fifth')).toBeUndefined();
    await clock.advance(200);
    expect(doneAt('fifth')).toBe(1_200); // the second one plus the window
  });

  it('never completes more than `limit` acquires in any window', async () => {
    const limit = 5;
    const windowMs = 1_000;
    const { clock, acquire, completed } = setup(limit, windowMs);
    // Bursts and lulls from a fixed linear congruential sequence.
    let seed = 7;
    const nextGap = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 3 === 0 ? 0 : seed % 700;
    };
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      pending.push(acquire(String(i)));
      await clock.advance(nextGap());
    }
    await clock.runUntil(Promise.all(pending));

    const times = completed.map((entry) => entry.at);
    expect(times).toHaveLength(50);
    expect(busiestWindow(times, windowMs)).toBeLessThanOrEqual(limit);
    // It spaces requests, it does not stall them: 50 at 5/s take about 9 s.
    expect(Math.max(...times)).toBeLessThan(50_000);
  });

  it('serves waiting callers first come, first served', async () => {
    const { clock, acquire, completed } = setup(2, 1_000);
    const labels = Array.from({ length: 9 }, (_, i) => `caller-${i}`);
    await clock.runUntil(Promise.all(labels.map((label) => acquire(label))));
    expect(completed.map((entry) => entry.label)).toEqual(labels);
    expect(completed.map((entry) => entry.at)).toEqual([
      0, 0, 1_000, 1_000, 2_000, 2_000, 3_000, 3_000, 4_000,
    ]);
  });

  it('serves high priority ahead of earlier normal waiters, taking turns while both wait', async () => {
    const clock = createTestClock({ start: 0 });
    const limiter = createRateLimiter({ limit: 1, windowMs: 1_000, marginMs: 0 }, clock);
    const served: string[] = [];
    const acquire = (label: string, priority: 'high' | 'normal') =>
      limiter.acquire(undefined, priority).then(() => served.push(label));
    await limiter.acquire(); // the slot of this window is taken: everyone below waits
    const waiting = [
      ...['n1', 'n2', 'n3'].map((label) => acquire(label, 'normal')),
      ...['h1', 'h2', 'h3', 'h4', 'h5'].map((label) => acquire(label, 'high')),
    ];
    await clock.runUntil(Promise.all(waiting));
    // A create (normal) queued behind a burst of status reads (high) waits one slot, not five;
    // once no normal waiter is left, the high ones go back to back.
    expect(served).toEqual(['h1', 'n1', 'h2', 'n2', 'h3', 'n3', 'h4', 'h5']);
  });

  it('holds new acquirers after pauseUntil', async () => {
    const { clock, limiter, acquire, doneAt } = setup(10, 1_000);
    limiter.pauseUntil?.(5_000);
    void acquire('new');
    await clock.advance(4_999);
    expect(doneAt('new')).toBeUndefined();
    await clock.advance(1);
    expect(doneAt('new')).toBe(5_000);
  });

  it('holds acquirers that were already waiting when pauseUntil is called', async () => {
    const { clock, limiter, acquire, doneAt } = setup(1, 1_000);
    void acquire('first');
    void acquire('waiting'); // due at 1 000
    await clock.advance(100);
    limiter.pauseUntil?.(5_000);

    await clock.advance(4_899); // t = 4 999
    expect(doneAt('waiting')).toBeUndefined();
    await clock.advance(1);
    expect(doneAt('waiting')).toBe(5_000);
  });

  it('spaces acquires after a pause by the window, not all at its end', async () => {
    const { clock, limiter, acquire, completed } = setup(2, 1_000);
    limiter.pauseUntil?.(5_000);
    await clock.runUntil(Promise.all(['a', 'b', 'c', 'd'].map((label) => acquire(label))));
    expect(completed.map((entry) => entry.at)).toEqual([5_000, 5_000, 6_000, 6_000]);
  });

  it('does not shorten a pause with an earlier pauseUntil', async () => {
    const { clock, limiter, acquire, doneAt } = setup(10, 1_000);
    limiter.pauseUntil?.(5_000);
    limiter.pauseUntil?.(2_000);
    void acquire('new');
    await clock.advance(4_999);
    expect(doneAt('new')).toBeUndefined();
    await clock.advance(1);
    expect(doneAt('new')).toBe(5_000);
  });

  // A slot is taken when handed out, not reserved ahead: a pause re-plans
  // everyone queued (limit 1: the two waiters start a window apart after it).
  it('keeps the window limit for acquirers queued across a pause', async () => {
    const { clock, limiter, acquire, completed } = setup(1, 1_000);
    const pending = [acquire('first'), acquire('waiting')];
    await clock.advance(100);
    limiter.pauseUntil?.(5_000);
    pending.push(acquire('after-pause'));
    await clock.runUntil(Promise.all(pending));
    expect(
      busiestWindow(
        completed.map((entry) => entry.at),
        1_000,
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('rejects a waiting acquire with the reason of its aborted signal', async () => {
    const { clock, acquire, doneAt } = setup(1, 1_000);
    void acquire('first');
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waiting = acquire('waiting', controller.signal);
    const outcome = waiting.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await clock.advance(300);
    controller.abort(reason);

    expect(await outcome).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(1_000);
    expect(doneAt('waiting')).toBeUndefined();
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const { acquire } = setup(1, 1_000);
    const reason = new Error('already aborted');
    await expect(acquire('late', AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it.each([
    ['a limit of 0', { limit: 0, windowMs: 1_000 }, 'limit'],
    ['a negative limit', { limit: -1, windowMs: 1_000 }, 'limit'],
    ['a fractional limit', { limit: 1.5, windowMs: 1_000 }, 'limit'],
    ['a NaN limit', { limit: Number.NaN, windowMs: 1_000 }, 'limit'],
    ['a window of 0', { limit: 1, windowMs: 0 }, 'windowMs'],
    ['a negative window', { limit: 1, windowMs: -1 }, 'windowMs'],
    ['a NaN window', { limit: 1, windowMs: Number.NaN }, 'windowMs'],
    ['a burst of 0', { limit: 1, windowMs: 1_000, burst: 0 }, 'burst'],
    ['a negative margin', { limit: 1, windowMs: 1_000, marginMs: -1 }, 'marginMs'],
    ['an infinite margin', { limit: 1, windowMs: 1_000, marginMs: Infinity }, 'marginMs'],
    [
      'a shrink of the whole limit',
      { limit: 1, windowMs: 1_000, shrinkAfter429: 1 },
      'shrinkAfter429',
    ],
    ['a negative shrink', { limit: 1, windowMs: 1_000, shrinkAfter429: -0.1 }, 'shrinkAfter429'],
    ['negative shrink windows', { limit: 1, windowMs: 1_000, shrinkWindows: -1 }, 'shrinkWindows'],
  ])('throws an AuraConfigurationError for %s', (_, options, path) => {
    const create = () => createRateLimiter(options, createTestClock());
    expect(create).toThrow(AuraConfigurationError);
    expect(create).toThrow(/^Invalid rateLimit options: /);
    try {
      create();
    } catch (error) {
      expect((error as AuraConfigurationError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});

describe('createRateLimiter: the margin for send-to-arrival skew', () => {
  it('counts a slot in the window until windowMs + marginMs after it was handed out', async () => {
    const { clock, acquire, doneAt } = setup(2, 1_000, { marginMs: 250 });
    void acquire('a');
    void acquire('b');
    void acquire('c');
    await clock.advance(1_249);
    expect(doneAt('c')).toBeUndefined();
    await clock.advance(1);
    expect(doneAt('c')).toBe(1_250);
  });

  // Requests handed out within `marginMs` of each other may reach Aura in any order: no
  // window of Aura's, counted on arrival, holds more than `limit` of them.
  it('keeps every arrival window within the limit when arrivals lag by up to the margin', async () => {
    const limit = 5;
    const { clock, acquire, completed } = setup(limit, 1_000, { marginMs: 300 });
    await clock.runUntil(Promise.all(Array.from({ length: 40 }, (_, i) => acquire(String(i)))));
    // The worst case: alternate requests arrive at once and a full margin late.
    const arrivals = completed.map((entry, i) => entry.at + (i % 2 === 0 ? 300 : 0));
    expect(busiestWindow(arrivals, 1_000)).toBeLessThanOrEqual(limit);
  });

  it('defaults to 1 000 ms, at most a tenth of the window', async () => {
    expect(defaultMarginMs(60_000)).toBe(1_000);
    expect(defaultMarginMs(2_000)).toBe(200);
    const clock = createTestClock({ start: 0 });
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, clock);
    await limiter.acquire();
    const second = limiter.acquire().then(() => clock.now());
    expect(await clock.runUntil(second)).toBe(61_000);
  });

  it('paces by the widened window: one request every (windowMs + marginMs) / limit', async () => {
    const { clock, acquire, completed } = setup(4, 1_000, { marginMs: 200, burst: 1 });
    await clock.runUntil(Promise.all(['a', 'b', 'c', 'd'].map((label) => acquire(label))));
    expect(completed.map((entry) => entry.at)).toEqual([0, 300, 600, 900]);
  });
});

describe('createRateLimiter: after a 429 with Retry-After', () => {
  it('withholds shrinkAfter429 of the limit (default 20%)', async () => {
    const { clock, limiter, acquire, completed } = setup(10, 1_000);
    limiter.onRateLimited?.(1_000);
    const labels = Array.from({ length: 10 }, (_, i) => String(i));
    await clock.runUntil(Promise.all(labels.map((label) => acquire(label))));
    // 8 of 10 in the first window; without the 429 all 10 start at 0.
    expect(completed.map((entry) => entry.at)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1_000, 1_000]);
  });

  it('restores the full limit shrinkWindows windows after the 429 (default 3)', async () => {
    const { clock, limiter, acquire, completed } = setup(10, 1_000);
    limiter.onRateLimited?.(1_000);
    await clock.advance(3_000);
    const labels = Array.from({ length: 10 }, (_, i) => String(i));
    await clock.runUntil(Promise.all(labels.map((label) => acquire(label))));
    expect(completed.map((entry) => entry.at)).toEqual(Array(10).fill(3_000));
  });

  it('serves a waiter as soon as the shrink ends, not when the smaller budget would', async () => {
    const { clock, limiter, acquire, doneAt } = setup(10, 1_000);
    limiter.onRateLimited?.(1_000); // shrunk until 3 000
    await clock.advance(2_500);
    const first = Array.from({ length: 8 }, (_, i) => acquire(String(i)));
    void acquire('ninth'); // under the shrink it would start at 3 500
    await clock.runUntil(Promise.all(first));
    expect(doneAt('7')).toBe(2_500);
    await clock.advance(499);
    expect(doneAt('ninth')).toBeUndefined();
    await clock.advance(1);
    expect(doneAt('ninth')).toBe(3_000);
  });

  it('extends the shrink from the latest 429', async () => {
    const { clock, limiter, acquire, completed } = setup(10, 1_000);
    limiter.onRateLimited?.(1_000);
    await clock.advance(2_000);
    limiter.onRateLimited?.(1_000); // now until 5 000
    await clock.advance(1_500);
    const labels = Array.from({ length: 10 }, (_, i) => String(i));
    await clock.runUntil(Promise.all(labels.map((label) => acquire(label))));
    expect(completed.filter((entry) => entry.at === 3_500)).toHaveLength(8);
  });

  it('does not shrink with shrinkAfter429: 0', async () => {
    const { clock, limiter, acquire, completed } = setup(10, 1_000, { shrinkAfter429: 0 });
    limiter.onRateLimited?.(1_000);
    const labels = Array.from({ length: 10 }, (_, i) => String(i));
    await clock.runUntil(Promise.all(labels.map((label) => acquire(label))));
    expect(completed.map((entry) => entry.at)).toEqual(Array(10).fill(0));
  });

  it('reports utilization against the shrunk budget', async () => {
    const { clock, limiter, acquire } = setup(10, 1_000);
    await clock.runUntil(Promise.all(['a', 'b', 'c', 'd'].map((label) => acquire(label))));
    expect(limiter.utilization?.()).toBe(0.4);
    limiter.onRateLimited?.(1_000);
    expect(limiter.utilization?.()).toBe(0.5);
    await clock.advance(3_000);
    expect(limiter.utilization?.()).toBe(0);
  });
});
