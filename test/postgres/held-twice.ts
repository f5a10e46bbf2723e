/**
 * A user table an earlier release could leave behind: several records holding one database
 * of a host. Shared by the tests of `migrate()` and of the Supabase migration, which must
 * upgrade it the same way.
 */
import { expect } from 'vitest';
import type { CredentialStore } from '../../src/records/store.js';
import type { PostgresClient } from '../../src/stores/postgres-store.js';

/** Rows by user: status, instance, database id, created, ready (default column names). */
const ROWS: [string, string, string, string, string, string | null][] = [
  // Ready first: keeps db-1, though created after `later-ready`.
  ['first-ready', 'ready', 'host0001', 'db-1', '2026-01-02', '2026-01-03'],
  ['later-ready', 'ready', 'host0001', 'db-1', '2026-01-01', '2026-01-04'],
  ['creating', 'creating', 'host0001', 'db-1', '2025-12-01', null],
  ['deleting', 'deleting', 'host0001', 'db-1', '2026-01-05', null],
  // The same id on another host, another id on the same host: no clash.
  ['other-host', 'ready', 'host0002', 'db-1', '2026-01-06', '2026-01-07'],
  ['other-db', 'ready', 'host0001', 'db-2', '2026-01-06', '2026-01-07'],
];

/** Inserts {@link ROWS} into `table` (a user table without the unique index). */
export async function insertHeldTwice(client: PostgresClient, table: string): Promise<void> {
  for (const [user, status, host, id, created, ready] of ROWS) {
    await client.query(
      `insert into ${table} (user_id, status, placement, instance_name, instance_id, neo4j_uri, neo4j_user, database_name, database_id, created_at, ready_at, next_check_at)
       values ($1, $2, 'database-per-user', $3, $4, 'neo4j+s://host.databases.neo4j.io', 'neo4j', $5, $5, $6, $7, null)`,
      [user, status, `ap-${user}`, host, id, created, ready],
    );
  }
}

/** What the upgrade must leave of {@link ROWS}: db-1 on host0001 held by `first-ready` alone. */
export async function expectHeldOnce(store: CredentialStore): Promise<void> {
  const byUser = Object.fromEntries(
    (await store.list({ order: 'userId' })).records.map((r) => [r.userId, r]),
  );
  expect(byUser['first-ready']).toMatchObject({
    status: 'ready',
    instanceId: 'host0001',
    databaseId: 'db-1',
    version: 1,
  });
  const released = {
    instanceId: null,
    connectionUrl: null,
    username: null,
    databaseName: null,
    databaseId: null,
    readyAt: null,
    lastError: 'database-held-by-another-user',
    version: 2,
  };
  for (const user of ['later-ready', 'creating']) {
    expect(byUser[user]).toMatchObject({ ...released, status: 'failed', nextCheckAt: null });
  }
  expect(byUser.deleting).toMatchObject({ ...released, status: 'deleting' });
  expect(byUser.deleting?.nextCheckAt).not.toBeNull();
  for (const user of ['other-host', 'other-db']) {
    expect(byUser[user]).toMatchObject({
      status: 'ready',
      databaseId: user === 'other-db' ? 'db-2' : 'db-1',
      version: 1,
    });
  }
}
