// The in-process scheduler alone: time and memory per user as the number of users grows.
import { InProcessScheduler } from '../dist/index.js';
import { createTestClock } from '../dist/testing.js';
import { mulberry32 } from './provisioning-burst.mjs';

/** Schedules `users` checks at random due times within an hour and runs them all. */
export async function measureScheduler(users) {
  const random = mulberry32(users);
  const clock = createTestClock({ settleTurns: 1 });
  const scheduler = new InProcessScheduler({ clock, concurrency: 8 });
  let delivered = 0;
  let resolveAll;
  const all = new Promise((resolve) => {
    resolveAll = resolve;
  });
  scheduler.start(async () => {
    if (++delivered === users) resolveAll();
  });
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let i = 0; i < users; i++)
    scheduler.schedule(`user-${i}`, clock.now() + random() * 3_600_000);
  const heapScheduled = process.memoryUsage().heapUsed;
  await clock.runUntil(all);
  const ms = performance.now() - started;
  await scheduler.close();
  return {
    users,
    usPerUser: (ms * 1000) / users,
    bytesPerWaitingUser: Math.max(0, heapScheduled - heapBefore) / users,
  };
}
