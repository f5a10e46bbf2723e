import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import { type NewUserDatabaseRecord, newRecord } from '../../src/records/record.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { describeStoreConformance } from '../stores/store-conformance.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';

// Several connections, so concurrent claims and updates really race in the server.
let pool: pg.Pool;
beforeAll(() => {
  pool = createTestPool({ max: 8 });
});
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

describeStoreConformance('PostgresCredentialStore', async (clock) => {
  const { schema, drop } = await createTestSchema(pool);
  const store = new PostgresCredentialStore({
    client: pool,
    table: `${schema}.user_databases`,
    clock,
  });
  await store.migrate();
  return { store, cleanup: drop };
});

const record = (userId: string, fields: Partial<NewUserDatabaseRecord> = {}) =>
  newRecord(userId, `aura-${userId}`, fields);

async function freshStore() {
  const { schema, drop } = await createTestSchema(pool);
  drops.push(drop);
  const table = `${schema}.user_databases`;
  const store = new PostgresCredentialStore({ client: pool, table, clock: createTestClock() });
  await store.migrate();
  return { store, schema, table };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );

describe('PostgresCredentialStore specifics', () => {
  it('migrates idempotently and stores times from the injected clock, not now()', async () => {
    const { store, table } = await freshStore();
    await store.migrate();
    const { record: claimed } = await store.claim(record('u1'));
    expect(claimed.createdAt).toBe(Date.UTC(2026, 0, 1));
    const { rows } = await pool.query(`select created_at from ${table}`);
    expect(rows).toEqual([{ created_at: new Date('2026-01-01T00:00:00.000Z') }]);
  });

  it('ignores undefined and non-patchable keys in a patch', async () => {
    const { store } = await freshStore();
    await store.claim(record('u1', { instanceId: 'abcd1234' }));
    const sneaky = { instanceId: undefined, attempts: 1, userId: 'u2', version: 40 } as object;
    const updated = await store.update('u1', 1, sneaky);
    expect(updated).toMatchObject({
      userId: 'u1',
      instanceId: 'abcd1234',
      attempts: 1,
      version: 2,
    });
  });

  it('selects nothing for an empty statuses list and omits nextCursor on an exactly full last page', async () => {
    const { store } = await freshStore();
    for (const id of ['a', 'b', 'c', 'd']) await store.claim(record(id));
    expect((await store.list({ statuses: [] })).records).toEqual([]);
    const first = await store.list({ limit: 2 });
    const second = await store.list({ limit: 2, cursor: first.nextCursor });
    expect(second.records.map((r) => r.userId)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('orders user ids by code unit: the user_id column has collation "C"', async () => {
    const { store, schema } = await freshStore();
    const { rows } = await pool.query(
      `select collation_name from information_schema.columns
        where table_schema = $1 and table_name = 'user_databases' and column_name = 'user_id'`,
      [schema],
    );
    expect(rows).toEqual([{ collation_name: 'C' }]);
    for (const id of ['b', 'B', 'a', '_', 'A']) await store.claim(record(id));
    const ids = (await store.list()).records.map((r) => r.userId);
    expect(ids).toEqual(['A', 'B', '_', 'a', 'b']);
  });

  it('rejects a bad limit, a foreign cursor and an empty user id without querying', async () => {
    const { store } = await freshStore();
    for (const promise of [
      store.list({ limit: 0 }),
      store.list({ cursor: 'not a cursor!' }),
      store.get(''),
      store.update('u1', 0, {}),
    ]) {
      expect(isProvisioningError(await failure(promise), 'invalid_configuration')).toBe(true);
    }
  });

  it('turns a constraint violation into a CredentialStoreError without the ciphertext', async () => {
    const { store } = await freshStore();
    await store.claim(record('u1'));
    const secret = 'v1:k1:SECRET-CIPHERTEXT';
    const clash = record('u2', { instanceName: 'aura-u1', encryptedPassword: secret });
    const error = await failure(store.claim(clash));
    expect(isProvisioningError(error, 'store_failure')).toBe(true);
    expect(error).toMatchObject({ operation: 'claim', userId: 'u2' });
    expect(error.message).toMatch(/unique|duplicate/);
    expect(error.message).toContain('SQLSTATE 23505');
    expect(`${error.message}${JSON.stringify(error)}`).not.toContain('SECRET');
    const bad = await failure(
      store.update('u1', 1, { status: 'bogus' as 'ready', encryptedPassword: secret }),
    );
    expect(bad).toMatchObject({ name: 'CredentialStoreError', operation: 'update' });
    expect(bad.message).toContain('SQLSTATE 23514');
    expect(bad.message).not.toContain('SECRET');
  });

  it('reports a row that does not parse as a CredentialStoreError naming the column', async () => {
    const { store, table } = await freshStore();
    await store.claim(record('u1'));
    await pool.query(`alter table ${table} drop constraint user_databases_status_check`);
    await pool.query(`update ${table} set status = 'weird'`);
    const error = await failure(store.get('u1'));
    expect(error).toMatchObject({ name: 'CredentialStoreError', operation: 'get', userId: 'u1' });
    expect(error.message).toContain('unexpected row: column status');
  });
});
