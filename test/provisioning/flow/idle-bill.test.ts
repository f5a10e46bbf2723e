import { describe, expect, it } from 'vitest';
import { createUserQueryClients } from '../../../src/index.js';
import { mulberry32 } from '../../support/webhook-burst.js';
import { createHarness, userIds } from '../harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// The benchmark (bench/idle.mjs) at a small scale: 30 users of 1 GB, 20% of them using their
// database on any given day, 3 more who never come back, 35 simulated days.
describe('the bill follows use', () => {
  it('bills under 40% of always-on, wakes every user who comes back, keeps the dormant paused', async () => {
    const h = createHarness({
      transitionMs: { pausing: 5 * MINUTE, resuming: 5 * MINUTE },
      creationTimeMs: 90_000,
    });
    const provisioner = h.newProvisioner({
      idle: { pauseAfterMs: 12 * HOUR },
      reconcileIntervalMs: 0,
    });
    const clients = createUserQueryClients({
      store: h.store,
      cipher: h.cipher,
      clock: h.clock,
      events: provisioner,
      recordUse: true,
      wake: { waker: provisioner, wait: true, timeoutMs: 30 * MINUTE },
    });
    const users = userIds(33);
    const active = users.slice(0, 30);
    for (const user of users) await h.run(provisioner.provisionUserDatabase(user));
    for (const user of users) await h.run(provisioner.waitUntilReady(user));
    const start = h.clock.now();
    const random = mulberry32(5);
    const sessions = [];
    for (let day = 0; day < 35; day++) {
      for (const user of active) {
        if (random() < 0.2) sessions.push({ at: start + day * DAY + random() * DAY, user });
      }
    }
    sessions.sort((a, b) => a.at - b.at);
    const wakes: number[] = [];
    const uses: Promise<void>[] = [];
    for (const { at, user } of sessions) {
      await h.run(h.clock.sleep(at - h.clock.now()));
      uses.push(
        (async () => {
          const asleep = (await h.store.get(user))?.status !== 'ready';
          const t0 = h.clock.now();
          await clients.queryClientFor(user);
          if (asleep) wakes.push(h.clock.now() - t0);
        })(),
      );
    }
    await h.run(h.clock.sleep(start + 35 * DAY - h.clock.now()));
    await h.run(Promise.all(uses)); // every use got its database
    const end = h.clock.now();

    const bill = h.fake.bill();
    const alwaysOn = bill.instances.length * ((end - start) / HOUR + 0.1);
    const billed = bill.runningGbHours + 0.2 * bill.pausedGbHours;
    expect(billed / alwaysOn).toBeLessThanOrEqual(0.4);
    expect(wakes.length).toBeGreaterThan(30);
    expect(Math.max(...wakes)).toBeLessThanOrEqual(15 * MINUTE);
    // The 3 who never came back: Aura resumed each after 30 days, and each is paused again.
    expect(bill.instances.reduce((n, m) => n + m.autoResumes, 0)).toBeGreaterThanOrEqual(3);
    for (const user of users.slice(30)) {
      const instanceId = (await h.store.get(user))?.instanceId ?? '';
      expect(h.fake.instance(instanceId)?.status).toBe('paused');
    }
    // The idle policy's requests, a minute at a time, stay under 5% of 125.
    const idleCalls = h.fake.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/pause'))
      .map((r) => r.at);
    for (const at of idleCalls) {
      expect(idleCalls.filter((t) => t > at - MINUTE && t <= at).length).toBeLessThanOrEqual(6);
    }
    await h.run(clients.closeAll());
    await provisioner.close();
  }, 120_000);
});
