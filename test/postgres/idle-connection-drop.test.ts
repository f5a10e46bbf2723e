import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/cli/services.js';
import type { PostgresCredentialStore } from '../../src/postgres.js';
import { PgBossScheduler } from '../../src/scale/pg-boss-scheduler.js';
import { createTestDatabase, testPostgres } from '../support/postgres.js';
import { loadAsModule, readmeBlocks } from '../support/readme.js';

// A server restart or a proxy's idle timeout drops pooled connections that sit idle. pg then
// emits 'error' on the pool, and an EventEmitter's 'error' with no listener is thrown: the
// process would crash. Every pool the library or its guides create listens, and goes on.

const PASSWORD = 'idle-drop-pw-83kq';

/** Ends every other session on `url`'s database, as a restart or an idle timeout would. */
async function terminateOtherSessions(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database()',
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

/** The uncaught exceptions of this worker while a test runs (vitest would only report them after). */
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);
beforeAll(() => {
  process.on('uncaughtException', record);
});
afterAll(() => {
  process.off('uncaughtException', record);
});
afterEach(() => {
  expect(uncaught.splice(0)).toEqual([]);
});

/** `url` with a password spelled in (trust auth ignores it), so logs can be searched for it. */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
}

// Terminating sessions needs a database of its own: PGlite serves one, shared by every file.
describe.runIf(testPostgres().kind !== 'pglite')('a pooled connection dropped while idle', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("the CLI's store notes it on stderr and reads the store again", async () => {
    const notes: string[] = [];
    const databaseUrl = withPassword(database.url);
    const opened = await openStore(
      { databaseUrl, table: 'cli_user_databases' },
      { note: (text) => notes.push(text) },
    );
    try {
      await opened.store.migrate();
      await opened.store.list({ limit: 1 });
      expect(await terminateOtherSessions(database.url)).toBeGreaterThan(0);
      await vi.waitFor(() => expect(notes).not.toEqual([]));
      expect(notes[0]).toMatch(
        /^warning: the store closed an idle connection \(terminating connection due to administrator command\); reconnecting$/,
      );
      expect(notes.join('\n')).not.toContain(PASSWORD);
      expect((await opened.store.list({ limit: 1 })).records).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it("PgBossScheduler's own pg-boss logs it through the logger and schedules again", async () => {
    const logged: { message: string; context: unknown }[] = [];
    const log = (message: string, context?: unknown) => logged.push({ message, context });
    const scheduler = new PgBossScheduler({
      boss: withPassword(database.url),
      work: false,
      logger: { error: log, warn: log, info: log, debug: log },
    });
    try {
      await scheduler.ready();
      expect(await terminateOtherSessions(database.url)).toBeGreaterThan(0);
      await vi.waitFor(() =>
        expect(logged.map((entry) => entry.message)).toContain('pg-boss error'),
      );
      expect(JSON.stringify(logged)).not.toContain(PASSWORD);
      await scheduler.schedule('user-after-drop', Date.now());
      const job = await scheduler.boss?.fetch(scheduler.queue);
      expect(job?.map((j) => j.data)).toEqual([{ userId: 'user-after-drop' }]);
    } finally {
      await scheduler.close();
    }
  });

  describe("the guides' pools, as written", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(__dirname, '.readme-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('every guide block that makes a pg.Pool listens for its errors', async () => {
      const blocks = [
        ...(await readmeBlocks('### PostgreSQL', 'docs/guides/provisioning.md')),
        ...(await readmeBlocks('Set up', 'docs/guides/several-processes.md')),
      ];
      const pools = blocks.filter((block) => block.includes('new pg.Pool('));
      expect(pools).toHaveLength(2);
      for (const block of pools) {
        // Bound to a name (not made inline in an argument), and that name listens.
        const named = [...block.matchAll(/const (\w+) = new pg\.Pool\(/g)];
        expect(named).toHaveLength(block.split('new pg.Pool(').length - 1);
        for (const [, name] of named) expect(block).toContain(`${name}.on('error', `);
      }
    });

    it('### PostgreSQL: the store survives, and the error is logged', async () => {
      const [block = ''] = await readmeBlocks('### PostgreSQL', 'docs/guides/provisioning.md');
      const main = await loadAsModule<{
        pool: pg.Pool;
        store: PostgresCredentialStore;
        close: () => Promise<void>;
      }>(dir, 'postgresql', block, { epilogue: 'return { pool, store, close };' });
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
      const saved = { ...process.env };
      // What the block reads: the store's URL, and what `aura-provisioner dev` prints.
      Object.assign(process.env, {
        DATABASE_URL: database.url,
        AURA_CLIENT_ID: 'dev-client-id',
        AURA_CLIENT_SECRET: 'dev-client-secret',
        AURA_PROVISIONER_KEYS: 'k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
      });
      const { pool, store, close } = await main();
      try {
        await store.list({ limit: 1 });
        expect(await terminateOtherSessions(database.url)).toBeGreaterThan(0);
        await vi.waitFor(() => expect(consoleError).toHaveBeenCalled());
        expect(consoleError.mock.calls[0]?.[0]).toBe('postgres pool');
        expect((await store.list({ limit: 1 })).records).toEqual([]);
      } finally {
        process.env = saved;
        consoleError.mockRestore();
        // The block's own shutdown: the provisioner, then the pool.
        await close();
        expect(pool.totalCount).toBe(0);
      }
    });

    it('Running on several processes: the shared pool survives', async () => {
      const [block = ''] = await readmeBlocks('Set up', 'docs/guides/several-processes.md');
      // The block's import of pg and its pool statements, as written; the rest needs Aura.
      const lines = block
        .split('\n')
        .filter((line) => /^(import pg from 'pg';|const pool = |pool\.)/.test(line));
      const main = await loadAsModule<{ pool: pg.Pool }>(dir, 'several', lines.join('\n'), {
        epilogue: 'return { pool };',
      });
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
      const databaseUrl = process.env.DATABASE_URL;
      process.env.DATABASE_URL = database.url;
      const { pool } = await main();
      try {
        await pool.query('select 1');
        expect(await terminateOtherSessions(database.url)).toBeGreaterThan(0);
        // The pool lets go of the dropped connection, then emits 'error' (thrown if unheard).
        await vi.waitFor(() => expect(pool.totalCount).toBe(0));
        expect(consoleError).toHaveBeenCalledWith('postgres pool', expect.any(Error));
        expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      } finally {
        if (databaseUrl === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = databaseUrl;
        consoleError.mockRestore();
        await pool.end();
      }
    });
  });
});
