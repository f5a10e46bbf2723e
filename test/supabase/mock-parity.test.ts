/**
 * The PostgREST mock must behave as PostgreSQL does for the requests the
 * Supabase store makes. Each test runs one sequence twice, through
 * `SupabaseCredentialStore` on the mock and through `PostgresCredentialStore`
 * on a real PostgreSQL (same clock, same data), and compares every outcome.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostStore, newHostRecord } from '../../src/records/host-record.js';
import type { CredentialStore, ListQuery } from '../../src/records/store.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { SupabaseCredentialStore } from '../../src/stores/supabase-store.js';
import { createTestClock, type TestClock } from '../../src/testing/test-clock.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';
import type { PostgrestMock } from '../support/postgrest-mock.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { AWKWARD_IDS, newRecord } from './fixtures.js';

const { setup } = usePostgrestMock();
let pool: pg.Pool;
const drops: (() => Promise<void>)[] = [];
beforeAll(() => {
  pool = createTestPool({ max: 8 });
});
afterAll(async () => {
  for (const drop of drops) await drop();
  await pool.end();
});

interface Pair {
  clock: TestClock;
  mock: PostgrestMock;
  table: string;
  /** Runs `step` on both stores; returns both outcomes, errors as name, operation and SQLSTATE. */
  both<T>(step: (store: CredentialStore & HostStore) => Promise<T>): Promise<[unknown, unknown]>;
}

const outcome = (promise: Promise<unknown>) =>
  promise.catch((error: Error & { operation?: string }) => ({
    error: error.name,
    operation: error.operation,
    sqlstate: error.message.match(/SQLSTATE (\w+)/)?.[1],
  }));

async function pair(): Promise<Pair> {
  const clock = createTestClock();
  const mock = setup();
  const { schema, drop } = await createTestSchema(pool);
  drops.push(drop);
  const table = `${schema}.user_databases`;
  const postgres = new PostgresCredentialStore({ client: pool, table, clock });
  await postgres.migrate();
  const supabase = new SupabaseCredentialStore({ client: createServiceClient(mock), clock });
  return {
    clock,
    mock,
    table,
    both: async (step) => [await outcome(step(supabase)), await outcome(step(postgres))],
  };
}

/** Runs `step` on both stores and expects the same outcome. */
async function same<T>(
  p: Pair,
  step: (store: CredentialStore & HostStore) => Promise<T>,
  label = '',
) {
  const [mocked, real] = await p.both(step);
  expect(mocked, label).toEqual(real);
  return real as T;
}

describe('the PostgREST mock against PostgreSQL', () => {
  it('claims, updates and deletes alike, conflicts and constraint errors included', async () => {
    const p = await pair();
    await same(p, (s) => s.claim(newRecord('u1', { nextCheckAt: p.clock.now() })));
    await same(p, (s) => s.claim(newRecord('u1', { status: 'ready', attempts: 3 })));
    await same(p, (s) => s.claim(newRecord('a,b"c')));
    const racers = await p.both(async (s) => {
      const results = await Promise.all(Array.from({ length: 10 }, () => s.claim(newRecord('r'))));
      return results.filter((result) => result.claimed).length;
    });
    expect(racers).toEqual([1, 1]);
    await p.clock.advance(1_500);
    await same(p, (s) => s.update('u1', 1, { status: 'creating', lastError: 'Ünï "q" \\ ,()' }));
    await same(p, (s) => s.update('u1', 1, { status: 'failed' }), 'stale version');
    await same(p, (s) => s.update('missing', 1, { status: 'failed' }), 'missing user');
    await same(p, (s) => s.update('u1', 2, { nextCheckAt: null, readyAt: 4_102_444_800_123 }));
    const updaters = await p.both(async (s) => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => s.update('a,b"c', 1, { attempts: 1 })),
      );
      return results.filter((result) => result !== null).length;
    });
    expect(updaters).toEqual([1, 1]);
    await same(p, (s) => s.claim(newRecord('u2', { instanceName: 'aura-u1' })), 'name taken');
    await same(p, (s) => s.update('u1', 3, { status: 'bogus' as 'ready' }), 'check');
    await same(p, (s) => s.update('u1', 3, { attempts: -1 }), 'check on attempts');
    await same(p, (s) => s.delete('u1', 2), 'stale delete');
    await same(p, (s) => s.delete('u1', 3));
    await same(p, (s) => s.delete('u1'), 'already gone');
    for (const id of ['u1', 'u2', 'a,b"c', 'r']) await same(p, (s) => s.get(id), id);
  });

  it('lists alike: every page of every filter and page size, over ties, nulls and awkward ids', async () => {
    const p = await pair();
    const t = p.clock.now();
    const times = [t, null, t + 1, t, null, t - 1, t + 1_500];
    const statuses = ['pending', 'creating', 'failed', 'ready'] as const;
    for (const [i, id] of AWKWARD_IDS.entries()) {
      const record = newRecord(id, {
        nextCheckAt: times[i % times.length] ?? null,
        status: statuses[i % statuses.length],
      });
      await same(p, (s) => s.claim(record), id);
    }
    const queries: ListQuery[] = [
      {},
      { statuses: ['pending', 'ready'] },
      { dueBefore: t },
      { dueBefore: t + 1, statuses: ['creating', 'failed'] },
      { statuses: [] },
    ];
    for (const query of queries) {
      for (const limit of [1, 2, 4, 100]) {
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await same(
            p,
            (s) => s.list({ ...query, limit, cursor }),
            JSON.stringify({ query, limit, cursor }),
          );
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 50);
      }
    }
  });

  it('keeps host records alike: claims, compare-and-set updates, checks, deletes and the list order', async () => {
    const p = await pair();
    const host = (name: string, fields = {}) => newHostRecord(name, 20, fields);
    await same(p, (s) => s.claimHost(host('ap-host-0002', { nextCheckAt: p.clock.now() })));
    await same(p, (s) => s.claimHost(host('ap-host-0002', { used: 5 })), 'taken');
    const racers = await p.both(async (s) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => s.claimHost(host('ap-host-0001'))),
      );
      return results.filter((result) => result.claimed).length;
    });
    expect(racers).toEqual([1, 1]);
    await p.clock.advance(1_500);
    await same(p, (s) => s.updateHost('ap-host-0001', 1, { status: 'ready', used: 2 }));
    await same(p, (s) => s.updateHost('ap-host-0001', 1, { used: 3 }), 'stale version');
    await same(p, (s) => s.updateHost('ap-host-0009', 1, { used: 3 }), 'missing host');
    await same(p, (s) => s.updateHost('ap-host-0001', 2, { used: -1 }), 'check on used');
    await same(p, (s) => s.updateHost('ap-host-0001', 2, { capacity: 0 }), 'check on capacity');
    await same(p, (s) => s.updateHost('ap-host-0001', 2, { status: 'x' as 'ready' }), 'status');
    await same(p, (s) => s.claimHost(host('Ap-host-0003')));
    await same(p, (s) => s.claimHost(host('ap_host')));
    await same(p, (s) => s.listHosts());
    await same(p, (s) => s.deleteHost('ap-host-0002', 2), 'stale delete');
    await same(p, (s) => s.deleteHost('ap-host-0002', 1));
    await same(p, (s) => s.deleteHost('ap-host-0002'), 'already gone');
    await same(p, (s) => s.listHosts());
  });

  it('renders rows as PostgREST renders them from Postgres (to_json in a UTC session)', async () => {
    const p = await pair();
    const instants = [0, 500, 120, 123, 1, 4_102_444_800_002 - p.clock.now()];
    for (const [i, offset] of instants.entries()) {
      const record = newRecord(`u${i}`, {
        nextCheckAt: p.clock.now() + offset,
        createRequestedAt: i % 2 === 0 ? null : p.clock.now() - offset,
        attempts: 2_147_483_647 - i,
        encryptedPassword: `v1:k1:${'x'.repeat(i)}`,
      });
      await same(p, (s) => s.claim(record));
      await same(p, (s) => s.update(record.userId, 1, { readyAt: p.clock.now() + offset + 7 }));
    }
    const client = await pool.connect();
    try {
      await client.query(`set time zone 'UTC'`);
      const { rows } = await client.query(
        `select coalesce(json_agg(t order by user_id), '[]') as rows from ${p.table} t`,
      );
      expect(p.mock.rows()).toEqual(rows[0].rows);
    } finally {
      await client.query('reset time zone');
      client.release();
    }
  });
});
