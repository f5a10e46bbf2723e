import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type NewUserDatabaseRecord,
  newRecord,
  type UserDatabasePatch,
  type UserDatabaseRecord,
} from '../../src/records/record.js';
import type { CredentialStore, ListQuery } from '../../src/records/store.js';
import { createTestClock, type TestClock } from '../../src/testing/test-clock.js';

/** A store under test, and how to tear it down. */
export interface ConformanceTarget {
  store: CredentialStore;
  cleanup?: () => Promise<void>;
}

/** User ids shaped as UUIDs (Supabase's `auth.users.id`), ordered by `n`. */
const userId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A valid record to claim: `pending`, nothing known yet. */
const pendingRecord = (n: number, fields: Partial<NewUserDatabaseRecord> = {}) =>
  newRecord(userId(n), `aura-user-${n}`, fields);

/** Every page of a query, followed through its cursors. */
async function listAll(store: CredentialStore, query: ListQuery = {}) {
  const pages: UserDatabaseRecord[][] = [];
  let cursor = query.cursor;
  do {
    const page = await store.list({ ...query, cursor });
    pages.push(page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 1_000);
  return pages;
}

const ids = (records: readonly { userId: string }[]) => records.map((record) => record.userId);

/**
 * The contract every {@link CredentialStore} keeps. `create` must return an
 * empty store that reads time from the given clock; `cleanup` runs after each test.
 *
 * @example
 * ```ts
 * describeStoreConformance('MemoryCredentialStore', async (clock) => ({
 *   store: new MemoryCredentialStore({ clock }),
 * }));
 * ```
 */
export function describeStoreConformance(
  name: string,
  create: (clock: TestClock) => Promise<ConformanceTarget>,
): void {
  describe(name, () => {
    let clock: TestClock;
    let store: CredentialStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      clock = createTestClock();
      ({ store, cleanup } = await create(clock));
    });
    afterEach(async () => {
      await cleanup?.();
    });

    /** Claims `record` and returns what the store made of it. */
    const claimed = async (record: NewUserDatabaseRecord) => (await store.claim(record)).record;

    it('returns null for a user without a record', async () => {
      expect(await store.get(userId(1))).toBeNull();
    });

    it('claims a new user with version 1, the given fields and the clock time', async () => {
      const record = pendingRecord(1, { nextCheckAt: clock.now() + 5_000 });
      const result = await store.claim(record);
      const expected = {
        ...record,
        lastUsedAt: null,
        version: 1,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      };
      expect(result).toEqual({ claimed: true, record: expected });
      expect(await store.get(record.userId)).toEqual(expected);
    });

    it('answers a second claim with the existing record and changes nothing', async () => {
      const first = await claimed(pendingRecord(1));
      await clock.advance(1_000);
      const second = await store.claim(pendingRecord(1, { status: 'ready', attempts: 9 }));
      expect(second).toEqual({ claimed: false, record: first });
      expect(await store.get(userId(1))).toEqual(first);
    });

    it('lets exactly one of 50 concurrent claims for a user win, and all see its record', async () => {
      const claims = Array.from({ length: 50 }, (_, i) =>
        store.claim(pendingRecord(1, { lastError: `claim ${i}` })),
      );
      const results = await Promise.all(claims);
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.record;
      for (const result of results) expect(result.record).toEqual(winner);
      expect(await store.get(userId(1))).toEqual(winner);
    });

    it('claims different users independently', async () => {
      const results = await Promise.all([1, 2, 3].map((n) => store.claim(pendingRecord(n))));
      expect(results.map((result) => result.claimed)).toEqual([true, true, true]);
      expect((await store.get(userId(2)))?.instanceName).toBe('aura-user-2');
    });

    it('applies an update at the expected version, bumps it and keeps the other fields', async () => {
      const before = await claimed(pendingRecord(1, { attempts: 1, nextCheckAt: clock.now() }));
      await clock.advance(60_000);
      const patch = { status: 'creating', instanceId: 'abcd1234', lastError: null } as const;
      const after = await store.update(before.userId, 1, patch);
      const expected = { ...before, ...patch, version: 2, updatedAt: clock.now() };
      expect(after).toEqual(expected);
      expect(await store.get(before.userId)).toEqual(expected);
    });

    it('keeps the placement it was claimed with; an update never changes it', async () => {
      expect((await claimed(pendingRecord(1))).placement).toBe('instance-per-user');
      const hosted = await claimed(pendingRecord(2, { placement: 'database-per-user' }));
      expect(hosted.placement).toBe('database-per-user');
      // An untyped caller sending it anyway: the other fields apply, the placement stays.
      const patch = { placement: 'instance-per-user', attempts: 1 } as unknown as UserDatabasePatch;
      const after = await store.update(hosted.userId, 1, patch);
      expect(after).toMatchObject({ placement: 'database-per-user', attempts: 1, version: 2 });
      expect(await store.get(hosted.userId)).toEqual(after);
    });

    it('stores the database id with the placement it belongs to, and clears it', async () => {
      const hosted = await claimed(pendingRecord(1, { placement: 'database-per-user' }));
      expect(hosted.databaseId).toBeNull();
      const placed = await store.update(hosted.userId, 1, {
        status: 'creating',
        instanceId: 'host1234',
        databaseName: 'u-1',
      });
      const patch = { databaseId: 'db-293fd870', databaseName: '293fd870' };
      const answered = await store.update(hosted.userId, placed?.version ?? 0, patch);
      expect(answered).toMatchObject({ ...patch, instanceId: 'host1234', version: 3 });
      expect(await store.get(hosted.userId)).toEqual(answered);
      const cleared = await store.update(hosted.userId, 3, { databaseId: null });
      expect((await store.get(hosted.userId))?.databaseId).toBeNull();
      expect(cleared?.databaseName).toBe('293fd870');
    });

    describe('one database, one user', () => {
      /** Claims `n` hosted users placed on `host`, creating, with no database id yet. */
      const placedOn = async (host: string, ...ns: number[]) => {
        const records: UserDatabaseRecord[] = [];
        for (const n of ns) {
          const record = await claimed(
            pendingRecord(n, { placement: 'database-per-user', status: 'creating' }),
          );
          const placed = await store.update(record.userId, 1, {
            instanceId: host,
            databaseName: `u-${n}`,
          });
          if (placed) records.push(placed);
        }
        return records;
      };

      it('gives a database to exactly one of 10 records racing for it; the others are not applied, unchanged, and nothing throws', async () => {
        const racers = await placedOn('host1234', ...Array.from({ length: 10 }, (_, i) => i + 1));
        const results = await Promise.all(
          racers.map((r) =>
            store.update(r.userId, r.version, { databaseId: 'db-1', databaseName: 'db-1' }),
          ),
        );
        const winners = results.filter((result) => result !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toMatchObject({ databaseId: 'db-1', instanceId: 'host1234' });
        for (const [i, result] of results.entries()) {
          if (result === null) expect(await store.get(racers[i]?.userId ?? '')).toEqual(racers[i]);
        }
      });

      it('holds the pair only: the same id on another instance, or once let go, is free', async () => {
        const [a, b] = await placedOn('host1234', 1, 2);
        const [c] = await placedOn('host5678', 3);
        if (!a || !b || !c) throw new Error('not placed');
        const held = await store.update(a.userId, a.version, { databaseId: 'db-1' });
        expect(held?.databaseId).toBe('db-1');
        expect(await store.update(c.userId, c.version, { databaseId: 'db-1' })).toMatchObject({
          instanceId: 'host5678',
          databaseId: 'db-1',
        });
        // Moving onto the held pair by the instance id is refused too.
        expect(await store.update(c.userId, c.version + 1, { instanceId: 'host1234' })).toBeNull();
        expect(await store.update(b.userId, b.version, { databaseId: 'db-1' })).toBeNull();
        await store.update(a.userId, held?.version ?? 0, { databaseId: null });
        expect(await store.update(b.userId, b.version, { databaseId: 'db-1' })).toMatchObject({
          databaseId: 'db-1',
          version: b.version + 1,
        });
      });

      it('refuses a claim holding a database another record holds, with a typed error, inserting nothing', async () => {
        const [a] = await placedOn('host1234', 1);
        await store.update(a?.userId ?? '', a?.version ?? 0, { databaseId: 'db-1' });
        const copy = pendingRecord(2, {
          placement: 'database-per-user',
          instanceId: 'host1234',
          databaseId: 'db-1',
        });
        await expect(store.claim(copy)).rejects.toMatchObject({
          name: 'CredentialStoreError',
          operation: 'claim',
        });
        expect(await store.get(userId(2))).toBeNull();
      });
    });

    it('refuses an update at a stale version and changes nothing', async () => {
      const record = await claimed(pendingRecord(1));
      const current = await store.update(record.userId, 1, { attempts: 1 });
      expect(await store.update(record.userId, 1, { attempts: 7, status: 'failed' })).toBeNull();
      expect(await store.get(record.userId)).toEqual(current);
    });

    it('lets exactly one of 20 concurrent updates at the same version win', async () => {
      const record = await claimed(pendingRecord(1));
      const updates = Array.from({ length: 20 }, (_, i) =>
        store.update(record.userId, 1, { attempts: i + 1, lastError: `update ${i}` }),
      );
      const winners = (await Promise.all(updates)).filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.version).toBe(2);
      expect(await store.get(record.userId)).toEqual(winners[0]);
    });

    it('answers an update of a missing user with null', async () => {
      expect(await store.update(userId(1), 1, { status: 'ready' })).toBeNull();
      expect(await store.get(userId(1))).toBeNull();
    });

    it('round-trips every field, nulls and edge values included', async () => {
      const full = pendingRecord(1, {
        status: 'ready',
        instanceName: 'aura-0123456789abcdef01234567',
        instanceId: 'a1b2c3d4',
        connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
        username: 'neo4j',
        encryptedPassword: `v1:k1:${'x'.repeat(16)}:${'y'.repeat(10_000)}`,
        databaseName: 'neo4j',
        attempts: 2_147_483_647,
        lastError: 'Ünïcödé — 日本語 🚀 "quotes" \'apostrophes\' \\ back\nslash',
        nextCheckAt: 4_102_444_800_000,
        createRequestedAt: 4_102_444_800_001,
        readyAt: 4_102_444_800_002,
      });
      const empty = pendingRecord(2);
      await store.claim(full);
      await store.claim(empty);
      const stamps = {
        lastUsedAt: null,
        version: 1,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      };
      expect(await store.get(full.userId)).toEqual({ ...full, ...stamps });
      expect(await store.get(empty.userId)).toEqual({ ...empty, ...stamps });
      const nulled = await store.update(full.userId, 1, {
        instanceId: null,
        lastError: null,
        nextCheckAt: null,
      });
      expect(nulled).toMatchObject({
        instanceId: null,
        lastError: null,
        nextCheckAt: null,
        readyAt: 4_102_444_800_002,
      });
      expect(await store.get(full.userId)).toEqual(nulled);
    });

    it('deletes a record once: true, then false', async () => {
      await store.claim(pendingRecord(1));
      expect(await store.delete(userId(1))).toBe(true);
      expect(await store.get(userId(1))).toBeNull();
      expect(await store.delete(userId(1))).toBe(false);
    });

    it('keeps the record when deleting at a stale version', async () => {
      await store.claim(pendingRecord(1));
      const current = await store.update(userId(1), 1, { status: 'deleting' });
      expect(await store.delete(userId(1), 1)).toBe(false);
      expect(await store.get(userId(1))).toEqual(current);
      expect(await store.delete(userId(1), 2)).toBe(true);
    });

    it('lists only the requested statuses', async () => {
      const statuses = ['pending', 'creating', 'ready', 'failed', 'deleting'] as const;
      for (const [i, status] of statuses.entries()) await store.claim(pendingRecord(i, { status }));
      const [page] = await listAll(store, { statuses: ['ready', 'failed'] });
      expect(ids(page ?? [])).toEqual([userId(2), userId(3)]);
      expect((await listAll(store)).flat()).toHaveLength(5);
    });

    it('lists records due at or before dueBefore, not later ones nor those without a time', async () => {
      const t = clock.now();
      const times = [t - 1_000, t, t + 1, null];
      for (const [i, nextCheckAt] of times.entries())
        await store.claim(pendingRecord(i, { nextCheckAt }));
      const due = (await listAll(store, { dueBefore: t })).flat();
      expect(ids(due)).toEqual([userId(0), userId(1)]);
      const dueReady = await listAll(store, { dueBefore: t, statuses: ['ready'] });
      expect(dueReady.flat()).toEqual([]);
    });

    it('orders by nextCheckAt (nulls last), then userId', async () => {
      const t = clock.now();
      const times = [null, t + 1, t + 2, t + 1, t + 2, null, t]; // of users 1 to 7
      const records = times.map((nextCheckAt, i) => pendingRecord(i + 1, { nextCheckAt }));
      for (const record of records.toReversed()) await store.claim(record);
      const [page] = await listAll(store);
      expect(ids(page ?? [])).toEqual([7, 2, 4, 3, 5, 1, 6].map(userId));
    });

    it('pages 250 records by 100: three pages, each record once, in order', async () => {
      const t = clock.now();
      // Groups of three share a time, so page boundaries fall inside ties.
      const records = Array.from({ length: 250 }, (_, i) =>
        pendingRecord(i, { nextCheckAt: t + Math.floor(i / 3) }),
      );
      await Promise.all(records.map((record) => store.claim(record)));
      const pages = await listAll(store, { limit: 100 });
      expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
      expect(ids(pages.flat())).toEqual(records.map((record) => record.userId));
    });

    it('pages by position, not offset: records changing between pages do not shift the others', async () => {
      const t = clock.now();
      const records = Array.from({ length: 250 }, (_, i) =>
        pendingRecord(i, { nextCheckAt: t + Math.floor(i / 3) }),
      );
      await Promise.all(records.map((record) => store.claim(record)));
      const first = await store.list({ limit: 100 });
      // Not yet reached: one moves before the cursor, one moves further on, one keeps its place.
      await store.update(userId(200), 1, { nextCheckAt: t - 1 });
      await store.update(userId(150), 1, { nextCheckAt: t + 10_000 });
      await store.update(userId(120), 1, { lastError: 'changed, same place' });
      const second = await store.list({ limit: 100, cursor: first.nextCursor });
      await store.update(userId(240), 1, { nextCheckAt: t - 2 });
      const rest = await listAll(store, { limit: 100, cursor: second.nextCursor });
      const seen = ids([first.records, second.records, ...rest].flat());
      expect(new Set(seen).size).toBe(seen.length);
      const moved = new Set([200, 150, 240].map(userId));
      const unmoved = ids(records).filter((id) => !moved.has(id));
      expect(seen.filter((id) => !moved.has(id))).toEqual(unmoved);
      expect(seen).toContain(userId(150));
    });

    it("with order 'userId', pages by userId alone: every record that exists throughout is seen exactly once, however it moves", async () => {
      const t = clock.now();
      const records = Array.from({ length: 250 }, (_, i) =>
        pendingRecord(i, { nextCheckAt: i % 2 === 0 ? t + i : null }),
      );
      await Promise.all(records.map((record) => store.claim(record)));
      const first = await store.list({ limit: 100, order: 'userId' });
      expect(ids(first.records)).toEqual(records.slice(0, 100).map((r) => r.userId));
      // Not yet reached: moved to the front of the due order, moved to the back, made ready.
      await store.update(userId(200), 1, { nextCheckAt: t - 1 });
      await store.update(userId(150), 1, { nextCheckAt: null, status: 'ready' });
      await store.update(userId(120), 1, { nextCheckAt: t - 5 });
      const rest = await listAll(store, { limit: 100, order: 'userId', cursor: first.nextCursor });
      const seen = ids([first.records, ...rest].flat());
      expect(seen).toEqual(records.map((r) => r.userId));
    });

    it('refuses a cursor of one order in the other', async () => {
      await Promise.all(Array.from({ length: 3 }, (_, i) => store.claim(pendingRecord(i))));
      const byUser = await store.list({ limit: 1, order: 'userId' });
      const byDue = await store.list({ limit: 1 });
      await expect(store.list({ cursor: byUser.nextCursor })).rejects.toThrow(/cursor/i);
      await expect(store.list({ cursor: byDue.nextCursor, order: 'userId' })).rejects.toThrow(
        /cursor/i,
      );
    });

    it('lists an empty store as one empty page', async () => {
      const page = await store.list();
      expect(page.records).toEqual([]);
      expect(page.nextCursor).toBeUndefined();
    });

    it('keeps its own copies: changing a record passed in or returned does not change the store', async () => {
      const input = pendingRecord(1);
      const original = await claimed(input);
      const snapshot = structuredClone(original);
      input.status = 'failed';
      original.status = 'ready';
      const fetched = await store.get(userId(1));
      if (fetched) fetched.attempts = 99;
      const listed = (await store.list()).records[0];
      if (listed) listed.lastError = 'mutated';
      expect(await store.get(userId(1))).toEqual(snapshot);
      const updated = await store.update(userId(1), 1, { attempts: 1 });
      if (updated) updated.instanceId = 'mutated';
      expect((await store.get(userId(1)))?.instanceId).toBeNull();
    });

    describe('recordUse', () => {
      const recordUse = (uses: { userId: string; at: number }[]) => {
        if (!store.recordUse) throw new Error('this store has no recordUse');
        return store.recordUse(uses);
      };

      it("records each user's latest use of a batch, leaving version and updatedAt alone", async () => {
        const [one, two] = [await claimed(pendingRecord(1)), await claimed(pendingRecord(2))];
        const at = clock.now() + 60_000;
        await recordUse([
          { userId: userId(1), at: at - 5_000 },
          { userId: userId(1), at },
          { userId: userId(2), at: at - 1_000 },
          { userId: userId(9), at }, // no record: skipped
        ]);
        expect(await store.get(userId(1))).toEqual({ ...one, lastUsedAt: at });
        expect(await store.get(userId(2))).toEqual({ ...two, lastUsedAt: at - 1_000 });
        expect(await store.get(userId(9))).toBeNull();
        // An update at the version read before the use still applies.
        expect(await store.update(userId(1), 1, { attempts: 1 })).toMatchObject({
          lastUsedAt: at,
          attempts: 1,
          version: 2,
        });
      });

      it('never moves a time backwards', async () => {
        await claimed(pendingRecord(1));
        const at = clock.now() + 60_000;
        await recordUse([{ userId: userId(1), at }]);
        await recordUse([{ userId: userId(1), at: at - 1 }]);
        expect((await store.get(userId(1)))?.lastUsedAt).toBe(at);
        await recordUse([{ userId: userId(1), at: at + 1 }]);
        expect((await store.get(userId(1)))?.lastUsedAt).toBe(at + 1);
      });

      it('accepts an empty batch, and refuses a bad user id or time with a typed error', async () => {
        await recordUse([]);
        await expect(recordUse([{ userId: '', at: 1 }])).rejects.toThrow(/userId/);
        await expect(recordUse([{ userId: userId(1), at: Number.NaN }])).rejects.toThrow(/at/);
      });
    });
  });
}
