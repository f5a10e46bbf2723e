import { describe, expect, it } from 'vitest';
import { PLACEMENT_DEFAULTS } from '../../../src/provisioning/placement.js';
import { createHarness, userIds } from '../harness.js';
import { ONE_PER_GB, PLACEMENT } from '../placement.js';

/**
 * Aura does not say whether a deleted database stops counting toward its instance's limit at
 * once. The fake plays both: `deletedDatabaseCountsForMs` 0 (gone at once) or a while. A host
 * full at 4 (neo4j and 3 users, 1 per GB), one user deprovisioned, then a signup.
 */
async function deleteThenSignUp(countsForMs: number) {
  const h = createHarness({ ...ONE_PER_GB, deletedDatabaseCountsForMs: countsForMs });
  const provisioner = h.newProvisioner({
    instance: undefined,
    // What Aura allows, known in advance; no warm slots, so no second host opens on its own.
    placement: {
      ...PLACEMENT,
      host: { ...PLACEMENT.host, memory: '4GB' },
      maxDatabasesPerHost: 4,
      warmSlots: 0,
    },
    reconcileIntervalMs: 0,
  });
  const users = userIds(3, 61);
  const gone = users[0] as string;
  await h.run(Promise.all(users.map((u) => provisioner.claimUser(u))));
  await h.run(Promise.all(users.map((u) => provisioner.waitUntilReady(u, { timeoutMs: 600_000 }))));
  expect(await h.run(provisioner.deprovisionUserDatabase(gone))).toEqual({ status: 'deleted' });
  const [late] = userIds(1, 62) as [string];
  const signedUpAt = h.clock.now();
  await h.run(provisioner.claimUser(late));
  const ready = await h.run(provisioner.waitUntilReady(late, { timeoutMs: 3_600_000 }));
  const hosts = await h.store.listHosts();
  await provisioner.close();
  return {
    waitedMs: (ready.readyAt as number) - signedUpAt,
    status: ready.status,
    hosts: hosts.map((host) => ({ capacity: host.capacity, used: host.used })),
    failed: h.events.filter((e) => e.type === 'failed'),
  };
}

describe('database-per-user: a deleted database Aura may still count', () => {
  it('counted for 2 minutes after its delete: the next signup waits on the same host, whose capacity stays, and no host opens', async () => {
    const run = await deleteThenSignUp(120_000);
    expect(run.status).toBe('ready');
    expect(run.failed).toEqual([]);
    // One host, still holding 4 (it would hold 3 for good, and a second host open, were the
    // refusal taken for the host's limit).
    expect(run.hosts).toEqual([{ capacity: 4, used: 4 }]);
    // Ready once the deleted database stops counting, within one rest of it.
    expect(run.waitedMs).toBeGreaterThanOrEqual(120_000);
    expect(run.waitedMs).toBeLessThan(120_000 + PLACEMENT_DEFAULTS.hostRestMs + 10_000);
  }, 60_000);

  it('gone at once: the next signup is ready in seconds on the freed slot', async () => {
    const run = await deleteThenSignUp(0);
    expect(run.status).toBe('ready');
    expect(run.hosts).toEqual([{ capacity: 4, used: 4 }]);
    expect(run.waitedMs).toBeLessThan(10_000);
  }, 60_000);

  it('counted past the grace: the refusal is then taken for the host limit, and the user is placed on a new host', async () => {
    const run = await deleteThenSignUp(PLACEMENT_DEFAULTS.deletedDatabaseGraceMs * 2);
    expect(run.status).toBe('ready');
    expect(run.failed).toEqual([]);
    // After the grace the host is taken at its word (3); the user waits one host's creation.
    expect(run.hosts).toEqual([
      { capacity: 3, used: 3 },
      { capacity: 3, used: 2 },
    ]);
  }, 60_000);
});
