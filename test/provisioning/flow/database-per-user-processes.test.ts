import { describe, expect, it } from 'vitest';
import { PLACEMENT_DEFAULTS } from '../../../src/provisioning/placement.js';
import { createHarness, userIds } from '../harness.js';
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
