import { describe, expect, it } from 'vitest';
import { createHarness, userIds } from '../harness.js';
import { PLACEMENT } from '../placement.js';

describe('database-per-user: free slots are used at once', () => {
  it('ten signups in the same tick on a running host with room: every one ready within a database create', async () => {
    const h = createHarness({ creationTimeMs: 30_000, databaseCreationTimeMs: 2_000 });
    const provisioner = h.newProvisioner({
      instance: undefined,
      // 8 GB: 40 slots, so one host holds everyone.
      placement: { ...PLACEMENT, host: { ...PLACEMENT.host, memory: '8GB' } },
      reconcileIntervalMs: 0,
    });
    const [first] = userIds(1, 30) as [string];
    await h.run(provisioner.provisionUserDatabase(first));
    await h.run(provisioner.waitUntilReady(first, { timeoutMs: 600_000 }));
    const start = h.clock.now();
    const users = userIds(10, 31);
    await h.run(Promise.all(users.map((u) => provisioner.claimUser(u))));
    const ready = await h.run(
      Promise.all(users.map((u) => provisioner.waitUntilReady(u, { timeoutMs: 600_000 }))),
    );
    const waited = ready.map((r) => (r.readyAt ?? Number.POSITIVE_INFINITY) - start);
    // A database create (2 s) and its read, not a host's wait (30 s).
    expect(Math.max(...waited)).toBeLessThan(10_000);
    expect((await h.store.listHosts()).filter((host) => host.status !== 'failed')).toHaveLength(1);
    await provisioner.close();
  });

  it('ten signups while the first host starts: every one ready within a database create of the host running', async () => {
    const h = createHarness({ creationTimeMs: 30_000, databaseCreationTimeMs: 2_000 });
    let hostReadyAt = 0;
    const provisioner = h.newProvisioner({
      instance: undefined,
      placement: { ...PLACEMENT, host: { ...PLACEMENT.host, memory: '8GB' } },
      reconcileIntervalMs: 0,
      poll: { expectedCreationMs: 30_000 },
      onEvent: (event) => {
        h.events.push(event);
        if (event.type === 'ready' && !event.userId) hostReadyAt = h.clock.now();
      },
    });
    const users = userIds(10, 32);
    await h.run(Promise.all(users.map((u) => provisioner.claimUser(u))));
    const ready = await h.run(
      Promise.all(users.map((u) => provisioner.waitUntilReady(u, { timeoutMs: 600_000 }))),
    );
    expect(hostReadyAt).toBeGreaterThan(0);
    const waited = ready.map((r) => (r.readyAt ?? Number.POSITIVE_INFINITY) - hostReadyAt);
    expect(Math.max(...waited)).toBeLessThan(10_000);
    await provisioner.close();
  });
});
