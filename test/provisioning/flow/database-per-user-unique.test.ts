import { describe, expect, it } from 'vitest';
import type { UserDatabasePatch } from '../../../src/records/record.js';
import { createHarness, userIds, wrapStore } from '../harness.js';
import { PLACEMENT } from '../placement.js';

const DATABASE_CREATE = { method: 'POST', path: /^\/v2beta1\/.*\/databases$/ } as const;

/**
 * Two users on one host whose database creates both lose their answer (`b`'s sent first). The
 * moment `b`'s record is about to take a database id, a racing writer (another process with
 * its own view of the host) gives that same id to `c`'s record first: the two records race for
 * one database, and `c` wins it.
 */
async function raceForOneDatabase(mock: { databaseNaming?: 'auto' }) {
  const h = createHarness({ creationTimeMs: 30_000, databaseCreationTimeMs: 2_000, ...mock });
  const [first, b, c] = userIds(3, 41) as [string, string, string];
  let raced: string | undefined;
  const store = wrapStore(
    h.store,
    async (method, args, run) => {
      const [userId, , patch] = args as [string, number, UserDatabasePatch | undefined];
      if (method === 'update' && userId === b && !raced && typeof patch?.databaseId === 'string') {
        const other = await h.store.get(c);
        if (other?.databaseId === null) {
          raced = patch.databaseId;
          await h.store.update(c, other.version, { databaseId: patch.databaseId });
        }
      }
      return run();
    },
    { hosts: true },
  );
  const provisioner = h.newProvisioner({
    instance: undefined,
    placement: PLACEMENT,
    reconcileIntervalMs: 0,
    store,
  });
  await h.run(provisioner.provisionUserDatabase(first));
  await h.run(provisioner.waitUntilReady(first, { timeoutMs: 600_000 }));
  h.fake.faults.createSucceedsThenTimeout(2, { match: DATABASE_CREATE });
  await h.run(provisioner.provisionUserDatabase(b));
  await h.run(h.clock.sleep(100));
  await h.run(provisioner.provisionUserDatabase(c));
  return { h, provisioner, users: [first, b, c] as const, raced: () => raced };
}

describe('database-per-user: one database, one user, whatever races', () => {
  it('Aura-named: the record that loses the race settles on a database of its own; both end ready', async () => {
    const { h, provisioner, users, raced } = await raceForOneDatabase({ databaseNaming: 'auto' });
    const [, b, c] = users;
    const ready = await h.run(
      Promise.all([b, c].map((u) => provisioner.waitUntilReady(u, { timeoutMs: 600_000 }))),
    );
    expect(ready.map((status) => status.status)).toEqual(['ready', 'ready']);
    const records = await Promise.all(users.map((u) => h.store.get(u)));
    const [, recordB, recordC] = records;
    // c won the id b's record went for; b holds another database, its own.
    expect(raced()).toBeDefined();
    expect(recordC?.databaseId).toBe(raced());
    expect(recordB?.databaseId).not.toBe(raced());
    // Every database on the host is held by exactly one record, and every record's is there.
    const hostId = records[0]?.instanceId as string;
    const listed = h.fake
      .databases(hostId)
      .filter((db) => db.name !== 'neo4j')
      .map((db) => db.id);
    expect(records.map((r) => r?.databaseId).sort()).toEqual(listed.sort());
    expect(h.events.filter((e) => e.type === 'failed')).toEqual([]);
    await provisioner.close();
  }, 30_000);

  it("caller-named: the loser whose own name lists another user's database lets go of it, failed, and touches nothing", async () => {
    const { h, provisioner, users, raced } = await raceForOneDatabase({});
    const [, b, c] = users;
    const readyC = await h.run(provisioner.waitUntilReady(c, { timeoutMs: 600_000 }));
    expect(readyC.status).toBe('ready');
    // b's settling ends: failed for an operator, not retried on its own, holding nothing.
    await h.run(h.clock.sleep(60_000));
    const recordB = await h.store.get(b);
    expect(recordB).toMatchObject({
      status: 'failed',
      lastError: 'database-held-by-another-user',
      nextCheckAt: null,
      instanceId: null,
      databaseName: null,
      databaseId: null,
    });
    expect(h.events.filter((e) => e.type === 'failed')).toEqual([
      expect.objectContaining({
        userId: b,
        reason: 'database-held-by-another-user',
        retryable: false,
      }),
    ]);
    // c holds the database b's name was on; nothing was deleted, and no record shares one.
    const recordC = await h.store.get(c);
    expect(recordC?.databaseId).toBe(raced());
    const hostId = recordC?.instanceId as string;
    expect(h.fake.databases(hostId).map((db) => db.id)).toContain(raced());
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    await provisioner.close();
  }, 30_000);
});
