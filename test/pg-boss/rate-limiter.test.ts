import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/kernel/clock.js';
import { systemClock } from '../../src/kernel/clock.js';
import {
  createPostgresRateLimiter,
  type PostgresRateLimiterOptions,
} from '../../src/scale/postgres-rate-limiter.js';
import type { PostgresClient } from '../../src/stores/postgres-store.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';
import { busiestWindow } from '../support/windows.js';

let pool: pg.Pool;
const drops: (() => Promise<void>)[] = [];
beforeAll(() => {
  pool = createTestPool({ max: 8 });
});
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

/** A fresh table, and a factory of limiters on it (each one stands for a process). */
async function sharedBudget(base: Omit<PostgresRateLimiterOptions, 'client'>) {
  const { schema, drop } = await createTestSchema(pool);
  drops.push(drop);
  const table = `${schema}.aura_rate_limits`;
  let queries = 0;
  const running = new Set<Promise<unknown>>();
  const client: PostgresClient = {
    query: (text, values) => {
      queries++;
      const query = pool.query(text, values);
      running.add(query);
      void query.finally(() => running.delete(query)).catch(() => {});
      return query;
    },
  };
  const make = (options: Partial<PostgresRateLimiterOptions> = {}) =>
    createPostgresRateLimiter({ client, table, marginMs: 0, ...base, ...options });
  await make().migrate();
  return {
    table,
    make,
    /** Resolves when every statement sent so far has answered (fire-and-forget ones too). */
    settled: () => Promise.allSettled([...running]),
    get queries() {
      return queries;
    },
  };
}

/** A clock `offsetMs` off the real one: the limiter must not care. */
const skewed = (offsetMs: number): Clock => ({
  now: () => Date.now() + offsetMs,
  sleep: systemClock.sleep,
});

describe('createPostgresRateLimiter', () => {
  it('costs one statement per request once its row exists', async () => {
    const budget = await sharedBudget({ limit: 50, windowMs: 60_000 });
    const limiter = budget.make();
    const before = budget.queries;
    await limiter.acquire();
    expect(budget.queries - before).toBe(2); // the key's row, then the slot
    await Promise.all(Array.from({ length: 9 }, () => limiter.acquire()));
    expect(budget.queries - before).toBe(11);
  });

  it('keeps limiters sharing a key inside one window: a burst, then paced, then the window', async () => {
    const budget = await sharedBudget({ limit: 10, windowMs: 1_000, burst: 4 });
    const limiters = [budget.make(), budget.make(), budget.make()];
    const started = performance.now();
    const times = await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 6 }, () => limiter.acquire().then(() => performance.now() - started)),
      ),
    );
    times.sort((a, b) => a - b);
    expect(busiestWindow(times, 1_000 - 25)).toBeLessThanOrEqual(10);
    expect(times[3]).toBeLessThan(100); // the burst of 4 goes at once
    expect(times[4]).toBeGreaterThanOrEqual(80); // then one per 100 ms
    expect(times[10]).toBeGreaterThanOrEqual(975); // the 11th waits for the window to turn
    // The slots as the database recorded them obey the window exactly.
    const { rows } = await pool.query(`select starts from ${budget.table}`);
    const ring = (rows[0].starts as number[]).sort((a, b) => a - b);
    expect(ring).toHaveLength(10);
    expect(busiestWindow(ring, 1_000)).toBeLessThanOrEqual(10);
  });

  it('serves a high-priority waiter before normal ones queued earlier', async () => {
    const budget = await sharedBudget({ limit: 2, windowMs: 400, burst: 1 });
    const limiter = budget.make();
    const order: string[] = [];
    await Promise.all(
      (['a', 'b', 'c'] as const).map((name) =>
        limiter.acquire(undefined, name === 'c' ? 'high' : 'normal').then(() => order.push(name)),
      ),
    );
    expect(order).toEqual(['c', 'a', 'b']);
  });

  it("serves one limiter's high-priority backlog before another's normal waiters", async () => {
    // Two processes on one budget, one slot per 200 ms: A queues normal requests, then B a
    // backlog of high ones. Without shared priorities the slots alternate between A and B (A
    // holds one slot ahead), so B's reads waited behind A's creates (seen in bench/scale.mjs
    // as running -> ready p95 growing with the processes).
    const budget = await sharedBudget({ limit: 10, windowMs: 2_000, burst: 1 });
    const a = budget.make();
    const b = budget.make();
    const started = performance.now();
    const order: string[] = [];
    const normals = Array.from({ length: 6 }, () => a.acquire().then(() => order.push('a')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const highs = Array.from({ length: 3 }, () =>
      b.acquire(undefined, 'high').then(() => order.push('B')),
    );
    await Promise.all([...normals, ...highs]);
    // A's slots at 0, 200 and 400 ms were taken before B asked; then B's three, then A's rest.
    expect(order.join('')).toBe('aaaBBBaaa');
    // No slot lost to the hand-over: 9 slots, one per 200 ms.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('holds every limiter on the key after a 429 seen by one, whatever their clocks', async () => {
    const budget = await sharedBudget({ limit: 100, windowMs: 10_000 });
    const ahead = budget.make({ clock: skewed(3_600_000) });
    const behind = budget.make({ clock: skewed(-3_600_000) });
    await behind.acquire();
    ahead.pauseUntil(skewed(3_600_000).now() + 600);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the pause is shared asynchronously
    const started = performance.now();
    await behind.acquire();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(1_500);
  });

  it('shares the window between limiters whose clocks disagree by hours', async () => {
    const budget = await sharedBudget({ limit: 2, windowMs: 700 });
    const ahead = budget.make({ clock: skewed(7_200_000) });
    const behind = budget.make({ clock: skewed(-7_200_000) });
    await Promise.all([ahead.acquire(), ahead.acquire()]);
    const started = performance.now();
    await behind.acquire();
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
  });

  it('rejects an aborted waiter with the reason, and serves the others', async () => {
    const budget = await sharedBudget({ limit: 1, windowMs: 300 });
    const limiter = budget.make();
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    await expect(next).resolves.toBeUndefined();
    await expect(limiter.acquire(AbortSignal.abort('already'))).rejects.toBe('already');
  });

  it('leaves no timer behind when every waiter gives up', async () => {
    const budget = await sharedBudget({ limit: 1, windowMs: 60_000 });
    let sleeping = 0;
    const clock: Clock = {
      now: systemClock.now,
      sleep: (ms, signal) => {
        sleeping++;
        return systemClock.sleep(ms, signal).finally(() => {
          sleeping--;
        });
      },
    };
    const limiter = budget.make({ clock });
    await limiter.acquire(); // the window's only slot
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal); // its slot is a minute away
    await expect.poll(() => sleeping).toBe(1);
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
    await expect.poll(() => sleeping).toBe(0);
  });

  it('waits for the database instead of failing when a statement fails', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    let failures = 2;
    const warnings: string[] = [];
    const limiter = createPostgresRateLimiter({
      client: {
        query: (text, values) =>
          text.includes('update ') && failures-- > 0
            ? Promise.reject(new Error('connection terminated'))
            : pool.query(text, values),
      },
      table: `${schema}.limits`,
      logger: { warn: (message) => warnings.push(message) },
    });
    await limiter.migrate();
    await expect(limiter.acquire()).resolves.toBeUndefined();
    expect(warnings).toHaveLength(2);
  });

  it('migrates idempotently, also from many processes at once', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const make = () => createPostgresRateLimiter({ client: pool, table: `${schema}.limits` });
    await Promise.all(Array.from({ length: 6 }, () => make().migrate()));
    await make().migrate();
    await expect(make().acquire()).resolves.toBeUndefined();
  });

  it('refuses options it cannot honour', () => {
    const client = { query: async () => ({ rows: [] }) };
    expect(() => createPostgresRateLimiter({ client, limit: 0 })).toThrow(/limit/);
    expect(() => createPostgresRateLimiter({ client, limit: 5, burst: 6 })).toThrow(/burst/);
    expect(() => createPostgresRateLimiter({ client, table: 'a.b.c' })).toThrow(/table/);
    expect(() => createPostgresRateLimiter({} as never)).toThrow(/query/);
  });
});

describe('createPostgresRateLimiter after 429s without Retry-After', () => {
  const level = async (table: string) =>
    (await pool.query(`select adaptive_level from ${table}`)).rows[0]?.adaptive_level as
      | number
      | null;

  it("halves every process's budget, and paces them all by it", async () => {
    const budget = await sharedBudget({ limit: 60, windowMs: 3_000, burst: 1 });
    const [a, b] = [budget.make(), budget.make()];
    await a.acquire();
    a.onRateLimited?.(undefined);
    await budget.settled();
    expect(await level(budget.table)).toBe(30);
    // One every 100 ms now (3 s / 30), not 50, for both processes, and no burst: as the
    // database recorded the slots (the times this process observes shift with its load).
    await Promise.all([a, b, a, b].map((limiter) => limiter.acquire()));
    const { rows } = await pool.query(`select starts from ${budget.table}`);
    const starts = (rows[0].starts as (number | null)[])
      .filter((at): at is number => at !== null)
      .sort((x, y) => x - y);
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(99);
    }
  });

  it('halves once for the 429s of one round, again for a later one, and not with Retry-After', async () => {
    const budget = await sharedBudget({ limit: 60, windowMs: 3_000, burst: 1 });
    const [a, b] = [budget.make(), budget.make()];
    await a.acquire();
    a.onRateLimited?.(undefined);
    await budget.settled();
    expect(await level(budget.table)).toBe(30);
    b.onRateLimited?.(undefined); // within 100 ms of the decrease: a request sent before it
    b.onRateLimited?.(2_000); // with Retry-After: the pause says it all
    await budget.settled();
    expect(await level(budget.table)).toBe(30);
    await vi.waitFor(
      async () => {
        b.onRateLimited?.(undefined);
        expect(await level(budget.table)).toBe(15);
      },
      { timeout: 2_000, interval: 50 },
    );
  });
});
