import { describe, expect, it } from 'vitest';
import { AuraClient } from '../../../src/aura/client.js';
import { createRateLimiter, type RateLimiter } from '../../../src/aura/rate-limiter.js';
import type { ProvisionerOptions } from '../../../src/provisioning/provisioner.js';
import { ProvisioningConfigurationError } from '../../../src/records/errors.js';
import type { CredentialStore } from '../../../src/records/store.js';
import { createHarness, killSwitch, SPEC, userIds, wrapStore } from '../harness.js';

const CREATION_MS = 160_000;
const isStatusRead = (r: { method: string; path: string }) =>
  r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path);

/**
 * One user provisioned on a quiet budget: when their instance ran and became
 * ready, how many status reads it took and how many store writes.
 */
async function provisionOne(
  overrides: (h: ReturnType<typeof createHarness>) => Partial<ProvisionerOptions> = () => ({}),
) {
  const h = createHarness({ creationTimeMs: CREATION_MS });
  let updates = 0;
  const store: CredentialStore = wrapStore(h.store, (method, _args, run) => {
    if (method === 'update') updates++;
    return run();
  });
  const provisioner = h.newProvisioner({ store, ...overrides(h) });
  const [user] = userIds(1) as [string];
  await h.run(provisioner.provisionUserDatabase(user));
  const create = h.fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/instances');
  const ready = await h.run(provisioner.waitUntilReady(user));
  await provisioner.close();
  return {
    h,
    lateMs: (ready.readyAt ?? Number.NaN) - ((create?.at ?? Number.NaN) + CREATION_MS),
    statusReads: h.fake.requests.filter(isStatusRead).length,
    updates,
  };
}

/** A client on the harness's fake whose limiter reports `utilization` (or nothing). */
function clientWithUtilization(h: ReturnType<typeof createHarness>, utilization?: number) {
  const limiter = createRateLimiter({ limit: 125, windowMs: 60_000 }, h.clock);
  const rateLimiter: RateLimiter =
    utilization === undefined
      ? { acquire: (signal, priority) => limiter.acquire(signal, priority) }
      : { ...limiter, utilization: () => utilization };
  return clientWithLimiter(h, rateLimiter);
}

function clientWithLimiter(h: ReturnType<typeof createHarness>, rateLimiter: RateLimiter) {
  return new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    clock: h.clock,
    fetch: h.fetch as typeof fetch,
    rateLimiter,
  });
}

describe('idle-budget status reads', () => {
  it('make a quiet signup ready within one idle interval of running, not at the planned read', async () => {
    const idle = await provisionOne();
    const planned = await provisionOne(() => ({ poll: { idleReadIntervalMs: 0 } }));
    // Planned reads at 90, 100, 110, 120, 130, 142, 159 and 181 s find it 21 s late; idle reads
    // fill the gaps over 10 s (152 and 169 s), not the planned reads' own times; and, as nothing
    // is learned yet in this process, four explore earlier (10, 20, 40 and 80 s).
    expect(planned.lateMs).toBeCloseTo(21_240, -2);
    expect(idle.statusReads).toBe(planned.statusReads + 5);
    expect(idle.lateMs).toBeGreaterThanOrEqual(0);
    expect(idle.lateMs).toBeLessThanOrEqual(10_000);
    // The price: more status reads, on budget nobody was using; and no more store writes (a read
    // that finds the instance creating writes nothing).
    expect(idle.statusReads).toBeGreaterThan(planned.statusReads);
    expect(idle.updates).toBeLessThanOrEqual(planned.updates);
  });

  it('stay off while the limiter reports half its budget in use, or cannot tell', async () => {
    const planned = await provisionOne(() => ({ poll: { idleReadIntervalMs: 0 } }));
    for (const utilization of [0.5, 1, undefined]) {
      const busy = await provisionOne((h) => ({ aura: clientWithUtilization(h, utilization) }));
      expect({ utilization, reads: busy.statusReads, lateMs: busy.lateMs }).toEqual({
        utilization,
        reads: planned.statusReads,
        lateMs: planned.lateMs,
      });
    }
    const idle = await provisionOne((h) => ({ aura: clientWithUtilization(h, 0.49) }));
    expect(idle.lateMs).toBeLessThanOrEqual(10_000);
  });

  it('read the longest-waiting due user first when the budget allows one read', async () => {
    const h = createHarness({ creationTimeMs: 400_000 });
    const base = createRateLimiter({ limit: 125, windowMs: 60_000 }, h.clock);
    const started = h.clock.now();
    // Busy, except for one moment 140 s in, when one idle read may go.
    let allowance = 1;
    const idleReads: number[] = [];
    const limiter: RateLimiter = {
      acquire: (signal, priority) => {
        if (priority !== 'high') idleReads.push(h.clock.now());
        return base.acquire(signal, priority);
      },
      utilization: () => {
        if (allowance === 0 || h.clock.now() < started + 140_000) return 1;
        allowance--;
        return 0;
      },
    };
    // Planned reads at 90 s after each create, then 100 s apart: none near 140 s.
    const provisioner = h.newProvisioner({
      aura: clientWithLimiter(h, limiter),
      poll: { minIntervalMs: 100_000, maxIntervalMs: 100_000 },
    });
    const users = userIds(3);
    for (const user of users) {
      await h.run(provisioner.provisionUserDatabase(user)); // created at 0, 5 and 10 s
      await h.clock.advance(5_000);
    }
    await h.clock.advance(150_000 - (h.clock.now() - started));
    const oldest = await provisioner.getProvisioningStatus(users[0] as string);
    const atAllowance = h.fake.requests.filter(
      (r) => isStatusRead(r) && r.at >= started + 140_000 && r.at < started + 150_000,
    );
    // The creates went through as normal-priority requests before; the one after 140 s is idle.
    expect(idleReads.filter((at) => at >= started + 140_000)).toHaveLength(1);
    expect(atAllowance.map((r) => r.path)).toEqual([`/v1/instances/${oldest.instanceId}`]);
    await provisioner.close();
  });

  it('keep under the utilization cap with many users creating at once', async () => {
    // 40 users at once: more idle reads wanted than half the budget allows.
    const h = createHarness({ creationTimeMs: CREATION_MS });
    const provisioner = h.newProvisioner();
    const users = userIds(40);
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    await h.run(Promise.all(users.map((user) => provisioner.waitUntilReady(user))));
    await provisioner.close();
    const creates = h.fake.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v1/instances',
    );
    const lastCreate = Math.max(...creates.map((r) => r.at));
    // After the creates, only status reads run: idle ones while under 50% of 125 in a minute,
    // planned ones whatever the use. No window holds more than the cap plus the planned reads.
    const reads = h.fake.requests.filter((r) => isStatusRead(r) && r.at > lastCreate);
    for (const read of reads) {
      const window = reads.filter((r) => r.at > read.at - 60_000 && r.at <= read.at);
      expect(window.length).toBeLessThanOrEqual(63 + users.length);
    }
    // Everyone ready within two idle intervals of running, or the planned read.
    expect(h.events.filter((e) => e.type === 'ready')).toHaveLength(users.length);
  });

  it('stop reading a user who is deprovisioned while creating', async () => {
    const h = createHarness({ creationTimeMs: CREATION_MS });
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.clock.advance(100_000); // idle reads are under way
    await h.run(provisioner.deprovisionUserDatabase(user));
    const readsAtDelete = h.fake.requests.filter(isStatusRead).length;
    await h.clock.advance(600_000);
    expect(h.fake.requests.filter(isStatusRead)).toHaveLength(readsAtDelete);
    await provisioner.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('let go of users another process made ready: no timer left once everyone is ready', async () => {
    const h = createHarness({ creationTimeMs: 90_000 });
    // Process A answers slowly; process B, on the same store and account, reconciles and wins.
    const slow = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await h.clock.sleep(500);
      return h.fetch(input, init);
    }) as typeof fetch;
    // No reconcile timers: they would wait (by design) however ready everyone is.
    const a = h.newProvisioner({ aura: h.newClient(slow), reconcileIntervalMs: 0 });
    const b = h.newProvisioner({ reconcileIntervalMs: 0 });
    const users = userIds(20);
    await h.run(Promise.all(users.map((user) => a.provisionUserDatabase(user))));
    await h.run(b.reconcile());
    await h.run(Promise.all(users.map((user) => a.waitUntilReady(user))));
    await h.clock.advance(3_600_000);
    // Neither A's idle reads nor anything else still waits for anyone.
    expect(h.clock.pendingTimers).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('end an idle read still waiting for a rate-limit slot at close', async () => {
    const h = createHarness({ creationTimeMs: CREATION_MS });
    const limiter = createRateLimiter({ limit: 125, windowMs: 60_000 }, h.clock);
    // Once the create is through, the limiter says the budget is idle but holds every
    // normal-priority request (idle reads) until its caller gives up.
    let open = true;
    const holding: RateLimiter = {
      acquire: (signal, priority) =>
        open || priority === 'high'
          ? limiter.acquire(signal, priority)
          : new Promise((_resolve, reject) =>
              signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
            ),
      utilization: () => 0,
    };
    const provisioner = h.newProvisioner({ aura: clientWithLimiter(h, holding) });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    open = false;
    // Planned reads at 90, 100, ..., 142 s; the idle read at 152 s (a gap over 10 s) waits.
    await h.clock.advance(155_000);
    await provisioner.close(); // would hang if the idle read in flight were awaited
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('learn when to start from what first idle reads answer, earlier as well as later', async () => {
    // Creation times spread over 40–140 s, one user at a time (a quiet day). The first idle
    // read starts at the 90 s guess; an estimate fed only by reads at or after it could never
    // move below 90 s, and a 40 s instance would wait 50 s.
    const creations: number[] = [];
    const h = createHarness({
      creationTimeMs: () => {
        const ms = 40_000 + ((creations.length * 37) % 100) * 1_000;
        creations.push(ms);
        return ms;
      },
    });
    const provisioner = h.newProvisioner();
    const late: number[] = [];
    for (const user of userIds(200)) {
      await h.run(provisioner.provisionUserDatabase(user));
      const created = h.clock.now();
      const ready = await h.run(provisioner.waitUntilReady(user));
      late.push((ready.readyAt ?? Number.NaN) - created - (creations.at(-1) ?? Number.NaN));
    }
    await provisioner.close();
    const settled = late.slice(-50).sort((a, b) => a - b);
    expect(settled[45]).toBeLessThanOrEqual(20_000); // p90
    expect(settled[49]).toBeLessThanOrEqual(30_000);
  });

  it('make users of a fake that creates in 5 s ready in seconds, with the default poll', async () => {
    const h = createHarness({ creationTimeMs: 5_000 });
    const provisioner = h.newProvisioner();
    const waited: number[] = [];
    for (const user of userIds(20)) {
      await h.run(provisioner.provisionUserDatabase(user));
      const created = h.clock.now();
      const ready = await h.run(provisioner.waitUntilReady(user));
      waited.push((ready.readyAt ?? Number.NaN) - created);
    }
    await provisioner.close();
    // The first read at 10 s finds the first instance running, and every later user's first
    // read goes then too: not at the 90 s that Aura's own creations take.
    expect(waited.every((ms) => ms <= 10_000)).toBe(true);
    expect(h.fake.requests.filter(isStatusRead)).toHaveLength(20);
  });

  it('learn Aura-like times from the first instance seen, and explore no more after it', async () => {
    const creations = [150_000, 70_000, 130_000, 110_000, 90_000, 170_000, 60_000, 120_000];
    let n = 0;
    const h = createHarness({ creationTimeMs: () => creations[n++ % creations.length] ?? 0 });
    const provisioner = h.newProvisioner();
    const firstReads: number[] = [];
    for (const user of userIds(40)) {
      const before = h.fake.requests.filter(isStatusRead).length;
      await h.run(provisioner.provisionUserDatabase(user));
      const created = h.clock.now();
      await h.run(provisioner.waitUntilReady(user));
      firstReads.push((h.fake.requests.filter(isStatusRead)[before]?.at ?? Number.NaN) - created);
    }
    await provisioner.close();
    // Before any instance was seen: the first user is read 10 s after create. Every later user's
    // first read goes near the learned start (90 s at first, then learned from what the first
    // reads answer): none explores early again.
    expect(firstReads[0]).toBe(10_000);
    expect(Math.min(...firstReads.slice(1))).toBeGreaterThanOrEqual(60_000);
  });

  it('explore with one user at a time: the others wait for the expected time', async () => {
    const h = createHarness({ creationTimeMs: 100_000 });
    const provisioner = h.newProvisioner();
    const users = userIds(10);
    await h.run(Promise.all(users.map((user) => provisioner.provisionUserDatabase(user))));
    const created = h.clock.now();
    await h.clock.advance(89_000);
    const early = h.fake.requests.filter(isStatusRead).map((r) => [r.path, r.at - created]);
    // One instance is read at 10, 20, 40 and 80 s; the nine others not before 90 s.
    expect(new Set(early.map(([path]) => path)).size).toBe(1);
    expect(early.map(([, at]) => Math.round(Number(at) / 1_000))).toEqual([10, 20, 40, 80]);
    await h.run(Promise.all(users.map((user) => provisioner.waitUntilReady(user))));
    await provisioner.close();
  });

  it('resume after a restart (reconcile), not only after the next planned read', async () => {
    const creationMs = 235_000;
    const lateness = async (restart: boolean) => {
      const h = createHarness({ creationTimeMs: creationMs });
      const crash = killSwitch();
      const first = h.newProvisioner({
        store: wrapStore(h.store, (_method, _args, run) => crash.guard(run)),
        aura: h.newClient((async (input: RequestInfo | URL, init?: RequestInit) =>
          crash.guard(() => h.fetch(input, init))) as typeof fetch),
      });
      const [user] = userIds(1) as [string];
      await h.run(first.provisionUserDatabase(user));
      const created = h.clock.now();
      let current = first;
      if (restart) {
        // Just after the planned read at about 212 s; the next planned one is about 60 s later.
        await h.clock.advance(215_000);
        crash.kill();
        current = h.newProvisioner();
        await h.run(current.reconcile());
      }
      const ready = await h.run(current.waitUntilReady(user));
      await current.close();
      return (ready.readyAt ?? Number.NaN) - created - creationMs;
    };
    expect(await lateness(false)).toBeLessThanOrEqual(10_000);
    expect(await lateness(true)).toBeLessThanOrEqual(10_000);
  });

  it('leave no timer behind after close, with users still creating', async () => {
    const h = createHarness({ creationTimeMs: CREATION_MS });
    const provisioner = h.newProvisioner();
    await h.run(Promise.all(userIds(3).map((user) => provisioner.provisionUserDatabase(user))));
    await h.clock.advance(100_000);
    await provisioner.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it.each([
    [{ idleReadBelowUtilization: 2 }, 'poll.idleReadBelowUtilization must be <= 1'],
    [{ idleReadIntervalMs: -1 }, 'poll.idleReadIntervalMs must be a finite number >= 0, not -1'],
    [{ deadlineMs: Number.NaN }, 'poll.deadlineMs must be a finite number >= 0, not NaN'],
    [{ minIntervalMs: 0 }, 'poll.minIntervalMs must be > 0'],
    [{ maxIntervalMs: 1_000 }, 'poll.maxIntervalMs must be >= poll.minIntervalMs'],
    [{ backoffFactor: 0.5 }, 'poll.backoffFactor must be >= 1'],
    [
      { idleReadIntervalMs: 2 ** 31 },
      'poll.idleReadIntervalMs must be at most 2147483647 ms (about 24.8 days)',
    ],
  ])('a poll policy of %o is refused: %s', (poll, message) => {
    const h = createHarness();
    expect(() => h.newProvisioner({ poll, instance: SPEC })).toThrow(
      ProvisioningConfigurationError,
    );
    expect(() => h.newProvisioner({ poll })).toThrow(`Invalid poll policy: ${message}`);
  });
});
