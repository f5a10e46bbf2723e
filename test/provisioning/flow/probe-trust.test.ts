import { describe, expect, it } from 'vitest';
import { createHttpReadinessProbe } from '../../../src/provisioning/http-probe.js';
import type { ReadinessProbe } from '../../../src/provisioning/runtime.js';
import { createHarness, killSwitch, userIds, wrapStore } from '../harness.js';

type Harness = ReturnType<typeof createHarness>;
const isStatusRead = (r: { method: string; path: string }) =>
  r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path);
const USERS = 60;

const DISABLED = 'readiness probe disagrees with Aura; using status reads only';

/**
 * Provisions USERS users at once with `probe` (or none) and answers how many status
 * reads it took, when each instance ran and when each user became ready. `idleReads: false`
 * leaves only the planned reads (idle reads go by how busy the budget is at each moment).
 */
async function provisionAll(
  probe?: (h: Harness, runningAt: Map<string, number>) => ReadinessProbe,
  idleReads = true,
) {
  // Creation times spread over 60–180 s, the same for every run; when each instance runs, by name.
  const runningAt = new Map<string, number>();
  let created = 0;
  let now = () => 0;
  const h = createHarness({
    creationTimeMs: ({ name }) => {
      const ms = 60_000 + ((created++ * 7_919) % 120) * 1_000;
      runningAt.set(name, now() + ms);
      return ms;
    },
  });
  now = () => h.clock.now();
  const provisioner = h.newProvisioner({
    ...(probe ? { readinessProbe: probe(h, runningAt) } : {}),
    ...(idleReads ? {} : { poll: { idleReadIntervalMs: 0 } }),
  });
  const users = userIds(USERS);
  await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
  const ready = await h.run(Promise.all(users.map((user) => provisioner.waitUntilReady(user))));
  await provisioner.close();
  expect(ready.every((status) => status.status === 'ready')).toBe(true);
  const statusReads = h.fake.requests.filter(
    (r) => r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path),
  ).length;
  const creates = h.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/instances');
  expect(creates).toHaveLength(USERS);
  return { h, runningAt, statusReads, warnings: h.logs.filter((line) => line.includes(DISABLED)) };
}

describe('readiness probe trust', () => {
  it('drops a probe that says ready from the moment of create: a few wasted reads, then the status policy', async () => {
    // Planned reads only on both sides: the comparison is with the status policy alone.
    const statusOnly = await provisionAll(undefined, false);
    let callsAfterDropped = 0;
    const early = await provisionAll(
      (h) => async () => {
        if (h.logs.some((line) => line.includes(DISABLED))) callsAfterDropped++;
        return true;
      },
      false,
    );
    expect(early.warnings).toHaveLength(1);
    expect(early.warnings[0]).toMatch(/"early":25/);
    // Each early "ready" costs one status read, until half of the last 50 judged it early.
    expect(early.statusReads).toBeLessThanOrEqual(statusOnly.statusReads + 25);
    expect(callsAfterDropped).toBe(0);
  });

  it('drops a probe that never says ready (it cannot reach the instances) after 10 users in a row', async () => {
    let callsAfterDropped = 0;
    const silent = await provisionAll((h) => async () => {
      if (h.logs.some((line) => line.includes(DISABLED))) callsAfterDropped++;
      return false;
    });
    expect(silent.warnings).toHaveLength(1);
    expect(silent.warnings[0]).toMatch(/"missed":10/);
    expect(callsAfterDropped).toBe(0);
  });

  it('keeps a probe that answers late but right: one status read per user, ready soon after the probe', async () => {
    const lagMs = 20_000;
    const late = await provisionAll((h, runningAt) => async ({ instanceId }) => {
      const instance = h.fake.instance(instanceId);
      const since = runningAt.get(instance?.name ?? '') ?? Number.POSITIVE_INFINITY;
      return h.clock.now() >= since + lagMs;
    });
    expect(late.warnings).toEqual([]);
    // A backstop read may find an instance running before the late probe says so; no read is
    // spent on an instance still creating.
    expect(late.statusReads).toBe(USERS);
    const ready = late.h.events.filter((e) => e.type === 'ready');
    expect(ready).toHaveLength(USERS);
    for (const event of ready) {
      const delay = event.at - (late.runningAt.get(event.instanceName ?? '') ?? Number.NaN);
      // The lag, then at most a probe interval (3 s) and a turn at the rate limiter.
      expect(delay).toBeLessThanOrEqual(lagMs + 10_000);
    }
  });

  it('reads a user whose probe said ready too early on the status policy, not the probe backstop', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    const provisioner = h.newProvisioner({ readinessProbe: async () => true });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user));
    await provisioner.close();
    const create = h.fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/instances');
    const reads = h.fake.requests
      .filter((r) => r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path))
      .map((r) => r.at - (create?.at ?? Number.NaN));
    // The early read at half the expected time (45 s), then the status policy's first read at
    // the expected time (90 s), not the backstop's twice that (180 s).
    expect(reads[0]).toBeCloseTo(45_000, -3);
    expect(reads[1]).toBeCloseTo(90_000, -3);
  });

  it('distrusts a probe that says ready while Aura still answers 404 for the new instance', async () => {
    const h = createHarness({ creationTimeMs: 150_000, notFoundAfterCreateMs: 85_000 });
    const provisioner = h.newProvisioner({ readinessProbe: async () => true });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user));
    await provisioner.close();
    const plannedOnly = createHarness({ creationTimeMs: 150_000, notFoundAfterCreateMs: 85_000 });
    const without = plannedOnly.newProvisioner();
    await plannedOnly.run(without.provisionUserDatabase(user));
    await plannedOnly.run(without.waitUntilReady(user));
    await without.close();
    const reads = (x: Harness) => x.fake.requests.filter(isStatusRead).length;
    // One read for the early "ready" (a 404), then as without a probe.
    expect(reads(h)).toBeLessThanOrEqual(reads(plannedOnly) + 1);
  });

  it('keeps a right probe through a restart: reads after reconcile judge nothing they did not see', async () => {
    const h = createHarness({ creationTimeMs: 120_000 });
    const probe: ReadinessProbe = async ({ instanceId }) =>
      h.fake.instance(instanceId)?.status === 'running';
    const crash = killSwitch();
    const dying = h.newProvisioner({
      store: wrapStore(h.store, (_method, _args, run) => crash.guard(run)),
      aura: h.newClient((async (input: RequestInfo | URL, init?: RequestInit) =>
        crash.guard(() => h.fetch(input, init))) as typeof fetch),
      readinessProbe: probe,
    });
    const users = userIds(12);
    await h.run(Promise.all(users.map((user) => dying.provisionUserDatabase(user))));
    await h.clock.advance(5_000);
    crash.kill(); // a deploy while 12 instances are creating
    const next = h.newProvisioner({ readinessProbe: probe });
    await h.run(next.reconcile());
    await h.run(Promise.all(users.map((user) => next.waitUntilReady(user))));
    await next.close();
    expect(h.logs.filter((line) => line.includes(DISABLED))).toEqual([]);
    // The probe runs again after the restart: everyone ready within a few seconds of running.
    for (const event of h.events.filter((e) => e.type === 'ready')) {
      const instance = h.fake.instance(event.instanceId ?? '');
      expect(instance?.status).toBe('running');
    }
    const readyAt = h.events.filter((e) => e.type === 'ready').map((e) => e.at);
    const started = Math.min(
      ...h.fake.requests
        .filter((r) => r.method === 'POST' && r.path === '/v1/instances')
        .map((r) => r.at),
    );
    expect(Math.max(...readyAt) - started).toBeLessThanOrEqual(120_000 + 10_000);
  });

  it.each([4_000, 7_000])(
    'drops an HTTP probe that cannot reach the instances, even when each probe hangs %i ms',
    async (timeoutMs) => {
      const h = createHarness({ creationTimeMs: 120_000 });
      // A firewall that drops the packets: every probe hangs until its timeout.
      const hang = ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        )) as typeof fetch;
      const provisioner = h.newProvisioner({
        readinessProbe: createHttpReadinessProbe({ fetch: hang, timeoutMs, clock: h.clock }),
      });
      for (const user of userIds(20)) {
        await h.run(provisioner.provisionUserDatabase(user));
        await h.run(provisioner.waitUntilReady(user));
      }
      await provisioner.close();
      expect(h.logs.filter((line) => line.includes(DISABLED))).toHaveLength(1);
    },
  );
});
