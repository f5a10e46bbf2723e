import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import { isScaleError } from '../../src/scale/errors.js';
import { PgBossScheduler, type PgBossSchedulerOptions } from '../../src/scale/pg-boss-scheduler.js';
import { createTestPool, testPostgres, uniqueName } from '../support/postgres.js';

// pg-boss needs a real server (advisory locks, SKIP LOCKED across sessions): not PGlite.
const real = testPostgres().kind !== 'pglite';

let pool: pg.Pool;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(() => {
  pool = createTestPool();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await pool.end();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A started PgBoss in a schema of its own, stopped and dropped after the test. */
async function startBoss(): Promise<PgBoss> {
  const schema = uniqueName('boss');
  const boss = new PgBoss({
    connectionString: testPostgres().url,
    schema,
    schedule: false,
    superviseIntervalSeconds: 1,
    max: 4,
  });
  boss.on('error', () => {});
  await boss.start();
  cleanups.push(async () => {
    await boss.stop({ graceful: false });
    await pool.query(`drop schema if exists "${schema}" cascade`);
  });
  return boss;
}

/** A scheduler on `boss`, closed after the test; records every delivery with its time. */
function schedulerOn(boss: PgBoss, options: Partial<PgBossSchedulerOptions> = {}) {
  const scheduler = new PgBossScheduler({ boss, pollIntervalMs: 100, ...options });
  cleanups.push(() => scheduler.close());
  return scheduler;
}

function recorder(handle: (userId: string) => Promise<void> = async () => {}) {
  const started = Date.now();
  const deliveries: { userId: string; atMs: number }[] = [];
  return {
    deliveries,
    handler: async (userId: string) => {
      deliveries.push({ userId, atMs: Date.now() - started });
      await handle(userId);
    },
    until: async (count: number, timeoutMs = 8_000) => {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count && Date.now() < deadline) await sleep(20);
      return deliveries;
    },
  };
}

describe.runIf(real)('PgBossScheduler', () => {
  it('delivers a check at its due time, and duplicates of it once', async () => {
    const scheduler = schedulerOn(await startBoss());
    const run = recorder();
    scheduler.start(run.handler);
    const at = Date.now() + 400;
    await Promise.all(Array.from({ length: 5 }, () => scheduler.schedule('u1', at)));
    await run.until(1);
    await sleep(500);
    expect(run.deliveries).toHaveLength(1);
    expect(run.deliveries[0]?.atMs).toBeGreaterThanOrEqual(400);
    expect(run.deliveries[0]?.atMs).toBeLessThan(3_000); // loose: real time, pg-boss polling
  });

  it('replaces a waiting due time with a later one (the later is not lost)', async () => {
    const scheduler = schedulerOn(await startBoss());
    const run = recorder();
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now() + 200);
    await scheduler.schedule('u1', Date.now() + 900);
    await run.until(1);
    await sleep(400);
    expect(run.deliveries.map((d) => d.userId)).toEqual(['u1']);
    expect(run.deliveries[0]?.atMs).toBeGreaterThanOrEqual(900);
  });

  it('replaces a waiting due time with an earlier one', async () => {
    const scheduler = schedulerOn(await startBoss());
    const run = recorder();
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now() + 60_000);
    await scheduler.schedule('u1', Date.now());
    await run.until(1);
    expect(run.deliveries[0]?.atMs).toBeLessThan(1_000);
  });

  it('runs a check scheduled during the same user’s running check after it, never beside it', async () => {
    const scheduler = schedulerOn(await startBoss());
    let running = 0;
    let overlapped = false;
    const run = recorder(async (userId) => {
      running++;
      overlapped ||= running > 1;
      if (run.deliveries.length === 1) await scheduler.schedule(userId, Date.now());
      await sleep(300);
      running--;
    });
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now());
    const deliveries = await run.until(2);
    expect(deliveries.map((d) => d.userId)).toEqual(['u1', 'u1']);
    expect(overlapped).toBe(false);
    expect((deliveries[1]?.atMs ?? 0) - (deliveries[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('keeps a near re-check on the same job: no new job, no fetch', async () => {
    const boss = await startBoss();
    const scheduler = schedulerOn(boss);
    const run = recorder(async (userId) => {
      if (run.deliveries.length < 3) await scheduler.schedule(userId, Date.now() + 150, 'high');
    });
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now());
    const deliveries = await run.until(3);
    await sleep(200);
    expect(deliveries.map((d) => d.userId)).toEqual(['u1', 'u1', 'u1']);
    expect((deliveries[2]?.atMs ?? 0) - (deliveries[1]?.atMs ?? 0)).toBeGreaterThanOrEqual(140);
    const jobs = await boss.findJobs(scheduler.queue, { key: 'u1' });
    expect(jobs.map((job) => job.state)).toEqual(['completed']);
  });

  it('enqueues a far re-check as a job of its own', async () => {
    const boss = await startBoss();
    const scheduler = schedulerOn(boss, { holdMs: 100 });
    const run = recorder(async (userId) => {
      if (run.deliveries.length === 1) await scheduler.schedule(userId, Date.now() + 300);
    });
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now());
    await run.until(2);
    await sleep(200);
    const jobs = await boss.findJobs(scheduler.queue, { key: 'u1' });
    expect(jobs.map((job) => job.state)).toEqual(['completed', 'completed']);
  });

  it('turns held re-checks into jobs when it closes, for another process to run', async () => {
    const boss = await startBoss();
    const first = new PgBossScheduler({ boss, pollIntervalMs: 100 });
    let held = () => {};
    const asked = new Promise<void>((resolve) => {
      held = resolve;
    });
    first.start(async (userId) => {
      await first.schedule(userId, Date.now() + 1_000, 'high');
      held();
    });
    await first.schedule('u1', Date.now());
    await asked;
    await sleep(50);
    await first.close();
    const second = schedulerOn(boss);
    const run = recorder();
    second.start(run.handler);
    const deliveries = await run.until(1);
    expect(deliveries[0]?.userId).toBe('u1');
    expect(deliveries[0]?.atMs).toBeGreaterThanOrEqual(700);
  });

  it('retries a check whose handler threw, after a backoff', async () => {
    const scheduler = schedulerOn(await startBoss(), { retry: { delaySeconds: 1 } });
    const run = recorder(async () => {
      if (run.deliveries.length === 1) throw new Error('store unreachable');
    });
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now());
    const deliveries = await run.until(2);
    expect(deliveries.map((d) => d.userId)).toEqual(['u1', 'u1']);
    expect((deliveries[1]?.atMs ?? 0) - (deliveries[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it('runs high-priority checks while every normal slot is busy', async () => {
    const scheduler = schedulerOn(await startBoss(), { concurrency: 1 });
    let release = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run = recorder((userId) => (userId === 'slow' ? blocked : Promise.resolve()));
    scheduler.start(run.handler);
    await scheduler.schedule('slow', Date.now());
    await run.until(1);
    await scheduler.schedule('queued', Date.now(), 'normal');
    await scheduler.schedule('urgent', Date.now(), 'high');
    await run.until(2);
    await sleep(300);
    expect(run.deliveries.map((d) => d.userId)).toEqual(['slow', 'urgent']);
    release();
    await run.until(3);
    expect(run.deliveries.map((d) => d.userId)).toEqual(['slow', 'urgent', 'queued']);
  });

  it('enqueues only with `work: false`; another process’s scheduler runs the checks', async () => {
    const boss = await startBoss();
    const web = schedulerOn(boss, { work: false });
    const webRun = recorder();
    web.start(webRun.handler);
    const worker = schedulerOn(boss);
    const workerRun = recorder();
    worker.start(workerRun.handler);
    await web.schedule('u1', Date.now());
    await web.schedule('u2', Date.now(), 'high');
    await workerRun.until(2);
    expect(workerRun.deliveries.map((d) => d.userId).sort()).toEqual(['u1', 'u2']);
    expect(webRun.deliveries).toEqual([]);
  });

  it('waits for running checks on close, and stops a PgBoss it made itself', async () => {
    const schema = uniqueName('boss');
    cleanups.push(async () => void (await pool.query(`drop schema if exists "${schema}" cascade`)));
    const scheduler = new PgBossScheduler({
      boss: { connectionString: testPostgres().url, schema, max: 2 },
      pollIntervalMs: 100,
    });
    let finished = false;
    const run = recorder(async () => {
      await sleep(300);
      finished = true;
    });
    scheduler.start(run.handler);
    await scheduler.schedule('u1', Date.now());
    await run.until(1);
    await scheduler.close();
    expect(finished).toBe(true);
    await expect(scheduler.boss?.send('anything', {})).rejects.toThrow();
  });

  it('refuses a queue that exists with another policy', async () => {
    const boss = await startBoss();
    await boss.createQueue('checks', { policy: 'standard' });
    const scheduler = schedulerOn(boss, { queue: 'checks' });
    const error = await scheduler.ready().catch((e: unknown) => e);
    expect(isScaleError(error, 'invalid_configuration')).toBe(true);
    expect(error).toMatchObject({ name: 'ScaleConfigurationError' });
    expect(isProvisioningError(error)).toBe(false);
  });

  it('checks its options', () => {
    expect(() => new PgBossScheduler({} as never)).toThrow(/boss/);
    expect(() => new PgBossScheduler({ boss: 'postgres://x', heartbeatSeconds: 5 })).toThrow(/10/);
    expect(() => new PgBossScheduler({ boss: 'postgres://x', heartbeatSeconds: 12.5 })).toThrow(
      /integer/,
    );
    expect(() => new PgBossScheduler({ boss: 'postgres://x', concurrency: 0 })).toThrow(
      /concurrency/,
    );
  });
});
