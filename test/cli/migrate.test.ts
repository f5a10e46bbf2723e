import { existsSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/doctor-checks.js';
import { SUPABASE_MIGRATIONS } from '../../src/cli/services.js';
import { newHostRecord } from '../../src/records/host-record.js';
import { newRecord } from '../../src/records/record.js';
import { createAuraHostsTableSql } from '../../src/stores/postgres-host-schema.js';
import { createUserDatabasesTableSql } from '../../src/stores/postgres-schema.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import {
  createTestDatabase,
  createTestPool,
  testPostgres,
  uniqueName,
} from '../support/postgres.js';
import { KEY, runCli, SPEC_ENV } from './harness.js';

// A fresh database of its own: migrate and doctor see only what these tests create.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createTestPool({ url: database.url, max: 2 });
  env = {
    AURA_CLIENT_ID: 'id',
    AURA_CLIENT_SECRET: 'secret',
    AURA_TENANT_ID: 'tenant-1',
    DATABASE_URL: database.url,
    AURA_PROVISIONER_KEYS: `k1=${KEY}`,
    ...SPEC_ENV,
  };
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** A table name no other test uses, in a schema of its own. */
async function freshTable(): Promise<string> {
  const schema = uniqueName('m');
  await pool.query(`create schema "${schema}"`);
  return `${schema}.user_databases`;
}

/** The hosts table migrate puts beside `table`: `aura_hosts` in its schema. */
const hostsOf = (table: string) => table.replace(/user_databases$/, 'aura_hosts');

const indexCount = async (table: string) =>
  (
    await pool.query<{ n: number }>(
      'select count(*)::int as n from pg_index where indrelid = to_regclass($1)',
      [table],
    )
  ).rows[0]?.n;

async function storeCheck(table: string): Promise<CheckResult> {
  const run = await runCli(['doctor', '--json'], { ...env, AURA_PROVISIONER_TABLE: table });
  return run.json<{ checks: CheckResult[] }>().checks.find((c) => c.id === 'store') as CheckResult;
}

describe('aura-provisioner migrate', () => {
  it('creates the table in a fresh database, after which doctor reads it', async () => {
    const table = await freshTable();
    const before = await storeCheck(table);
    expect(before.status).toBe('fail');
    expect(before.fix).toContain('run `aura-provisioner migrate`');
    const run = await runCli(['migrate', '--json'], { ...env, AURA_PROVISIONER_TABLE: table });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      dryRun: false,
      table,
      hostsTable: hostsOf(table),
      changes: [
        `created table ${table} and its 4 indexes`,
        `created table ${hostsOf(table)} and its 1 index`,
      ],
      readable: true,
    });
    const after = await storeCheck(table);
    expect(after.status).toBe('pass');
    expect(after.detail).toContain(`hosts table ${hostsOf(table)} is readable (0 hosts)`);
  });

  it('a second migrate changes nothing: exit 0', async () => {
    const table = await freshTable();
    const tableEnv = { ...env, AURA_PROVISIONER_TABLE: table };
    expect((await runCli(['migrate'], tableEnv)).code).toBe(0);
    const again = await runCli(['migrate'], tableEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `Tables ${table} and ${hostsOf(table)} are up to date: nothing to do.\n`,
    );
  });

  it('completes an older table (no list index, no unique database index) and keeps its rows', async () => {
    const table = await freshTable();
    // The table as an early release created it: the columns, without the index list() uses
    // nor the one that keeps a database to one user.
    const [createTable] = createUserDatabasesTableSql({ table }).split(';\n');
    await pool.query(createTable as string);
    const store = new PostgresCredentialStore({ client: pool, table });
    await store.claim(newRecord('kept-user', 'ap-kept', { status: 'pending' }));
    expect(await indexCount(table)).toBe(2);
    const run = await runCli(['migrate'], { ...env, AURA_PROVISIONER_TABLE: table });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Migrated: added 2 missing indexes to ${table}; created table ${hostsOf(table)} and its 1 index.\n`,
    );
    expect(await indexCount(table)).toBe(4);
    expect(await store.get('kept-user')).toMatchObject({ userId: 'kept-user', status: 'pending' });
  });

  it('adds the hosts table to an install from before host records, its user rows untouched', async () => {
    const table = await freshTable();
    await pool.query(createUserDatabasesTableSql({ table }));
    const store = new PostgresCredentialStore({ client: pool, table });
    await store.claim(
      newRecord('kept-user', 'ap-kept', { status: 'ready', encryptedPassword: 'v1:k1:kept' }),
    );
    const rows = (await pool.query(`select * from ${table}`)).rows;
    const before = await storeCheck(table);
    expect(before.status).toBe('pass');
    expect(before.detail).toMatch(
      new RegExp(`hosts table ${hostsOf(table)} is not readable .*42P01.*aura-provisioner migrate`),
    );
    const run = await runCli(['migrate'], { ...env, AURA_PROVISIONER_TABLE: table });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Migrated: created table ${hostsOf(table)} and its 1 index.\n`);
    expect((await pool.query(`select * from ${table}`)).rows).toEqual(rows);
    expect((await store.claimHost(newHostRecord('ap-host-0001', 20))).claimed).toBe(true);
    expect((await storeCheck(table)).detail).toContain('is readable (1 host)');
  });

  it('reports a hosts table of another shape: exit 1, nothing dropped', async () => {
    const table = await freshTable();
    await pool.query(`create table ${hostsOf(table)} (host_name text primary key)`);
    await pool.query(`insert into ${hostsOf(table)} values ('kept-host')`);
    const run = await runCli(['migrate', '--json'], { ...env, AURA_PROVISIONER_TABLE: table });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ readable: false, problem: expect.stringMatching(/42703/) });
    expect((await pool.query(`select host_name from ${hostsOf(table)}`)).rows).toEqual([
      { host_name: 'kept-host' },
    ]);
  });

  it('reports a table of another shape it cannot read: exit 1, nothing dropped', async () => {
    const table = await freshTable();
    await pool.query(`create table ${table} (user_id text primary key)`);
    await pool.query(`insert into ${table} values ('kept-user')`);
    const run = await runCli(['migrate', '--json'], { ...env, AURA_PROVISIONER_TABLE: table });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ readable: false, problem: expect.stringMatching(/status/) });
    expect(run.json<{ fix: string }>().fix).toMatch(/never alters or drops columns/);
    expect((await pool.query(`select user_id from ${table}`)).rows).toEqual([
      { user_id: 'kept-user' },
    ]);
  });

  it('--dry-run prints the SQL and connects to nothing: no DATABASE_URL needed', async () => {
    const run = await runCli(['migrate', '--dry-run', '--table', 'app.user_databases'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${createUserDatabasesTableSql({ table: 'app.user_databases' })}\n${createAuraHostsTableSql({ table: 'app.aura_hosts' })}`,
    );
    expect(run.stdout).toContain('create table if not exists "app"."aura_hosts"');
    expect(run.stderr).toContain('On Supabase, apply supabase/migrations/');
    expect(run.stderr).toContain('20261204000000_aura_provisioner_hosts.sql');
    const json = await runCli(['migrate', '--dry-run', '--json'], {});
    expect(json.json()).toEqual({
      dryRun: true,
      table: 'user_databases',
      hostsTable: 'aura_hosts',
      sql: `${createUserDatabasesTableSql()}\n${createAuraHostsTableSql()}`,
    });
  });

  it('--dry-run still rejects an invalid table name: exit 2', async () => {
    const run = await runCli(['migrate', '--dry-run', '--table', 'a.b.c'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--table');
  });

  it('takes no arguments, and needs DATABASE_URL to run: exit 2', async () => {
    expect((await runCli(['migrate', 'now'], env)).code).toBe(2);
    const run = await runCli(['migrate'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL (or databaseUrl in --config) is not set');
  });
});

// PGlite serves one database to every test file, so a Supabase stand-in there would leak.
describe.skipIf(testPostgres().kind === 'pglite')('aura-provisioner migrate on Supabase', () => {
  let supabase: Awaited<ReturnType<typeof createTestDatabase>>;
  let supabasePool: pg.Pool;
  beforeAll(async () => {
    supabase = await createTestDatabase();
    supabasePool = createTestPool({ url: supabase.url, max: 1 });
    await supabasePool.query(`
      do $$ begin create role service_role nologin bypassrls; exception when duplicate_object or unique_violation then null; end $$;
      create schema auth;
      create table auth.users (id uuid primary key);
    `);
  });
  afterAll(async () => {
    await supabasePool.end();
    await supabase.drop();
  });

  it('names migrations the package ships', () => {
    for (const file of SUPABASE_MIGRATIONS) {
      expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).toBe(true);
    }
  });

  it('changes nothing and names the Supabase migrations: exit 2', async () => {
    const run = await runCli(['migrate'], { ...env, DATABASE_URL: supabase.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'supabase/migrations/20261125000000_aura_provisioner_user_databases.sql',
    );
    expect(run.stderr).toContain('supabase/migrations/20261204000000_aura_provisioner_hosts.sql');
    expect(run.stderr).toContain('Nothing was changed.');
    const { rows } = await supabasePool.query("select to_regclass('user_databases') as t");
    expect(rows[0]?.t).toBeNull();
  });
});
