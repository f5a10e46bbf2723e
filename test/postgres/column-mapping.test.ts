import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import type { UserDatabaseColumns } from '../../src/stores/postgres-columns.js';
import { createUserDatabasesTableSql } from '../../src/stores/postgres-schema.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { describeStoreConformance } from '../stores/store-conformance.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';

// The seed app's table (uuid ids, a surrogate key, its own column names), plus
// the columns and the unique index the store needs that the seed did not have.
const seedTable = (table: string) => `
  create table ${table} (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null unique,
    neo4j_uri text,
    neo4j_user text,
    neo4j_password text,
    database_name text,
    status text not null default 'pending',
    aura_instance_id text,
    created_at timestamptz not null default now(),
    version bigint not null default 1,
    instance_name text not null unique,
    provision_attempts integer not null default 0,
    error_message text,
    next_check_at timestamptz,
    create_requested_at timestamptz,
    ready_at timestamptz,
    updated_at timestamptz not null default now(),
    placement text not null default 'instance-per-user',
    waiting_for_host_since timestamptz,
    database_id text,
    last_used_at timestamptz
  );
  create unique index on ${table} (aura_instance_id, database_id) where database_id is not null`;

const SEED_COLUMNS: UserDatabaseColumns = {
  instanceId: 'aura_instance_id',
  attempts: 'provision_attempts',
  lastError: 'error_message',
};

let pool: pg.Pool;
beforeAll(() => {
  pool = createTestPool({ max: 8 });
});
afterAll(() => pool.end());

async function seedStore(clock = createTestClock()) {
  const { schema, drop } = await createTestSchema(pool);
  const table = `${schema}.user_databases`;
  await pool.query(seedTable(table));
  const store = new PostgresCredentialStore({ client: pool, table, clock, columns: SEED_COLUMNS });
  return { store, table, drop };
}

describeStoreConformance('PostgresCredentialStore on a seed-style table', async (clock) => {
  const { store, drop } = await seedStore(clock);
  return { store, cleanup: drop };
});

describe('column mapping', () => {
  it('writes the columns the seed app already reads', async () => {
    const { store, table, drop } = await seedStore();
    const userId = '6f1c1a52-3c1e-4f54-9d5a-0f6f2b1f9c11';
    await store.claim({
      userId,
      status: 'pending',
      placement: 'instance-per-user',
      instanceName: 'aura-6f1c1a52',
      instanceId: 'a1b2c3d4',
      connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
      username: 'neo4j',
      encryptedPassword: 'v1:k1:iv:ciphertext',
      databaseName: 'neo4j',
      attempts: 1,
      lastError: 'none yet',
      nextCheckAt: null,
      waitingForHostSince: null,
      databaseId: null,
      createRequestedAt: null,
      readyAt: null,
    });
    const { rows } = await pool.query(
      `select neo4j_uri, neo4j_user, neo4j_password, database_name, status, aura_instance_id,
              provision_attempts, error_message from ${table} where user_id = $1`,
      [userId],
    );
    expect(rows).toEqual([
      {
        neo4j_uri: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
        neo4j_user: 'neo4j',
        neo4j_password: 'v1:k1:iv:ciphertext',
        database_name: 'neo4j',
        status: 'pending',
        aura_instance_id: 'a1b2c3d4',
        provision_attempts: 1,
        error_message: 'none yet',
      },
    ]);
    await drop();
  });

  it('creates a table under the mapped names', async () => {
    const sql = createUserDatabasesTableSql({ table: 'app.user_dbs', columns: SEED_COLUMNS });
    expect(sql).toContain('create table if not exists "app"."user_dbs"');
    expect(sql).toContain('"aura_instance_id" text');
    expect(sql).toContain('"provision_attempts" integer not null');
    expect(sql).not.toContain('"instance_id"');
    const { schema, drop } = await createTestSchema(pool);
    await pool.query(createUserDatabasesTableSql({ table: `${schema}.t`, columns: SEED_COLUMNS }));
    const { rows } = await pool.query(
      `select count(*)::int as n from information_schema.columns where table_schema = $1 and table_name = 't'`,
      [schema],
    );
    expect(rows).toEqual([{ n: 20 }]);
    await drop();
  });

  it.each([
    ['a table name with a quote', { table: 'user_databases"; drop table x; --' }],
    ['a three-part table name', { table: 'a.b.c' }],
    ['an empty schema', { table: '.user_databases' }],
    ['a column name with a space', { columns: { instanceId: 'aura instance' } }],
    ['a column longer than 63', { columns: { instanceId: 'x'.repeat(64) } }],
    ['an unknown field', { columns: { instanceID: 'x' } as UserDatabaseColumns }],
    ['two fields on one column', { columns: { instanceId: 'status' } }],
  ])('refuses %s', (_, options) => {
    const build = () => new PostgresCredentialStore({ client: pool, ...options });
    expect(build).toThrow();
    try {
      build();
    } catch (error) {
      expect(isProvisioningError(error, 'invalid_configuration')).toBe(true);
    }
    expect(() => createUserDatabasesTableSql(options)).toThrow();
  });
});
