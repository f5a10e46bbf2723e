import { describe, expect, it } from 'vitest';
import { PLACEMENT_DEFAULTS } from '../../../src/provisioning/placement.js';
import { createHarness, userIds, wrapStore } from '../harness.js';
import { PLACEMENT } from '../placement.js';

describe('database-per-user: two processes on one store', () => {
  it('60 signups at once, each claimed by both: hosts opened are the minimum the users and the warm slots need', async () => {
    const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
    const placement = { ...PLACEMENT, host: { ...PLACEMENT.host, memory: '4GB' } };
    const options = { instance: undefined, placement, reconcileIntervalMs: 0 };
    const one = h.newProvisioner(options);
    const two = h.newProvisioner(options);
    const users = userIds(60, 33);
    await h.run(Promise.all(users.flatMap((u) => [one.claimUser(u), two.claimUser(u)])));
    const ready = await h.run(
      Promise.all(users.map((u) => one.waitUntilReady(u, { timeoutMs: 1_800_000 }))),
    );
    expect(ready.every((r) => r.status === 'ready')).toBe(true);
    const hosts = await h.store.listHosts();
    // 4 GB hosts: 20 databases, neo4j counted, so 19 users each; warm slots: a quarter of a host.
    const perHost = 19;
    const warm = Math.max(1, Math.ceil(20 * PLACEMENT_DEFAULTS.warmShare));
    const minimum = Math.ceil((users.length + warm) / perHost);
    expect({ hosts: hosts.length }).toEqual({ hosts: minimum });
    await Promise.all([one.close(), two.close()]);
  }, 60_000);
});

/**
 * Two processes on one store and one 2 GB host at most, filled by the first: 9 users (neo4j
 * counted), ready; whoever signs up next waits for a slot.
 */
async function oneFullHost(seed: number) {
  const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
  const options = {
    instance: undefined,
    placement: { ...PLACEMENT, maxHosts: 1 },
    reconcileIntervalMs: 0,
  };
  const one = h.newProvisioner(options);
  const two = h.newProvisioner(options);
  const placed = userIds(9, seed) as [string, string, ...string[]];
  await h.run(Promise.all(placed.map((u) => one.claimUser(u))));
  await h.run(Promise.all(placed.map((u) => one.waitUntilReady(u, { timeoutMs: 600_000 }))));
  return { h, one, two, placed };
}

describe('database-per-user: a slot freed in one process', () => {
  it('places at once a user another process left waiting for a host (not at its next recheck)', async () => {
    const { h, one, two, placed } = await oneFullHost(34);
    const [waiting] = userIds(1, 35) as [string];
    await h.run(two.provisionUserDatabase(waiting));
    const deferred = await h.store.get(waiting);
    expect(deferred?.waitingForHostSince).not.toBeNull();

    const freedAt = h.clock.now();
    await h.run(one.deprovisionUserDatabase(placed[0]));
    const ready = await h.run(two.waitUntilReady(waiting, { timeoutMs: 600_000 }));
    // The slot goes to the waiting user within a database create (2 s) and its read, not at the
    // recheck a waiting user gets every 30 s.
    expect(ready.status).toBe('ready');
    expect((ready.readyAt ?? Number.POSITIVE_INFINITY) - freedAt).toBeLessThan(10_000);
    await Promise.all([one.close(), two.close()]);
  }, 60_000);
});

describe('database-per-user: a slot freed where a waiting user was placed by the other process', () => {
  it("still wakes a user the other process left waiting (this process's own waiting user is placed already)", async () => {
    const { h, one, two, placed } = await oneFullHost(40);
    // `first` waits in `one`; a slot freed in `two` wakes it there, and `two` places it.
    const [first, second] = userIds(2, 41) as [string, string];
    await h.run(one.provisionUserDatabase(first));
    await h.run(two.deprovisionUserDatabase(placed[0]));
    expect((await h.run(two.waitUntilReady(first, { timeoutMs: 20_000 }))).status).toBe('ready');
    // `second` waits in `two`; then a slot frees in `one`, which still counts `first` as its own
    // waiting user (placed by `two` meanwhile, before its own recheck).
    await h.run(two.provisionUserDatabase(second));
    expect((await h.store.get(second))?.waitingForHostSince).not.toBeNull();
    const freedAt = h.clock.now();
    await h.run(one.deprovisionUserDatabase(placed[1]));
    const ready = await h.run(two.waitUntilReady(second, { timeoutMs: 600_000 }));
    // Within a database create (2 s) and its read, not at the 30 s recheck.
    expect((ready.readyAt ?? Number.POSITIVE_INFINITY) - freedAt).toBeLessThan(10_000);
    await Promise.all([one.close(), two.close()]);
  }, 60_000);
});

describe('database-per-user: a host made ready by another process', () => {
  it('places at once the users this process left waiting for it (not at their next recheck)', async () => {
    const h = createHarness({ creationTimeMs: 70_000, databaseCreationTimeMs: 2_000 });
    const options = {
      instance: undefined,
      placement: PLACEMENT,
      reconcileIntervalMs: 0,
      poll: { expectedCreationMs: 70_000 },
    };
    let hostReadyAt = 0;
    const one = h.newProvisioner({
      ...options,
      onEvent: (event) => {
        if (event.type === 'ready' && !event.userId) hostReadyAt ||= h.clock.now();
      },
    });
    // The other process cannot read the project's instances: only `one` can see the host start.
    const listInstances = /^\/v2beta1\/organizations\/[^/]+\/projects\/[^/]+\/instances$/;
    const blind = (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'GET' && listInstances.test(new URL(request.url).pathname)) {
        return Promise.resolve(new Response('unavailable', { status: 503 }));
      }
      return h.fetch(request);
    };
    const two = h.newProvisioner({ ...options, aura: h.newClient(blind as typeof fetch) });
    const users = userIds(3, 39);
    await h.run(Promise.all(users.map((u) => two.provisionUserDatabase(u))));
    const ready = await h.run(
      Promise.all(users.map((u) => two.waitUntilReady(u, { timeoutMs: 600_000 }))),
    );
    expect(hostReadyAt).toBeGreaterThan(0);
    const waited = ready.map((r) => (r.readyAt ?? Number.POSITIVE_INFINITY) - hostReadyAt);
    // A database create (2 s) and its read after the host runs, not the 30 s recheck.
    expect(Math.max(...waited)).toBeLessThan(10_000);
    await Promise.all([one.close(), two.close()]);
  }, 60_000);
});

describe('database-per-user: a slot handed back on a busy host', () => {
  it('lands however many writers change the host first (a slot lost there was never used again)', async () => {
    const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
    // Another writer changes the host just before each of the first 20 hand-backs' writes, as
    // dozens of users taking slots at once on one host do: every such write loses its race.
    let raced = 0;
    const store = wrapStore(
      h.store,
      async (method, args, run) => {
        const [hostName, , patch] = args as [string, number, { used?: number }];
        if (method === ('updateHost' as never) && patch.used !== undefined && raced < 20) {
          const current = await h.store.getHost(hostName);
          if (current && patch.used < current.used) {
            raced++;
            await h.store.updateHost(hostName, current.version, {});
          }
        }
        return run();
      },
      { hosts: true },
    );
    const provisioner = h.newProvisioner({
      store,
      instance: undefined,
      placement: PLACEMENT,
      reconcileIntervalMs: 0,
    });
    const [first, second] = userIds(2, 40) as [string, string];
    for (const user of [first, second]) {
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user, { timeoutMs: 600_000 }));
    }
    expect((await h.store.listHosts())[0]?.used).toBe(3);
    await h.run(provisioner.deprovisionUserDatabase(first));
    expect(raced).toBe(20);
    expect((await h.store.listHosts())[0]?.used).toBe(2);
    await provisioner.close();
  });
});

describe('database-per-user: one user stepped by two processes at once', () => {
  it('takes one slot for them: the other process stops before taking one it would hand back', async () => {
    const h = createHarness({ creationTimeMs: 60_000, databaseCreationTimeMs: 2_000 });
    let taken = 0;
    const store = wrapStore(
      h.store,
      async (method, args, run) => {
        const [hostName, , patch] = args as [string, number, { used?: number }];
        if (method === ('updateHost' as never) && patch.used !== undefined) {
          const before = await h.store.getHost(hostName);
          const after = (await run()) as { used: number } | null;
          if (before && after && after.used > before.used) taken++;
          return after;
        }
        return run();
      },
      { hosts: true },
    );
    const options = { store, instance: undefined, placement: PLACEMENT, reconcileIntervalMs: 0 };
    const one = h.newProvisioner(options);
    const two = h.newProvisioner(options);
    // A host with room first, so both processes find a slot for every user at once.
    const [early] = userIds(1, 41) as [string];
    await h.run(one.provisionUserDatabase(early));
    await h.run(one.waitUntilReady(early, { timeoutMs: 600_000 }));
    taken = 0;
    const users = userIds(5, 42);
    // The same signups reach both processes in the same tick (a webhook delivered twice).
    await h.run(
      Promise.all(
        users.flatMap((u) => [one.provisionUserDatabase(u), two.provisionUserDatabase(u)]),
      ),
    );
    await h.run(Promise.all(users.map((u) => one.waitUntilReady(u, { timeoutMs: 600_000 }))));
    expect(taken).toBe(users.length);
    expect((await h.store.listHosts())[0]?.used).toBe(users.length + 2);
    await Promise.all([one.close(), two.close()]);
  });
});
