import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { TestPostgresKind } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL, started by `postgres-global-setup.ts`. */
    postgres: { kind: TestPostgresKind; url: string };
  }
}

/** The run's PostgreSQL server: its URL and where it came from. */
export function testPostgres(): { kind: TestPostgresKind; url: string } {
  return inject('postgres');
}

/** A pool on the test server (or on `url`); idle-client errors are swallowed, not thrown at the runner. */
export function createTestPool(options: { url?: string; max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url ?? testPostgres().url,
    max: options.max ?? 4,
  });
  pool.on('error', () => {});
  return pool;
}

/** A name no other test uses: `prefix_<32 hex>`, a valid identifier. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** Creates a fresh schema; returns its name and how to drop it. */
export async function createTestSchema(
  pool: pg.Pool,
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName('t');
  await pool.query(`create schema "${schema}"`);
  return { schema, drop: async () => void (await pool.query(`drop schema "${schema}" cascade`)) };
}

/**
 * A database of its own, for tests that need `public` and cluster-level
 * objects to themselves. PGlite serves one database whatever the URL names,
 * so there the test server's own database is returned (and not dropped).
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { kind, url } = testPostgres();
  if (kind === 'pglite') return { url, drop: async () => {} };
  const name = uniqueName('aura_test');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
