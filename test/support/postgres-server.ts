import pg from 'pg';
import { findPostgresBindir, startSystemCluster } from './postgres-cluster.js';

/** Where the test server came from: `TEST_DATABASE_URL`, a throwaway system cluster, or PGlite. */
export type TestPostgresKind = 'external' | 'system' | 'pglite';

/** A PostgreSQL server for the tests, reachable at `url`. */
export interface TestPostgresServer {
  kind: TestPostgresKind;
  url: string;
  stop(): Promise<void>;
}

/** `AURA_TEST_POSTGRES`: `auto` (default), or force `external`, `system` or `pglite`. */
export type TestPostgresMode = 'auto' | TestPostgresKind;

async function startPglite(): Promise<TestPostgresServer> {
  // Loaded only here: the wasm build is the last resort, not a cost on every run.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  // PGlite is one session; the server multiplexes connections onto it query by query.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 100 });
  await server.start();
  const port = server.getServerConn().split(':').pop();
  return {
    kind: 'pglite',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

function external(): TestPostgresServer {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('AURA_TEST_POSTGRES=external needs TEST_DATABASE_URL');
  return { kind: 'external', url, stop: async () => {} };
}

/** Waits until the server answers `select 1`, or fails with what it last said. */
async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error('The test PostgreSQL server does not accept connections', { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function startByMode(mode: TestPostgresMode): Promise<TestPostgresServer> {
  if (mode === 'external') return external();
  if (mode === 'pglite') return startPglite();
  const bindir = findPostgresBindir();
  if (mode === 'system') {
    if (!bindir) throw new Error('AURA_TEST_POSTGRES=system, but no initdb/pg_ctl was found');
    return startSystemCluster(bindir);
  }
  if (process.env.TEST_DATABASE_URL) return external();
  if (bindir) {
    try {
      return await startSystemCluster(bindir);
    } catch (error) {
      console.warn(`${(error as Error).message}\nFalling back to PGlite.`);
    }
  }
  return startPglite();
}

/**
 * Gives the tests a real PostgreSQL: `TEST_DATABASE_URL` if set; else a
 * throwaway cluster of the system's PostgreSQL; else PGlite over the wire
 * protocol. `AURA_TEST_POSTGRES` forces one of them.
 */
export async function startTestPostgres(
  mode = (process.env.AURA_TEST_POSTGRES ?? 'auto') as TestPostgresMode,
): Promise<TestPostgresServer> {
  if (!['auto', 'external', 'system', 'pglite'].includes(mode)) {
    throw new Error(`AURA_TEST_POSTGRES must be auto, external, system or pglite, not ${mode}`);
  }
  const server = await startByMode(mode);
  try {
    await waitUntilReady(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
