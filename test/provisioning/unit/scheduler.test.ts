import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../src/kernel/logger.js';
import { InProcessScheduler } from '../../../src/provisioning/scheduler.js';
import { createTestClock, type TestClock } from '../../../src/testing/test-clock.js';

const SECOND = 1_000;

interface Delivery {
  userId: string;
  at: number;
}

/** A started scheduler on a test clock that records every delivery with the clock's time. */
function setup(options: { concurrency?: number; logger?: Logger } = {}) {
  const clock = createTestClock();
  const t0 = clock.now();
  const deliveries: Delivery[] = [];
  const scheduler = new InProcessScheduler({ clock, ...options });
  let onDelivery: (userId: string) => Promise<void> = async () => {};
  scheduler.start(async (userId) => {
    deliveries.push({ userId, at: clock.now() });
    await onDelivery(userId);
  });
  const handle = (fn: (userId: string) => Promise<void>) => {
    onDelivery = fn;
  };
  return { clock, t0, deliveries, scheduler, handle };
}

/** A promise the test resolves. */
function gate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const settle = (clock: TestClock) => clock.advance(0);

describe('InProcessScheduler', () => {
  it('delivers each user at its due time, not before, in due order', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('c', t0 + 30 * SECOND);
    scheduler.schedule('a', t0 + 10 * SECOND);
    scheduler.schedule('b', t0 + 20 * SECOND);
    await clock.advance(10 * SECOND - 1);
    expect(deliveries).toEqual([]);
    await clock.advance(1);
    expect(deliveries).toEqual([{ userId: 'a', at: t0 + 10 * SECOND }]);
    await clock.advance(30 * SECOND);
    expect(deliveries).toEqual([
      { userId: 'a', at: t0 + 10 * SECOND },
      { userId: 'b', at: t0 + 20 * SECOND },
      { userId: 'c', at: t0 + 30 * SECOND },
    ]);
    expect(scheduler.size).toBe(0);
    await scheduler.close();
  });

  it('does not deliver a user early when woken for another due just before it', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('second', t0 + 10 * SECOND);
    scheduler.schedule('first', t0 + 10 * SECOND - 1);
    await clock.advance(10 * SECOND - 1);
    expect(deliveries).toEqual([{ userId: 'first', at: t0 + 10 * SECOND - 1 }]);
    await clock.advance(1);
    expect(deliveries[1]).toEqual({ userId: 'second', at: t0 + 10 * SECOND });
    await scheduler.close();
  });

  it('delivers a due time in the past at once', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('late', t0 - 60 * SECOND);
    await settle(clock);
    expect(deliveries).toEqual([{ userId: 'late', at: t0 }]);
    await scheduler.close();
  });

  it.each([
    ['later', 50],
    ['earlier', 5],
  ])('replaces a user due time by a %s one and delivers the user once', async (_, seconds) => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('u', t0 + 20 * SECOND);
    await clock.advance(SECOND);
    scheduler.schedule('u', t0 + seconds * SECOND);
    expect(scheduler.size).toBe(1);
    await clock.advance(120 * SECOND);
    expect(deliveries).toEqual([{ userId: 'u', at: t0 + seconds * SECOND }]);
    await scheduler.close();
  });

  it('wakes up for something due earlier than what it sleeps on', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('far', t0 + 1_000 * SECOND);
    await clock.advance(SECOND);
    scheduler.schedule('near', t0 + 6 * SECOND);
    await clock.advance(5 * SECOND);
    expect(deliveries).toEqual([{ userId: 'near', at: t0 + 6 * SECOND }]);
    await clock.advance(1_000 * SECOND);
    expect(deliveries.map((d) => d.userId)).toEqual(['near', 'far']);
    expect(deliveries[1]?.at).toBe(t0 + 1_000 * SECOND);
    await scheduler.close();
  });

  it('wakes up from an empty queue when something is scheduled', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    await clock.advance(60 * SECOND);
    scheduler.schedule('u', t0 + 61 * SECOND);
    await clock.advance(SECOND);
    expect(deliveries).toEqual([{ userId: 'u', at: t0 + 61 * SECOND }]);
    await scheduler.close();
  });

  it('runs at most `concurrency` checks at once and starts the rest as slots free', async () => {
    const { clock, t0, deliveries, scheduler, handle } = setup({ concurrency: 3 });
    const gates = new Map<string, ReturnType<typeof gate>>();
    let running = 0;
    let most = 0;
    handle(async (userId) => {
      running++;
      most = Math.max(most, running);
      const g = gate();
      gates.set(userId, g);
      await g.promise;
      running--;
    });
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    for (const [i, userId] of users.entries()) scheduler.schedule(userId, t0 + i);
    await clock.advance(SECOND);
    expect(deliveries.map((d) => d.userId)).toEqual(['u0', 'u1', 'u2']);
    gates.get('u1')?.open();
    await settle(clock);
    expect(deliveries.map((d) => d.userId)).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(running).toBe(3);
    for (let i = 0; i < 10; i++) {
      for (const g of gates.values()) g.open();
      await settle(clock);
    }
    expect(deliveries.map((d) => d.userId)).toEqual(users);
    expect(most).toBe(3);
    expect(running).toBe(0);
    await scheduler.close();
  });

  it('starts due high-priority checks before due normal ones', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('normal-early', t0 + SECOND);
    scheduler.schedule('normal-late', t0 + 3 * SECOND);
    scheduler.schedule('high', t0 + 4 * SECOND, 'high');
    await clock.advance(5 * SECOND);
    expect(deliveries.map((d) => d.userId)).toEqual(['normal-early', 'normal-late', 'high']);
    scheduler.schedule('n', t0 + 10 * SECOND);
    scheduler.schedule('h', t0 + 10 * SECOND, 'high');
    await clock.advance(5 * SECOND);
    expect(deliveries.slice(3).map((d) => d.userId)).toEqual(['h', 'n']);
    await scheduler.close();
  });

  it('runs a high-priority check while normal ones hold every slot', async () => {
    const { clock, t0, deliveries, scheduler, handle } = setup({ concurrency: 1 });
    const g = gate();
    handle((userId) => (userId.startsWith('n') ? g.promise : Promise.resolve()));
    scheduler.schedule('n1', t0);
    scheduler.schedule('n2', t0);
    scheduler.schedule('h', t0 + SECOND, 'high');
    await clock.advance(2 * SECOND);
    expect(deliveries.map((d) => d.userId)).toEqual(['n1', 'h']);
    g.open();
    await settle(clock);
    expect(deliveries.map((d) => d.userId)).toEqual(['n1', 'h', 'n2']);
    await scheduler.close();
  });

  it('moves a user between priorities and delivers it once', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    scheduler.schedule('u', t0 + SECOND, 'high');
    scheduler.schedule('u', t0 + 2 * SECOND, 'normal');
    await clock.advance(5 * SECOND);
    expect(deliveries).toEqual([{ userId: 'u', at: t0 + 2 * SECOND }]);
    await scheduler.close();
  });

  it('logs a check that rejects, keeps delivering, and runs the failed check again with backoff', async () => {
    const error = vi.fn();
    const { clock, t0, deliveries, scheduler, handle } = setup({ logger: { error } });
    let badFailures = 3;
    handle(async (userId) => {
      if (userId === 'bad' && badFailures-- > 0) throw new Error('boom');
    });
    scheduler.schedule('bad', t0 + SECOND);
    scheduler.schedule('good', t0 + 2 * SECOND);
    await clock.advance(60 * SECOND);
    // Failed at 1 s, retried 1 s, 2 s and 4 s later; the fourth run succeeds and ends it.
    expect(deliveries).toEqual([
      { userId: 'bad', at: t0 + SECOND },
      { userId: 'good', at: t0 + 2 * SECOND },
      { userId: 'bad', at: t0 + 2 * SECOND },
      { userId: 'bad', at: t0 + 4 * SECOND },
      { userId: 'bad', at: t0 + 8 * SECOND },
    ]);
    expect(error).toHaveBeenCalledTimes(3);
    expect(error).toHaveBeenCalledWith(
      'scheduled check failed',
      expect.objectContaining({
        userId: 'bad',
        error: expect.stringContaining('boom'),
        retryInMs: 4 * SECOND,
      }),
    );
    expect(scheduler.size).toBe(0);
    await scheduler.close();
  });

  it('caps the retry backoff and leaves a check scheduled meanwhile to its own time', async () => {
    const { clock, t0, deliveries, scheduler, handle } = setup({ logger: {} });
    const capped = new InProcessScheduler({ clock, retryBaseMs: SECOND, retryMaxMs: 3 * SECOND });
    const seen: number[] = [];
    capped.start(async () => {
      seen.push(clock.now() - t0);
      throw new Error('always');
    });
    capped.schedule('u', t0);
    await clock.advance(12 * SECOND);
    expect(seen).toEqual([0, 1, 3, 6, 9, 12].map((s) => s * SECOND));
    await capped.close();

    // A user the failed check itself rescheduled keeps that time: no retry is stacked on it.
    handle(async (userId) => {
      scheduler.schedule(userId, clock.now() + 30 * SECOND);
      throw new Error('after scheduling');
    });
    scheduler.schedule('v', clock.now());
    const start = clock.now();
    await clock.advance(31 * SECOND);
    expect(deliveries.map((d) => d.at - start)).toEqual([0, 30 * SECOND]);
    await scheduler.close();
  });

  it('refuses a retry backoff that is not positive', () => {
    expect(() => new InProcessScheduler({ retryBaseMs: 0 })).toThrow(/retryBaseMs/);
    expect(() => new InProcessScheduler({ retryBaseMs: 5, retryMaxMs: 1 })).toThrow(/retryMaxMs/);
  });

  it('logs a check that throws before returning a promise and keeps delivering', async () => {
    const clock = createTestClock();
    const t0 = clock.now();
    const error = vi.fn();
    const seen: string[] = [];
    const scheduler = new InProcessScheduler({ clock, logger: { error } });
    scheduler.start((userId) => {
      seen.push(userId);
      if (userId === 'bad') throw new Error('sync boom');
      return Promise.resolve();
    });
    scheduler.schedule('bad', t0 + SECOND);
    scheduler.schedule('good', t0 + 2 * SECOND);
    await clock.advance(2 * SECOND);
    expect(seen).toEqual(['bad', 'good', 'bad']);
    expect(error).toHaveBeenCalledWith(
      'scheduled check failed',
      expect.objectContaining({ userId: 'bad' }),
    );
    await scheduler.close();
  });

  it('close() stops deliveries and waits for the running checks', async () => {
    const { clock, t0, deliveries, scheduler, handle } = setup();
    const g = gate();
    let finished = false;
    handle(async () => {
      await g.promise;
      finished = true;
    });
    scheduler.schedule('running', t0);
    scheduler.schedule('later', t0 + 10 * SECOND);
    await settle(clock);
    let closed = false;
    const closing = scheduler.close().then(() => {
      closed = true;
    });
    await settle(clock);
    expect(closed).toBe(false);
    g.open();
    await closing;
    expect(finished).toBe(true);
    scheduler.schedule('after-close', t0);
    await clock.advance(60 * SECOND);
    expect(deliveries.map((d) => d.userId)).toEqual(['running']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to start twice, as a configuration error', () => {
    const scheduler = new InProcessScheduler({ clock: createTestClock() });
    scheduler.start(async () => {});
    expect(() => scheduler.start(async () => {})).toThrow(
      expect.objectContaining({
        name: 'ProvisioningConfigurationError',
        code: 'invalid_configuration',
        message: expect.stringMatching(/twice/),
      }),
    );
    return scheduler.close();
  });

  it('delivers 10,000 users scheduled at random times exactly once, in due order', async () => {
    const { clock, t0, deliveries, scheduler } = setup();
    const due = new Map<string, number>();
    let seed = 1;
    const random = () => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 10_000; i++) {
      const userId = `user-${i}`;
      const at = t0 + Math.floor(random() * 3_600) * SECOND;
      due.set(userId, at);
      scheduler.schedule(userId, at);
    }
    await clock.advance(3_600 * SECOND);
    expect(deliveries).toHaveLength(10_000);
    expect(new Set(deliveries.map((d) => d.userId)).size).toBe(10_000);
    for (const [i, delivery] of deliveries.entries()) {
      expect(delivery.at).toBe(due.get(delivery.userId));
      if (i > 0) expect(delivery.at).toBeGreaterThanOrEqual(deliveries[i - 1]?.at as number);
    }
    await scheduler.close();
  });
});
