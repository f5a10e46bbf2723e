import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHostRecord } from '../../src/records/host-record.js';
import { createAuraHostsTableSql } from '../../src/stores/postgres-host-schema.js';
import { createUserDatabasesTableSql } from '../../src/stores/postgres-schema.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { createTestDatabase, createTestPool } from '../support/postgres.js';
import { expectHeldOnce, insertHeldTwice } from './held-twice.js';

const MIGRATIONS_DIR = new URL('../../supabase/migrations/', import.meta.url);
const USER_MIGRATION = '20261125000000_aura_provisioner_user_databases.sql';
const HOSTS_MIGRATION = '20261204000000_aura_provisioner_hosts.sql';
const PLACEMENT_MIGRATION = '20261207000000_aura_provisioner_placement.sql';
const IDLE_MIGRATION = '20261207000100_aura_provisioner_idle.sql';
const HOST_DEFAULTS_MIGRATION = '20261207000200_aura_provisioner_host_default_database.sql';
const UNIQUE_MIGRATION = '20261207000300_aura_provisioner_database_unique.sql';
const SLOT_RELEASED_MIGRATION = '20261207000400_aura_provisioner_host_slot_released.sql';
/** Every shipped migration, in the order the Supabase CLI applies them (by file name). */
const MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .sort();
const migration = (name: string) => readFileSync(new URL(name, MIGRATIONS_DIR), 'utf8');

// What a Supabase project has before any migration of ours: the auth schema,
// the API roles (service_role bypasses RLS), and default privileges that grant
// every new table in public to all of them.
const SUPABASE_STAND_IN = `
  do $$ begin create role anon nologin; exception when duplicate_object or unique_violation then null; end $$;
  do $$ begin create role authenticated nologin; exception when duplicate_object or unique_violation then null; end $$;
  do $$ begin create role service_role nologin bypassrls; exception when duplicate_object or unique_violation then null; end $$;
  create schema auth;
  create table auth.users (id uuid primary key);
  grant usage on schema public to anon, authenticated, service_role;
  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
`;

const USER = '6f1c1a52-3c1e-4f54-9d5a-0f6f2b1f9c11';
const insertRow = (id: string, fields: { status?: string; instanceName?: string } = {}) =>
  `insert into public.user_databases (user_id, status, instance_name) values ('${id}', '${
    fields.status ?? 'pending'
  }', '${fields.instanceName ?? `aura-${id.slice(0, 8)}`}')`;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createTestPool({ url: database.url, max: 2 });
  await pool.query(SUPABASE_STAND_IN);
  for (const name of MIGRATIONS) await pool.query(migration(name));
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** Runs `sql` as `role` on one connection; resolves to the error, or undefined on success. */
async function errorAs(role: string, sql: string): Promise<Error | undefined> {
  const client = await pool.connect();
  try {
    await client.query(`set role ${role}`);
    await client.query(sql);
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await client.query('reset role');
    client.release();
  }
}

describe('the Supabase migration', () => {
  it('turns row-level security on, with no policy at all', async () => {
    const rls = await pool.query(
      `select relrowsecurity from pg_class where oid = 'public.user_databases'::regclass`,
    );
    expect(rls.rows).toEqual([{ relrowsecurity: true }]);
    const policies = await pool.query(
      `select count(*)::int as n from pg_policies where schemaname = 'public' and tablename = 'user_databases'`,
    );
    expect(policies.rows).toEqual([{ n: 0 }]);
  });

  it('leaves anon and authenticated without any privilege, despite the default grants', async () => {
    for (const role of ['anon', 'authenticated']) {
      const { rows } = await pool.query(
        `select bool_or(has_table_privilege($1, 'public.user_databases', p)) as any
           from unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as p`,
        [role],
      );
      expect(rows).toEqual([{ any: false }]);
      expect((await errorAs(role, 'select * from public.user_databases'))?.message).toMatch(
        /permission denied/,
      );
      expect((await errorAs(role, insertRow(USER)))?.message).toMatch(/permission denied/);
    }
  });

  it('lets service_role read and write through the store (it bypasses RLS)', async () => {
    const id = crypto.randomUUID();
    const client = await pool.connect();
    try {
      await client.query('set role service_role');
      const store = new PostgresCredentialStore({ client, clock: createTestClock() });
      const { claimed } = await store.claim({
        userId: id,
        status: 'pending',
        placement: 'instance-per-user',
        instanceName: `aura-${id.slice(0, 8)}`,
        instanceId: null,
        connectionUrl: null,
        username: null,
        encryptedPassword: null,
        databaseName: null,
        attempts: 0,
        lastError: null,
        nextCheckAt: null,
        waitingForHostSince: null,
        databaseId: null,
        createRequestedAt: null,
        readyAt: null,
      });
      expect(claimed).toBe(true);
      expect(await store.update(id, 1, { status: 'creating' })).toMatchObject({ version: 2 });
      expect((await store.list({ statuses: ['creating'] })).records).toHaveLength(1);
      expect(await store.delete(id, 2)).toBe(true);
    } finally {
      await client.query('reset role');
      client.release();
    }
  });

  it('rejects an unknown status, a second row for a user and a reused instance name', async () => {
    await expect(pool.query(insertRow(crypto.randomUUID(), { status: 'done' }))).rejects.toThrow(
      /user_databases_status_check/,
    );
    const id = crypto.randomUUID();
    await pool.query(insertRow(id));
    await expect(pool.query(insertRow(id, { instanceName: 'other' }))).rejects.toThrow(
      /user_databases_pkey/,
    );
    await expect(
      pool.query(insertRow(crypto.randomUUID(), { instanceName: `aura-${id.slice(0, 8)}` })),
    ).rejects.toThrow(/user_databases_instance_name_key/);
  });

  it('keeps the row when the auth user is deleted, so deprovisioning can find the instance', async () => {
    await pool.query(`insert into auth.users (id) values ($1)`, [USER]);
    await pool.query(insertRow(USER));
    await pool.query(`delete from auth.users where id = $1`, [USER]);
    const { rows } = await pool.query(
      `select status from public.user_databases where user_id = $1`,
      [USER],
    );
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  it('has the same columns as the plain Postgres DDL of PostgresCredentialStore', async () => {
    await pool.query('create schema plain');
    await pool.query(createUserDatabasesTableSql({ table: 'plain.user_databases' }));
    const shape = async (schema: string) =>
      (
        await pool.query(
          `select column_name, data_type, is_nullable, column_default, collation_name
             from information_schema.columns
            where table_schema = $1 and table_name = 'user_databases' order by ordinal_position`,
          [schema],
        )
      ).rows;
    expect(await shape('public')).toEqual(await shape('plain'));
  });

  it('marks neo4j_password as ciphertext only', async () => {
    const { rows } = await pool.query(
      `select col_description('public.user_databases'::regclass, attnum) as comment
         from pg_attribute where attrelid = 'public.user_databases'::regclass and attname = 'neo4j_password'`,
    );
    expect(rows[0]?.comment).toMatch(/encrypted.*Never plaintext/);
  });
});

describe('the Supabase placement migration', () => {
  it('upgrades a user table of the previous migrations: each row gets its placement, once', async () => {
    const previous = await createTestDatabase();
    const old = createTestPool({ url: previous.url, max: 1 });
    try {
      await old.query(SUPABASE_STAND_IN);
      await old.query(migration(USER_MIGRATION));
      await old.query(migration(HOSTS_MIGRATION));
      const oldRow = (
        id: string,
        instanceId: string | null,
        database: string | null,
        password: string | null,
      ) =>
        old.query(
          `insert into public.user_databases (user_id, status, instance_name, instance_id, database_name, neo4j_password) values ($1, 'ready', $2, $3, $4, $5)`,
          [id, `aura-${id}`, instanceId, database, password],
        );
      await oldRow('hosted', 'host0001', 'db-hosted', null);
      await oldRow('own', 'abcd1234', null, 'v1:k1:ciphertext');
      await oldRow('own-named', 'abcd5678', 'neo4j', 'v1:k1:ciphertext');
      await oldRow('unplaced', null, null, null);
      await old.query(
        `insert into public.user_databases (user_id, status, instance_name, last_error) values ('waiting', 'pending', 'aura-waiting', 'waiting-for-host')`,
      );
      await old.query(migration(PLACEMENT_MIGRATION));
      await old.query(migration(PLACEMENT_MIGRATION)); // the CLI never does, but a rerun is harmless
      await old.query(migration(IDLE_MIGRATION));

      const store = new PostgresCredentialStore({ client: old, clock: createTestClock() });
      const placements = Object.fromEntries(
        (await store.list()).records.map((r) => [r.userId, r.placement]),
      );
      expect(placements).toEqual({
        hosted: 'database-per-user',
        own: 'instance-per-user',
        'own-named': 'instance-per-user',
        unplaced: 'instance-per-user',
        waiting: 'database-per-user',
      });
      await expect(
        old.query(`update public.user_databases set placement = 'elsewhere'`),
      ).rejects.toThrow(/user_databases_placement_check/);
    } finally {
      await old.end();
      await previous.drop();
    }
  });
});

describe('the Supabase hosts migration', () => {
  it('ships after the user table migration, which it leaves as it was', () => {
    expect(MIGRATIONS).toEqual([
      USER_MIGRATION,
      HOSTS_MIGRATION,
      PLACEMENT_MIGRATION,
      IDLE_MIGRATION,
      HOST_DEFAULTS_MIGRATION,
      UNIQUE_MIGRATION,
      SLOT_RELEASED_MIGRATION,
    ]);
    const statements = migration(HOSTS_MIGRATION).replace(/--[^\n]*/g, '');
    expect(statements).not.toContain('user_databases');
  });

  it('turns row-level security on for aura_hosts, with no policy at all', async () => {
    const rls = await pool.query(
      `select relrowsecurity from pg_class where oid = 'public.aura_hosts'::regclass`,
    );
    expect(rls.rows).toEqual([{ relrowsecurity: true }]);
    const policies = await pool.query(
      `select count(*)::int as n from pg_policies where schemaname = 'public' and tablename = 'aura_hosts'`,
    );
    expect(policies.rows).toEqual([{ n: 0 }]);
  });

  it('leaves anon and authenticated without any privilege on aura_hosts', async () => {
    for (const role of ['anon', 'authenticated']) {
      const { rows } = await pool.query(
        `select bool_or(has_table_privilege($1, 'public.aura_hosts', p)) as any
           from unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as p`,
        [role],
      );
      expect(rows).toEqual([{ any: false }]);
      expect((await errorAs(role, 'select * from public.aura_hosts'))?.message).toMatch(
        /permission denied/,
      );
      expect(
        (
          await errorAs(
            role,
            `insert into public.aura_hosts (host_name, status, capacity) values ('h', 'pending', 2)`,
          )
        )?.message,
      ).toMatch(/permission denied/);
    }
  });

  it('lets service_role keep hosts through the store (it bypasses RLS)', async () => {
    const client = await pool.connect();
    try {
      await client.query('set role service_role');
      const store = new PostgresCredentialStore({ client, clock: createTestClock() });
      const name = `ap-host-${crypto.randomUUID().slice(0, 8)}`;
      expect((await store.claimHost(newHostRecord(name, 20))).claimed).toBe(true);
      expect(await store.updateHost(name, 1, { status: 'ready', used: 2 })).toMatchObject({
        version: 2,
      });
      expect((await store.listHosts()).map((host) => host.hostName)).toContain(name);
      expect(await store.deleteHost(name, 2)).toBe(true);
    } finally {
      await client.query('reset role');
      client.release();
    }
  });

  it('has the same columns as the plain Postgres DDL of the hosts table', async () => {
    await pool.query('create schema plain_hosts');
    await pool.query(createAuraHostsTableSql({ table: 'plain_hosts.aura_hosts' }));
    const shape = async (schema: string) =>
      (
        await pool.query(
          `select column_name, data_type, is_nullable, column_default, collation_name
             from information_schema.columns
            where table_schema = $1 and table_name = 'aura_hosts' order by ordinal_position`,
          [schema],
        )
      ).rows;
    expect(await shape('public')).toEqual(await shape('plain_hosts'));
    const checks = async (schema: string) =>
      (
        await pool.query(
          `select conname, pg_get_constraintdef(oid) as def from pg_constraint
            where conrelid = to_regclass($1) order by conname`,
          [`${schema}.aura_hosts`],
        )
      ).rows;
    expect(await checks('public')).toEqual(await checks('plain_hosts'));
  });

  it('rejects an unknown status, a second row for a host and a capacity below 1', async () => {
    const insert = (name: string, status = 'pending', capacity = 2) =>
      pool.query(
        `insert into public.aura_hosts (host_name, status, capacity) values ($1, $2, $3)`,
        [name, status, capacity],
      );
    await expect(insert('h-status', 'done')).rejects.toThrow(/aura_hosts_status_check/);
    await expect(insert('h-capacity', 'pending', 0)).rejects.toThrow(/aura_hosts_capacity_check/);
    await insert('h-twice');
    await expect(insert('h-twice')).rejects.toThrow(/aura_hosts_pkey/);
  });

  it('marks encrypted_password as ciphertext only', async () => {
    const { rows } = await pool.query(
      `select col_description('public.aura_hosts'::regclass, attnum) as comment
         from pg_attribute where attrelid = 'public.aura_hosts'::regclass and attname = 'encrypted_password'`,
    );
    expect(rows[0]?.comment).toMatch(/encrypted.*Never plaintext/);
  });
});

describe('the Supabase idle migration', () => {
  it('ships after the user and host migrations, and touches only user_databases', () => {
    expect(MIGRATIONS.indexOf(IDLE_MIGRATION)).toBeGreaterThan(
      MIGRATIONS.indexOf(PLACEMENT_MIGRATION),
    );
    const statements = migration(IDLE_MIGRATION).replace(/--[^\n]*/g, '');
    expect(statements).not.toContain('aura_hosts');
  });

  it('takes the paused and resuming statuses, still refusing unknown ones', async () => {
    for (const status of ['paused', 'resuming']) {
      await pool.query(insertRow(crypto.randomUUID(), { status, instanceName: status }));
    }
    await expect(pool.query(insertRow(crypto.randomUUID(), { status: 'asleep' }))).rejects.toThrow(
      /user_databases_status_check/,
    );
  });

  it('upgrades a table made by the first migration alone, keeping its rows, and runs twice', async () => {
    await pool.query('create schema legacy');
    const first = migration(USER_MIGRATION).replaceAll('public.', 'legacy.');
    await pool.query(first.replace(/grant [^;]*;|revoke [^;]*;/g, ''));
    await pool.query(
      `insert into legacy.user_databases (user_id, status, instance_name) values ($1, 'ready', 'kept')`,
      [USER],
    );
    const idle = migration(IDLE_MIGRATION).replaceAll('public.', 'legacy.');
    await pool.query(idle);
    await pool.query(idle);
    const { rows } = await pool.query('select status, last_used_at from legacy.user_databases');
    expect(rows).toEqual([{ status: 'ready', last_used_at: null }]);
    await pool.query(`update legacy.user_databases set status = 'paused'`);
  });
});

describe('the Supabase database-unique migration', () => {
  it('upgrades a table where two rows hold one database as migrate() does, and runs twice', async () => {
    const previous = await createTestDatabase();
    const old = createTestPool({ url: previous.url, max: 1 });
    try {
      await old.query(SUPABASE_STAND_IN);
      for (const name of MIGRATIONS.filter((m) => m !== UNIQUE_MIGRATION)) {
        await old.query(migration(name));
      }
      await insertHeldTwice(old, 'public.user_databases');
      await old.query(migration(UNIQUE_MIGRATION));
      const once = (await old.query('select * from public.user_databases order by user_id')).rows;
      await old.query(migration(UNIQUE_MIGRATION));
      const twice = (await old.query('select * from public.user_databases order by user_id')).rows;
      expect(twice).toEqual(once);
      await expectHeldOnce(new PostgresCredentialStore({ client: old, clock: createTestClock() }));
      await expect(
        old.query(
          `update public.user_databases set instance_id = 'host0001', database_id = 'db-1' where user_id = 'other-host'`,
        ),
      ).rejects.toThrow(/user_databases_instance_database_key/);
    } finally {
      await old.end();
      await previous.drop();
    }
  });

  it('makes the unique index migrate() makes, and touches only user_databases', async () => {
    await pool.query('create schema plain_unique');
    await pool.query(createUserDatabasesTableSql({ table: 'plain_unique.user_databases' }));
    const indexes = async (schema: string) =>
      (
        await pool.query(
          `select indexname, replace(indexdef, $1 || '.', '') as def from pg_indexes
            where schemaname = $1 and tablename = 'user_databases' and indexname like '%database_key'`,
          [schema],
        )
      ).rows;
    expect(await indexes('public')).toEqual(await indexes('plain_unique'));
    expect(await indexes('public')).toHaveLength(1);
    const statements = migration(UNIQUE_MIGRATION).replace(/--[^\n]*/g, '');
    expect(statements).not.toContain('aura_hosts');
  });
});

describe("the Supabase hosts' default database migration", () => {
  it('ships before the database-unique migration, and touches only aura_hosts', () => {
    expect(MIGRATIONS.indexOf(HOST_DEFAULTS_MIGRATION)).toBe(
      MIGRATIONS.indexOf(UNIQUE_MIGRATION) - 1,
    );
    const statements = migration(HOST_DEFAULTS_MIGRATION).replace(/--[^\n]*/g, '');
    expect(statements).not.toContain('user_databases');
  });

  it('upgrades a hosts table of the earlier migration, keeping its rows unknown, and runs twice', async () => {
    await pool.query('create schema legacy_hosts');
    const hosts = migration(HOSTS_MIGRATION).replaceAll('public.', 'legacy_hosts.');
    await pool.query(hosts.replace(/grant [^;]*;|revoke [^;]*;/g, ''));
    await pool.query(
      `insert into legacy_hosts.aura_hosts (host_name, status, capacity, used) values ('ap-host-0001', 'ready', 10, 3)`,
    );
    const upgrade = migration(HOST_DEFAULTS_MIGRATION).replaceAll('public.', 'legacy_hosts.');
    await pool.query(upgrade);
    await pool.query(upgrade);
    await pool.query(migration(SLOT_RELEASED_MIGRATION).replaceAll('public.', 'legacy_hosts.'));
    const store = new PostgresCredentialStore({
      client: pool,
      table: 'legacy_hosts.user_databases',
      clock: createTestClock(),
    });
    const [kept] = await store.listHosts();
    expect(kept).toMatchObject({ hostName: 'ap-host-0001', used: 3, defaultDatabaseIds: null });
    const known = await store.updateHost('ap-host-0001', 1, { defaultDatabaseIds: ['a1', 'b2'] });
    expect(known?.defaultDatabaseIds).toEqual(['a1', 'b2']);
    expect(await store.getHost('ap-host-0001')).toEqual(known);
  });
});

describe("the Supabase hosts' slot-released migration", () => {
  it('ships after the database-unique migration, and touches only aura_hosts', () => {
    expect(MIGRATIONS.indexOf(SLOT_RELEASED_MIGRATION)).toBe(
      MIGRATIONS.indexOf(UNIQUE_MIGRATION) + 1,
    );
    const statements = migration(SLOT_RELEASED_MIGRATION).replace(/--[^\n]*/g, '');
    expect(statements).not.toContain('user_databases');
  });

  it('upgrades a hosts table of the earlier migrations, keeping its rows, and runs twice', async () => {
    await pool.query('create schema released_hosts');
    const earlier = [HOSTS_MIGRATION, HOST_DEFAULTS_MIGRATION].map((name) =>
      migration(name).replaceAll('public.', 'released_hosts.'),
    );
    for (const sql of earlier) await pool.query(sql.replace(/grant [^;]*;|revoke [^;]*;/g, ''));
    await pool.query(
      `insert into released_hosts.aura_hosts (host_name, status, capacity, used, default_database_ids) values ('ap-host-0001', 'ready', 10, 3, 'd0')`,
    );
    const upgrade = migration(SLOT_RELEASED_MIGRATION).replaceAll('public.', 'released_hosts.');
    await pool.query(upgrade);
    await pool.query(upgrade);
    const clock = createTestClock();
    const store = new PostgresCredentialStore({
      client: pool,
      table: 'released_hosts.user_databases',
      clock,
    });
    const [kept] = await store.listHosts();
    expect(kept).toMatchObject({
      hostName: 'ap-host-0001',
      used: 3,
      defaultDatabaseIds: ['d0'],
      slotReleasedAt: null,
    });
    const released = await store.updateHost('ap-host-0001', 1, { slotReleasedAt: clock.now() });
    expect(released?.slotReleasedAt).toBe(clock.now());
    expect(await store.getHost('ap-host-0001')).toEqual(released);
  });

  it('comments slot_released_at as migrate() does', async () => {
    await pool.query('create schema plain_released');
    await pool.query(createAuraHostsTableSql({ table: 'plain_released.aura_hosts' }));
    const comment = async (schema: string) =>
      (
        await pool.query(
          `select col_description($1::regclass, attnum) as comment from pg_attribute
            where attrelid = $1::regclass and attname = 'slot_released_at'`,
          [`${schema}.aura_hosts`],
        )
      ).rows[0]?.comment;
    expect(await comment('public')).toMatch(/slot handed back/);
    expect(await comment('public')).toBe(await comment('plain_released'));
  });
});
