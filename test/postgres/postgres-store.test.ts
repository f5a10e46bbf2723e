import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import { newHostRecord } from '../../src/records/host-record.js';
import { type NewUserDatabaseRecord, newRecord } from '../../src/records/record.js';
import type { UserDatabaseColumns } from '../../src/stores/postgres-columns.js';
import { createAuraHostsTableSql } from '../../src/stores/postgres-host-schema.js';
import { createUserDatabasesTableSql } from '../../src/stores/postgres-schema.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { describeHostStoreConformance } from '../stores/host-store-conformance.js';
import { describeStoreConformance } from '../stores/store-conformance.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';
import { expectHeldOnce, insertHeldTwice } from './held-twice.js';

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

describeHostStoreConformance('PostgresCredentialStore', async (clock) => {
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

/** The user table's DDL without the statements `dropped` matches: as an earlier release made it. */
const userTableSqlWithout = (table: string, dropped: RegExp) =>
  createUserDatabasesTableSql({ table })
    .split(';\n\n')
    .filter((statement) => !dropped.test(statement))
    .join(';\n\n');

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );

describe('PostgresCredentialStore specifics', () => {
  it('names its deployment by cluster, database and table: the same for every process on the table, another for another table', async () => {
    const { store, table, schema } = await freshStore();
    const key = await store.deploymentKey();
    expect(key).toMatch(/^postgres:\d+\/[^/]+\/\d+$/);
    const second = createTestPool({ max: 1 });
    const again = new PostgresCredentialStore({ client: second, table });
    expect(await again.deploymentKey()).toBe(key);
    await second.end();
    const other = new PostgresCredentialStore({ client: pool, table: `${schema}.other_users` });
    await other.migrate();
    expect(await other.deploymentKey()).not.toBe(key);
  });

  it('tells no deployment when the server will not say its system identifier', async () => {
    const denied = Object.assign(new Error('permission denied for function pg_control_system'), {
      code: '42501',
    });
    const store = new PostgresCredentialStore({
      client: { query: async () => Promise.reject(denied) },
    });
    expect(await store.deploymentKey()).toBeUndefined();
  });

  it('migrates idempotently and stores times from the injected clock, not now()', async () => {
    const { store, table } = await freshStore();
    await store.migrate();
    const { record: claimed } = await store.claim(record('u1'));
    expect(claimed.createdAt).toBe(Date.UTC(2026, 0, 1));
    const { rows } = await pool.query(`select created_at from ${table}`);
    expect(rows).toEqual([{ created_at: new Date('2026-01-01T00:00:00.000Z') }]);
  });

  it.each<[string, UserDatabaseColumns]>([
    ['the default columns', {}],
    ['mapped columns', { encryptedPassword: 'secret', placement: 'lives_on' }],
  ])(
    'migrate() upgrades a user table of the previous release (%s): each row gets its placement',
    async (_, columns) => {
      const { schema, drop } = await createTestSchema(pool);
      drops.push(drop);
      const table = `${schema}.user_databases`;
      // The previous release's table: the same columns, without the placement.
      await pool.query(createUserDatabasesTableSql({ table, columns }));
      const placementColumn = columns.placement ?? 'placement';
      await pool.query(`alter table ${table} drop column ${placementColumn}`);
      await pool.query(`alter table ${table} drop column waiting_for_host_since`);
      await pool.query(`alter table ${table} drop column database_id`);
      await pool.query(`alter table ${table} drop column last_used_at`);
      const passwordColumn = columns.encryptedPassword ?? 'neo4j_password';
      const oldRow = (
        id: string,
        instanceId: string | null,
        database: string | null,
        password: string | null,
      ) =>
        pool.query(
          `insert into ${table} (user_id, status, instance_name, instance_id, database_name, ${passwordColumn}) values ($1, 'ready', $2, $3, $4, $5)`,
          [id, `aura-${id}`, instanceId, database, password],
        );
      await oldRow('hosted', 'host0001', 'db-hosted', null); // on a shared host: no password of its own
      await oldRow('own', 'abcd1234', null, 'v1:k1:ciphertext');
      await oldRow('own-named', 'abcd5678', 'neo4j', 'v1:k1:ciphertext');
      await oldRow('unplaced', null, null, null);
      // Waiting for a slot on a host: the previous release said so in last_error alone.
      await pool.query(
        `insert into ${table} (user_id, status, instance_name, last_error) values ('waiting', 'pending', 'aura-waiting', 'waiting-for-host')`,
      );

      const store = new PostgresCredentialStore({
        client: pool,
        table,
        columns,
        clock: createTestClock(),
      });
      await store.migrate();
      const placements = async () =>
        Object.fromEntries((await store.list()).records.map((r) => [r.userId, r.placement]));
      expect(await placements()).toEqual({
        hosted: 'database-per-user',
        own: 'instance-per-user',
        'own-named': 'instance-per-user',
        unplaced: 'instance-per-user',
        waiting: 'database-per-user',
      });
      // Again, and after a hosted-looking row of the new release: nothing changes.
      await store.claim(record('later', { instanceId: 'host0001', databaseName: 'db-later' }));
      await store.migrate();
      expect(await placements()).toMatchObject({
        hosted: 'database-per-user',
        later: 'instance-per-user',
      });
      // A row written by the previous release's code after the upgrade gets the default.
      await oldRow('old-writer', null, null, null);
      expect((await store.get('old-writer'))?.placement).toBe('instance-per-user');
      await expect(
        pool.query(`update ${table} set ${placementColumn} = 'elsewhere' where user_id = 'own'`),
      ).rejects.toThrow(/check/);
    },
  );

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

describe('PostgresCredentialStore host records', () => {
  it('keeps hosts in aura_hosts beside the user table, with snake_case columns', async () => {
    const { store, schema } = await freshStore();
    const { rows } = await pool.query(
      `select column_name, data_type, is_nullable, collation_name from information_schema.columns
        where table_schema = $1 and table_name = 'aura_hosts' order by ordinal_position`,
      [schema],
    );
    expect(rows.map((row) => row.column_name)).toEqual([
      'host_name',
      'status',
      'version',
      'instance_id',
      'connection_url',
      'username',
      'encrypted_password',
      'capacity',
      'used',
      'attempts',
      'last_error',
      'next_check_at',
      'create_requested_at',
      'ready_at',
      'created_at',
      'updated_at',
      'default_database_ids',
      'slot_released_at',
    ]);
    expect(rows[0]).toMatchObject({ data_type: 'text', is_nullable: 'NO', collation_name: 'C' });
    await store.claimHost(newHostRecord('ap-host-0001', 20, { nextCheckAt: Date.UTC(2026, 0, 2) }));
    const stored = await pool.query(
      `select created_at, next_check_at, version from "${schema}".aura_hosts`,
    );
    expect(stored.rows).toEqual([
      {
        created_at: new Date('2026-01-01T00:00:00.000Z'),
        next_check_at: new Date('2026-01-02T00:00:00.000Z'),
        version: '1',
      },
    ]);
  });

  it('migrate() adds the hosts table to an existing install and leaves the user table and its rows alone', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const table = `${schema}.user_databases`;
    // An install from before host records: the user table only, with a row.
    await pool.query(createUserDatabasesTableSql({ table }));
    await pool.query(
      `insert into ${table} (user_id, status, instance_name, neo4j_password, attempts)
       values ('kept-user', 'ready', 'aura-kept', 'v1:k1:kept-ciphertext', 2)`,
    );
    const before = await pool.query(`select * from ${table}`);
    const store = new PostgresCredentialStore({ client: pool, table, clock: createTestClock() });
    expect(
      (await pool.query('select to_regclass($1) as t', [`${schema}.aura_hosts`])).rows[0].t,
    ).toBeNull();
    await store.migrate();
    expect((await pool.query(`select * from ${table}`)).rows).toEqual(before.rows);
    expect(await store.get('kept-user')).toMatchObject({ status: 'ready', attempts: 2 });
    const { claimed } = await store.claimHost(newHostRecord('ap-host-0001', 20));
    expect(claimed).toBe(true);
    expect(await store.updateHost('ap-host-0001', 1, { used: 2 })).toMatchObject({ version: 2 });
    expect((await store.listHosts()).map((host) => host.hostName)).toEqual(['ap-host-0001']);
    await store.migrate();
    expect((await store.listHosts()).map((host) => host.used)).toEqual([2]);
  });

  it.each([
    ['the first release', ['default_database_ids', 'slot_released_at']],
    ['the release before slot_released_at', ['slot_released_at']],
  ])(
    'migrate() upgrades a hosts table made by %s: the columns added, its rows kept',
    async (_, missing) => {
      const { schema, drop } = await createTestSchema(pool);
      drops.push(drop);
      const hosts = `${schema}.aura_hosts`;
      // The hosts table as that release made it: without the columns added since.
      const quoted = missing.map((column) => `"${column}"`);
      const statements = createAuraHostsTableSql({ table: hosts })
        .replace(/;\n$/, '')
        .split(';\n\n')
        .filter((sql) => sql.startsWith('create') || !quoted.some((column) => sql.includes(column)))
        .map((sql) =>
          quoted.reduce(
            (ddl, column) => ddl.replace(new RegExp(`,\\n\\s*${column} \\w+`), ''),
            sql,
          ),
        );
      for (const sql of statements) await pool.query(sql);
      const columns = async () =>
        (
          await pool.query(
            `select column_name from information_schema.columns
            where table_schema = $1 and table_name = 'aura_hosts' order by ordinal_position`,
            [schema],
          )
        ).rows.map((row) => row.column_name);
      expect(await columns()).not.toContain('slot_released_at');
      await pool.query(
        `insert into ${hosts} (host_name, status, capacity, used) values ('ap-host-0001', 'ready', 10, 3)`,
      );
      const clock = createTestClock();
      const store = new PostgresCredentialStore({
        client: pool,
        table: `${schema}.user_databases`,
        clock,
      });
      await store.migrate();
      await store.migrate();
      expect((await columns()).slice(-2)).toEqual(['default_database_ids', 'slot_released_at']);
      const [kept] = await store.listHosts();
      expect(kept).toMatchObject({
        hostName: 'ap-host-0001',
        status: 'ready',
        used: 3,
        defaultDatabaseIds: null,
        slotReleasedAt: null,
      });
      const released = await store.updateHost('ap-host-0001', kept?.version ?? 0, {
        slotReleasedAt: clock.now(),
      });
      expect(released?.slotReleasedAt).toBe(clock.now());
      expect(await store.getHost('ap-host-0001')).toEqual(released);
      const comment = await pool.query(
        `select col_description($1::regclass, attnum) as comment from pg_attribute
        where attrelid = $1::regclass and attname = 'slot_released_at'`,
        [hosts],
      );
      expect(comment.rows[0]?.comment).toMatch(/slot handed back/);
    },
  );

  it('migrate() upgrades a table from before the idle policy: last_used_at and the new statuses', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const table = `${schema}.user_databases`;
    // The table as the first release made it: no last_used_at, five statuses.
    await pool.query(
      userTableSqlWithout(table, /^alter table/)
        .replace(/,\n\s*"last_used_at" timestamptz/, '')
        .replace(", 'paused', 'resuming'", ''),
    );
    await pool.query(
      `insert into ${table} (user_id, status, instance_name) values ('kept-user', 'ready', 'aura-kept')`,
    );
    await expect(
      pool.query(`update ${table} set status = 'paused' where user_id = 'kept-user'`),
    ).rejects.toThrow(/user_databases_status_check/);
    const clock = createTestClock();
    const store = new PostgresCredentialStore({ client: pool, table, clock });
    await store.migrate();
    await store.migrate();
    const kept = await store.get('kept-user');
    expect(kept).toMatchObject({ status: 'ready', lastUsedAt: null });
    await store.recordUse([{ userId: 'kept-user', at: clock.now() }]);
    const paused = await store.update('kept-user', kept?.version ?? 0, { status: 'paused' });
    expect(paused).toMatchObject({ status: 'paused', lastUsedAt: clock.now() });
    await expect(
      pool.query(`update ${table} set status = 'asleep' where user_id = 'kept-user'`),
    ).rejects.toThrow(/user_databases_status_check/);
  });

  it('migrate() upgrades a table where two records hold one database: the first ready keeps it, the others let go of it', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const table = `${schema}.user_databases`;
    // The table as the release before the unique index made it.
    await pool.query(userTableSqlWithout(table, /unique index|^update/));
    await insertHeldTwice(pool, table);
    const store = new PostgresCredentialStore({ client: pool, table, clock: createTestClock() });
    await store.migrate();
    const once = (await pool.query(`select * from ${table} order by user_id`)).rows;
    await store.migrate();
    expect((await pool.query(`select * from ${table} order by user_id`)).rows).toEqual(once);
    await expectHeldOnce(store);
    // From now on the index refuses a second holder: the update is not applied.
    const kept = await store.get('other-db');
    expect(await store.update('other-db', kept?.version ?? 0, { databaseId: 'db-1' })).toBeNull();
  });

  it('takes the hosts table from hostsTable, and refuses the user table as hosts table', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    const hostsTable = `${schema}.shared_hosts`;
    const store = new PostgresCredentialStore({
      client: pool,
      table: `${schema}.users`,
      hostsTable,
      clock: createTestClock(),
    });
    await store.migrate();
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    expect((await pool.query(`select host_name from ${hostsTable}`)).rows).toEqual([
      { host_name: 'ap-host-0001' },
    ]);
    for (const options of [
      { table: 'app.hosts', hostsTable: 'app.hosts' },
      { table: 'aura_hosts' },
      { hostsTable: 'a.b.c' },
      { hostsTable: 'bad-name' },
    ]) {
      expect(() => new PostgresCredentialStore({ client: pool, ...options })).toThrow(
        expect.objectContaining({ code: 'invalid_configuration' }),
      );
    }
  });

  it('prints the same DDL migrate() runs for the hosts table', async () => {
    const { schema, drop } = await createTestSchema(pool);
    drops.push(drop);
    await pool.query(createAuraHostsTableSql({ table: `${schema}.aura_hosts` }));
    const store = new PostgresCredentialStore({
      client: pool,
      table: `${schema}.user_databases`,
      clock: createTestClock(),
    });
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    expect(await store.listHosts()).toHaveLength(1);
    expect(createAuraHostsTableSql()).toContain('create table if not exists "aura_hosts"');
  });

  it('rejects an empty host name or a bad version without querying', async () => {
    const { store } = await freshStore();
    for (const promise of [
      store.getHost(''),
      store.claimHost(newHostRecord('', 20)),
      store.updateHost('ap-host-0001', 0, {}),
      store.deleteHost('ap-host-0001', 1.5),
    ]) {
      expect(isProvisioningError(await failure(promise), 'invalid_configuration')).toBe(true);
    }
  });

  it('ignores undefined and non-patchable keys in a host patch', async () => {
    const { store } = await freshStore();
    await store.claimHost(newHostRecord('ap-host-0001', 20, { instanceId: 'abcd1234' }));
    const sneaky = { instanceId: undefined, used: 2, hostName: 'other', version: 40 } as object;
    expect(await store.updateHost('ap-host-0001', 1, sneaky)).toMatchObject({
      hostName: 'ap-host-0001',
      instanceId: 'abcd1234',
      used: 2,
      version: 2,
    });
    expect(await store.getHost('other')).toBeNull();
  });

  it('turns a failed host write into a CredentialStoreError without the ciphertext', async () => {
    const { store, schema } = await freshStore();
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    const secret = 'v1:k1:SECRET-HOST-CIPHERTEXT';
    const bad = await failure(
      store.updateHost('ap-host-0001', 1, { used: -1, encryptedPassword: secret }),
    );
    expect(isProvisioningError(bad, 'store_failure')).toBe(true);
    expect(bad).toMatchObject({ name: 'CredentialStoreError', operation: 'updateHost' });
    expect(bad.message).toContain('SQLSTATE 23514');
    expect(`${bad.message}${JSON.stringify(bad)}`).not.toContain('SECRET');
    const clash = await failure(
      store.claimHost(newHostRecord('ap-host-0002', 0, { encryptedPassword: secret })),
    );
    expect(clash).toMatchObject({ name: 'CredentialStoreError', operation: 'claimHost' });
    expect(`${clash.message}${JSON.stringify(clash)}`).not.toContain('SECRET');
    await pool.query(`drop table "${schema}".aura_hosts`);
    const missing = await failure(store.listHosts());
    expect(missing).toMatchObject({ name: 'CredentialStoreError', operation: 'listHosts' });
    expect(missing.message).toContain('SQLSTATE 42P01');
  });
});
