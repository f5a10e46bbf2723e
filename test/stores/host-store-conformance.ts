import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostStore, isHostStore, newHostRecord } from '../../src/records/host-record.js';
import { createTestClock, type TestClock } from '../../src/testing/test-clock.js';

/** A host store under test, and how to tear it down. */
export interface HostConformanceTarget {
  store: HostStore;
  cleanup?: () => Promise<void>;
}

const hostName = (n: number) => `ap-host-${n.toString().padStart(4, '0')}`;

/**
 * The contract every {@link HostStore} keeps: host records for the
 * `database-per-user` placement. `create` returns an empty store on `clock`.
 */
export function describeHostStoreConformance(
  name: string,
  create: (clock: TestClock) => Promise<HostConformanceTarget>,
): void {
  describe(`${name}: host records`, () => {
    let clock: TestClock;
    let store: HostStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      clock = createTestClock();
      ({ store, cleanup } = await create(clock));
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('is recognised as a host store', () => {
      expect(isHostStore(store)).toBe(true);
    });

    it('returns null for an unknown host and lists none at first', async () => {
      expect(await store.getHost(hostName(1))).toBeNull();
      expect(await store.listHosts()).toEqual([]);
    });

    it('claims a host with version 1, every field as given and the clock time', async () => {
      const record = newHostRecord(hostName(1), 20, { nextCheckAt: clock.now() + 1_000 });
      const result = await store.claimHost(record);
      const expected = { ...record, version: 1, createdAt: clock.now(), updatedAt: clock.now() };
      expect(result).toEqual({ claimed: true, record: expected });
      expect(await store.getHost(hostName(1))).toEqual(expected);
    });

    it('answers a second claim of the same name with the existing record, unchanged', async () => {
      const first = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      const second = await store.claimHost(newHostRecord(hostName(1), 40, { used: 7 }));
      expect(second).toEqual({ claimed: false, record: first });
    });

    it('lets exactly one of many concurrent claims of a name win', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.claimHost(newHostRecord(hostName(1), 20, { attempts: i })),
        ),
      );
      expect(results.filter((result) => result.claimed)).toHaveLength(1);
      const winner = results.find((result) => result.claimed)?.record;
      for (const result of results) expect(result.record).toEqual(winner);
    });

    it('updates with a compare-and-set on the version, keeping the key and createdAt', async () => {
      const claimed = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      await clock.advance(5_000);
      const next = await store.updateHost(hostName(1), claimed.version, {
        status: 'creating',
        instanceId: 'abcd1234',
        connectionUrl: 'neo4j+s://abcd1234.databases.neo4j.io',
        username: 'neo4j',
        encryptedPassword: 'v1.k1.cipher',
        createRequestedAt: clock.now(),
      });
      expect(next).toEqual({
        ...claimed,
        status: 'creating',
        instanceId: 'abcd1234',
        connectionUrl: 'neo4j+s://abcd1234.databases.neo4j.io',
        username: 'neo4j',
        encryptedPassword: 'v1.k1.cipher',
        createRequestedAt: clock.now(),
        version: 2,
        updatedAt: clock.now(),
      });
      expect(await store.updateHost(hostName(1), claimed.version, { used: 2 })).toBeNull();
      expect(await store.getHost(hostName(1))).toEqual(next);
    });

    it('takes a slot at most once per version: concurrent reservations of the last slot, one wins', async () => {
      const claimed = (await store.claimHost(newHostRecord(hostName(1), 2, { status: 'ready' })))
        .record;
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.updateHost(hostName(1), claimed.version, { used: claimed.used + 1 }),
        ),
      );
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      expect((await store.getHost(hostName(1)))?.used).toBe(2);
    });

    it('sets and clears nullable fields, and ignores undefined ones', async () => {
      const claimed = (
        await store.claimHost(newHostRecord(hostName(1), 20, { lastError: 'x', nextCheckAt: 5 }))
      ).record;
      const next = await store.updateHost(hostName(1), claimed.version, {
        lastError: null,
        nextCheckAt: undefined,
      });
      expect(next?.lastError).toBeNull();
      expect(next?.nextCheckAt).toBe(5);
    });

    it("keeps a host's default database ids: unknown (null) at first, a list once set, as copies", async () => {
      const claimed = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      expect(claimed.defaultDatabaseIds).toBeNull();
      const ids = ['293fd870', 'c7a2e4b1'];
      const next = await store.updateHost(hostName(1), claimed.version, {
        defaultDatabaseIds: ids,
      });
      expect(next?.defaultDatabaseIds).toEqual(ids);
      ids.push('changed-after-the-update');
      next?.defaultDatabaseIds?.push('changed-after-the-read');
      expect((await store.getHost(hostName(1)))?.defaultDatabaseIds).toEqual([
        '293fd870',
        'c7a2e4b1',
      ]);
      expect((await store.listHosts())[0]?.defaultDatabaseIds).toEqual(['293fd870', 'c7a2e4b1']);
      const claimedWith = await store.claimHost(
        newHostRecord(hostName(2), 20, { defaultDatabaseIds: ['d0'] }),
      );
      expect(claimedWith.record.defaultDatabaseIds).toEqual(['d0']);
    });

    it('keeps when a slot was last handed back: null at first, the time once set, null once cleared', async () => {
      const claimed = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      expect(claimed.slotReleasedAt).toBeNull();
      const released = clock.now() + 1_234;
      const next = await store.updateHost(hostName(1), claimed.version, {
        slotReleasedAt: released,
      });
      expect(next?.slotReleasedAt).toBe(released);
      expect(await store.getHost(hostName(1))).toEqual(next);
      expect((await store.listHosts())[0]?.slotReleasedAt).toBe(released);
      const kept = await store.updateHost(hostName(1), next?.version ?? 0, { used: 2 });
      expect(kept?.slotReleasedAt).toBe(released);
      const cleared = await store.updateHost(hostName(1), kept?.version ?? 0, {
        slotReleasedAt: null,
      });
      expect(cleared?.slotReleasedAt).toBeNull();
      const claimedWith = await store.claimHost(
        newHostRecord(hostName(2), 20, { slotReleasedAt: released - 1 }),
      );
      expect(claimedWith.record.slotReleasedAt).toBe(released - 1);
      expect((await store.getHost(hostName(2)))?.slotReleasedAt).toBe(released - 1);
    });

    it('refuses a default database id that is empty or holds a comma, storing nothing', async () => {
      const claimed = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      for (const bad of [[''], ['a,b']]) {
        await expect(
          store.updateHost(hostName(1), claimed.version, { defaultDatabaseIds: bad }),
        ).rejects.toThrow(/defaultDatabaseIds/);
      }
      expect(await store.getHost(hostName(1))).toEqual(claimed);
    });

    it('answers null when updating a host that does not exist', async () => {
      expect(await store.updateHost(hostName(9), 1, { used: 2 })).toBeNull();
    });

    it('deletes a host, with or without an expected version', async () => {
      const one = (await store.claimHost(newHostRecord(hostName(1), 20))).record;
      await store.claimHost(newHostRecord(hostName(2), 20));
      expect(await store.deleteHost(hostName(1), one.version + 1)).toBe(false);
      expect(await store.deleteHost(hostName(1), one.version)).toBe(true);
      expect(await store.deleteHost(hostName(1))).toBe(false);
      expect(await store.deleteHost(hostName(2))).toBe(true);
      expect(await store.listHosts()).toEqual([]);
    });

    it('lists every host ordered by name, as copies', async () => {
      for (const n of [3, 1, 2]) await store.claimHost(newHostRecord(hostName(n), 10 * n));
      const hosts = await store.listHosts();
      expect(hosts.map((host) => host.hostName)).toEqual([hostName(1), hostName(2), hostName(3)]);
      expect(hosts.map((host) => host.capacity)).toEqual([10, 20, 30]);
      (hosts[0] as { used: number }).used = 99;
      expect((await store.getHost(hostName(1)))?.used).toBe(1);
    });

    it('keeps host records apart from user records', async () => {
      await store.claimHost(newHostRecord(hostName(1), 20));
      const users = store as unknown as { list?: () => Promise<{ records: unknown[] }> };
      if (users.list) expect((await users.list()).records).toEqual([]);
    });
  });
}
