import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRecord } from '../../src/records/record.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { startTestPostgres, type TestPostgresServer } from '../support/postgres-server.js';

// The last resort of test/support/postgres-server.ts, forced here so it keeps
// working on machines that do have a system PostgreSQL. (The whole suite runs
// on it with AURA_TEST_POSTGRES=pglite.)
let server: TestPostgresServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTestPostgres('pglite');
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => {});
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const pendingRecord = (n: number) => newRecord(`user-${n}`, `aura-user-${n}`);

describe('the PGlite fallback server', () => {
  it('serves PostgreSQL over the wire protocol on loopback', async () => {
    expect(server.kind).toBe('pglite');
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const { rows } = await pool.query('select $1::int + 1 as two', [1]);
    expect(rows).toEqual([{ two: 2 }]);
  });

  it('runs the store: migrate, racing claims over several connections, update, list, delete', async () => {
    const store = new PostgresCredentialStore({
      client: pool,
      table: 'pglite_check.user_databases',
      clock: createTestClock(),
    });
    await pool.query('create schema pglite_check');
    await store.migrate();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.claim(pendingRecord(1))),
    );
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    await store.claim(pendingRecord(2));
    expect(await store.update('user-1', 1, { status: 'creating' })).toMatchObject({ version: 2 });
    const first = await store.list({ limit: 1 });
    const second = await store.list({ limit: 1, cursor: first.nextCursor });
    expect([...first.records, ...second.records].map((r) => r.userId)).toEqual([
      'user-1',
      'user-2',
    ]);
    expect(await store.delete('user-2', 1)).toBe(true);
  });
});
