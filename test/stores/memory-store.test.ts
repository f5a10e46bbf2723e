import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import {
  type NewUserDatabaseRecord,
  newRecord,
  type UserDatabasePatch,
} from '../../src/records/record.js';
import { encodeListCursor } from '../../src/stores/list-cursor.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { describeHostStoreConformance } from './host-store-conformance.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('MemoryCredentialStore', async (clock) => ({
  store: new MemoryCredentialStore({ clock }),
}));

const record = (userId: string, fields: Partial<NewUserDatabaseRecord> = {}) =>
  newRecord(userId, `aura-${userId}`, fields);

const expectConfigurationError = async (promise: Promise<unknown>, message: RegExp) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isProvisioningError(error, 'invalid_configuration')).toBe(true);
  expect((error as Error).message).toMatch(message);
};

describe('MemoryCredentialStore specifics', () => {
  it('reads the system clock by default', async () => {
    const store = new MemoryCredentialStore();
    const before = Date.now();
    const { record: claimed } = await store.claim(record('u1'));
    expect(claimed.createdAt).toBeGreaterThanOrEqual(before);
    expect(claimed.createdAt).toBeLessThanOrEqual(Date.now());
  });

  it('ignores patch keys set to undefined, as SQL and JSON stores do', async () => {
    const store = new MemoryCredentialStore({ clock: createTestClock() });
    await store.claim(record('u1', { instanceId: 'abcd1234' }));
    const updated = await store.update('u1', 1, { instanceId: undefined, attempts: 1 });
    expect(updated).toMatchObject({ instanceId: 'abcd1234', attempts: 1, version: 2 });
  });

  it('keeps the key and bookkeeping even when an untyped patch carries them', async () => {
    const clock = createTestClock();
    const store = new MemoryCredentialStore({ clock });
    const { record: claimed } = await store.claim(record('u1'));
    const sneaky = { userId: 'u2', version: 40, createdAt: 0 } as unknown as UserDatabasePatch;
    const updated = await store.update('u1', 1, sneaky);
    expect(updated).toMatchObject({ userId: 'u1', version: 2, createdAt: claimed.createdAt });
    expect(await store.get('u2')).toBeNull();
  });

  it('selects nothing for an empty statuses list', async () => {
    const store = new MemoryCredentialStore({ clock: createTestClock() });
    await store.claim(record('u1'));
    expect((await store.list({ statuses: [] })).records).toEqual([]);
  });

  it('omits nextCursor when the last page is exactly full', async () => {
    const store = new MemoryCredentialStore({ clock: createTestClock() });
    for (const id of ['a', 'b', 'c', 'd']) await store.claim(record(id));
    const first = await store.list({ limit: 2 });
    const second = await store.list({ limit: 2, cursor: first.nextCursor });
    expect(second.records.map((r) => r.userId)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('resumes after a cursor whose record was deleted', async () => {
    const store = new MemoryCredentialStore({ clock: createTestClock() });
    for (const id of ['a', 'b', 'c']) await store.claim(record(id));
    const first = await store.list({ limit: 1 });
    await store.delete('a');
    const rest = await store.list({ cursor: first.nextCursor });
    expect(rest.records.map((r) => r.userId)).toEqual(['b', 'c']);
  });

  it('rejects a limit that is not a positive integer', async () => {
    const store = new MemoryCredentialStore();
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expectConfigurationError(store.list({ limit }), /limit must be a positive integer/);
    }
  });

  it('rejects a cursor it did not make', async () => {
    const store = new MemoryCredentialStore();
    const foreign = btoa(JSON.stringify({ offset: 100 }));
    for (const cursor of [
      '',
      'not a cursor!',
      foreign,
      encodeListCursor({ nextCheckAt: null, userId: 'a' }).slice(1),
    ]) {
      await expectConfigurationError(store.list({ cursor }), /Invalid list cursor/);
    }
  });
});

describeHostStoreConformance('MemoryCredentialStore', async (clock) => ({
  store: new MemoryCredentialStore({ clock }),
}));
