import { describe, expect, it } from 'vitest';
import { createHarness, userIds } from '../harness.js';

// The planned reads' timing alone: idle-budget reads (each user here provisions on a quiet
// budget) would find the instances first; test/provisioning/flow/idle-reads.test.ts covers them.
// Status reads on the policy's plan only: no idle-budget reads, no reconcile timer's lists.
const plannedOnly = { poll: { idleReadIntervalMs: 0 }, reconcileIntervalMs: 0 };

describe('when the first status read goes, without a readiness probe', () => {
  it('learns earlier reads when instances come up well before the expected time', async () => {
    // Every instance is running 30 s after create; the configured guess is 90 s. Learning from
    // "create accepted -> first seen running" never goes below the guess (the first read is at
    // it), so every user waited 90 s; what the reads answer pulls the first read earlier.
    const h = createHarness({ creationTimeMs: 30_000 });
    const provisioner = h.newProvisioner(plannedOnly);
    const waits: number[] = [];
    for (const user of userIds(150)) {
      await h.run(provisioner.provisionUserDatabase(user));
      const created = h.clock.now();
      await h.run(provisioner.waitUntilReady(user));
      waits.push(h.clock.now() - created);
    }
    expect(waits[0]).toBe(90_000);
    for (const wait of waits.slice(-20)) expect(wait).toBeLessThan(50_000);
    // Still about one status read per user: most first reads find the instance running.
    expect(h.apiCalls().filter((r) => r.method === 'GET').length).toBeLessThan(150 * 1.35);
    await provisioner.close();
  });

  it('learns later reads when instances take longer than expected, spending fewer reads', async () => {
    const h = createHarness({ creationTimeMs: 240_000 });
    const provisioner = h.newProvisioner(plannedOnly);
    for (const user of userIds(150)) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user));
    }
    // The next 20 users: the first read lands near 240 s, one or two reads each (not 8, as from
    // the 90 s guess: 90, 100, 110, 120, 135, 157, 191, 242 s).
    const before = h.apiCalls().length;
    for (const user of userIds(20, 2)) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user));
    }
    const last = h.apiCalls().slice(before);
    expect(last.filter((r) => r.method === 'GET').length).toBeLessThanOrEqual(20 * 1.5);
    await provisioner.close();
  });
});
