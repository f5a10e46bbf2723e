import { CliUsageError } from './errors.js';
import { serveWholeExchanges } from './pglite-exchanges.js';
import { type NoteWriter, openStore } from './services.js';

/** A store for `dev`: the user's PostgreSQL, or an embedded one, migrated and ready. */
export interface DevStore {
  /** What to export as `DATABASE_URL`. */
  databaseUrl: string;
  /** `embedded` (PGlite over its socket server, in memory) or `given`. */
  kind: 'embedded' | 'given';
  close(): Promise<void>;
}

/** Why `dev` has no store: what to install or set to get one. */
export const NO_EMBEDDED_STORE =
  'none: give yours with --database-url (or DATABASE_URL), or npm install -D @electric-sql/pglite @electric-sql/pglite-socket for an embedded one';

/**
 * An embedded PostgreSQL (PGlite) over the wire protocol on `127.0.0.1:port`,
 * in memory; `undefined` when PGlite is not installed.
 */
async function startEmbedded(
  port: number,
): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  let modules: [
    typeof import('@electric-sql/pglite'),
    typeof import('@electric-sql/pglite-socket'),
  ];
  try {
    modules = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
  } catch {
    return undefined;
  }
  const [{ PGlite }, { PGLiteSocketServer }] = modules;
  const db = await PGlite.create();
  // PGlite is one session: the server lends it to one connection per exchange or transaction.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 100 });
  serveWholeExchanges(server, db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new CliUsageError(
        `port ${port} is in use: pick another for the embedded PostgreSQL with --pg-port (0: any free one)`,
      );
    }
    throw error;
  }
  const bound = server.getServerConn().split(':').pop();
  return {
    url: `postgres://postgres@127.0.0.1:${bound}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * The store `dev` prints: `databaseUrl` when given (yours: records outlive
 * `dev`), else an embedded PostgreSQL on `pgPort` (in memory: a restart
 * starts empty), else none (PGlite is not installed). The tables (`table`,
 * and the hosts table beside it) are made, as `aura-provisioner migrate`
 * makes them.
 */
export async function openDevStore(
  options: { databaseUrl: string | undefined; pgPort: number; table: string },
  out: NoteWriter,
): Promise<DevStore | undefined> {
  const embedded =
    options.databaseUrl === undefined ? await startEmbedded(options.pgPort) : undefined;
  const databaseUrl = options.databaseUrl ?? embedded?.url;
  // No PGlite and no URL: the fake alone (the Aura client needs no store).
  if (databaseUrl === undefined) return undefined;
  try {
    const opened = await openStore({ databaseUrl, table: options.table }, out);
    try {
      await opened.store.migrate();
    } finally {
      await opened.close();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    databaseUrl,
    kind: embedded ? 'embedded' : 'given',
    close: async () => embedded?.stop(),
  };
}
