import { describe, expect, it } from 'vitest';
import type { AuraClient } from '../../../src/aura/client.js';
import type { Provisioner } from '../../../src/provisioning/provisioner.js';
import type { ReadinessProbe } from '../../../src/provisioning/runtime.js';
import { createHarness, userIds } from '../harness.js';

type Harness = ReturnType<typeof createHarness>;

const DISABLED = 'readiness probe disagrees with Aura; using status reads only';
const isStatusRead = (r: { method: string; path: string }) =>
  r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path);
const dropped = (h: Harness) => h.logs.filter((line) => line.includes(DISABLED));

/** A probe that says ready exactly when the fake's instance runs. */
const exactProbe =
  (h: Harness): ReadinessProbe =>
  async ({ instanceId }) =>
    h.fake.instance(instanceId)?.status === 'running';

/**
 * At `atMs` after the start, the app lists instances through the provisioner's client and Aura
 * answers 429 with Retry-After `pauseS`: the client holds every call, status reads included,
 * until the pause ends.
 */
async function pauseAt(h: Harness, aura: AuraClient, atMs: number, pauseS: number) {
  await h.clock.advance(atMs);
  h.fake.faults.failNext(1, {
    status: 429,
    retryAfter: pauseS,
    match: { method: 'GET', path: '/instances' },
  });
  return aura.instances.list();
}

describe('readiness probe trust under 429 pauses', () => {
  it('keeps an exact probe whose backstop reads a 429 pause held until the instances ran', async () => {
    // Instances run at 185 s; the backstop reads are planned at twice the expected 90 s (180 s).
    // A 429 at 175 s holds every call until 225 s: the reads wait in the client's queue, the
    // users' checks (and with them their probes) wait for the reads, and the reads find the
    // instances running. The probe was never asked after 185 s: that is no evidence against it.
    let creationMs = 185_000;
    const runningAt = new Map<string, number>();
    let now = () => 0;
    const h = createHarness({
      creationTimeMs: ({ name }) => {
        runningAt.set(name, now() + creationMs);
        return creationMs;
      },
    });
    now = () => h.clock.now();
    const aura = h.newClient();
    const provisioner = h.newProvisioner({ aura, readinessProbe: exactProbe(h) });
    const users = userIds(12);
    const start = h.clock.now();
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    const listed = pauseAt(h, aura, 175_000 - (h.clock.now() - start), 50);
    await h.run(Promise.all(users.map((user) => provisioner.waitUntilReady(user))));
    await h.run(listed);
    const reads = h.fake.requests.filter(isStatusRead);
    expect(reads.map((r) => r.at - start)).toEqual(users.map(() => expect.any(Number)));
    expect(Math.min(...reads.map((r) => r.at - start))).toBeGreaterThanOrEqual(225_000);
    expect(dropped(h)).toEqual([]);
    // Still followed: the next users, whose instances run before their backstop read, are ready
    // within a probe interval of running, with one read each.
    creationMs = 150_000;
    const next = userIds(12, 2);
    await h.run(Promise.all(next.map((user) => provisioner.claimUser(user))));
    const ready = await h.run(Promise.all(next.map((user) => provisioner.waitUntilReady(user))));
    await provisioner.close();
    expect(h.fake.requests.filter(isStatusRead)).toHaveLength(2 * users.length);
    for (const status of ready) {
      const delay =
        (status.readyAt ?? Number.NaN) - (runningAt.get(status.instanceName ?? '') ?? 0);
      // A probe interval (3 s) and a turn at the rate limiter.
      expect(delay).toBeLessThanOrEqual(5_000);
    }
    expect(dropped(h)).toEqual([]);
  });

  it('still drops a probe that never says ready, once reads that left on time find the instances running', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    const aura = h.newClient();
    const provisioner = h.newProvisioner({ aura, readinessProbe: async () => false });
    const held = userIds(12);
    const start = h.clock.now();
    await h.run(Promise.all(held.map((user) => provisioner.claimUser(user))));
    // The backstop reads (180 s) wait out a 429 pause from 175 s to 225 s: they judge nothing.
    const listed = pauseAt(h, aura, 175_000 - (h.clock.now() - start), 50);
    await h.run(Promise.all(held.map((user) => provisioner.waitUntilReady(user))));
    await h.run(listed);
    expect(dropped(h)).toEqual([]);
    // Without a pause, ten backstop reads in a row find running what the probe just called not ready.
    const onTime = userIds(12, 2);
    await h.run(Promise.all(onTime.map((user) => provisioner.claimUser(user))));
    await h.run(Promise.all(onTime.map((user) => provisioner.waitUntilReady(user))));
    await provisioner.close();
    expect(dropped(h)).toHaveLength(1);
    expect(dropped(h)[0]).toMatch(/"missed":10/);
  });
});

describe('readiness probe retried after a quiet period', () => {
  const FOLLOWED_AGAIN = 'readiness probe followed again';
  const QUIET_MS = 1_800_000;

  /** Provisions `users` at once and waits until all are ready. */
  async function provision(h: Harness, provisioner: Provisioner, users: string[]) {
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    return h.run(Promise.all(users.map((user) => provisioner.waitUntilReady(user))));
  }

  it('follows a dropped probe again after 30 minutes, and drops it again (60 minutes) if still wrong', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    let asked = 0;
    const provisioner = h.newProvisioner({
      readinessProbe: async () => {
        asked++;
        return false;
      },
    });
    await provision(h, provisioner, userIds(12));
    expect(dropped(h)).toHaveLength(1);
    expect(dropped(h)[0]).toMatch(/"retryInMs":1800000/);
    const askedBefore = asked;
    await h.clock.advance(QUIET_MS);
    await provision(h, provisioner, userIds(12, 2));
    await provisioner.close();
    expect(h.logs.filter((line) => line.includes(FOLLOWED_AGAIN))).toHaveLength(1);
    expect(asked).toBeGreaterThan(askedBefore);
    expect(dropped(h)).toHaveLength(2);
    expect(dropped(h)[1]).toMatch(/"missed":10/);
    expect(dropped(h)[1]).toMatch(/"retryInMs":3600000/);
  });

  it('keeps a probe followed again after 30 minutes that is now right', async () => {
    const runningAt = new Map<string, number>();
    let now = () => 0;
    const h = createHarness({
      creationTimeMs: ({ name }) => {
        runningAt.set(name, now() + 150_000);
        return 150_000;
      },
    });
    now = () => h.clock.now();
    let broken = true; // a firewall in the way, opened while the probe is dropped
    const provisioner = h.newProvisioner({
      readinessProbe: async ({ instanceId }) =>
        !broken && h.fake.instance(instanceId)?.status === 'running',
    });
    await provision(h, provisioner, userIds(12));
    expect(dropped(h)).toHaveLength(1);
    broken = false;
    await h.clock.advance(QUIET_MS);
    const readsBefore = h.fake.requests.filter(isStatusRead).length;
    const ready = await provision(h, provisioner, userIds(12, 2));
    await provisioner.close();
    expect(h.logs.filter((line) => line.includes(FOLLOWED_AGAIN))).toHaveLength(1);
    expect(dropped(h)).toHaveLength(1);
    // Followed: one read per user, ready within a probe interval and a turn at the limiter.
    expect(h.fake.requests.filter(isStatusRead).length - readsBefore).toBe(ready.length);
    for (const status of ready) {
      const delay =
        (status.readyAt ?? Number.NaN) - (runningAt.get(status.instanceName ?? '') ?? 0);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
  });
});
