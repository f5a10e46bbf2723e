import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** One wire-protocol message from a connection, waiting for the database. */
interface Waiting {
  connection: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Query, Sync and Terminate end an exchange; a startup message (no type: a 0 length byte) is one. */
const EXCHANGE_ENDS = new Set([0, 0x51, 0x53, 0x58]);
/** A Sync message: ends an exchange a connection left half done. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * The socket server's queue, giving PGlite (one session) to one connection
 * for a whole exchange: from its first message to its Query or Sync, and on
 * to the end of any transaction it opened. The server's own queue gives it
 * message by message, so one connection's Parse could meet another's Bind
 * (wrong rows, or `portal "" does not exist`) when messages arrive in pieces.
 */
class ExchangeQueue {
  readonly #db: PGlite;
  #waiting: Waiting[] = [];
  /** The connection holding the session, mid-exchange or mid-transaction. */
  #owner: number | undefined;
  #running = false;

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(connection: number, message: Uint8Array, onData: Waiting['onData']): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ connection, message, onData, resolve, reject });
      void this.#run();
    });
  }

  getQueueLength(): number {
    return this.#waiting.length;
  }

  clearQueueForHandler(connection: number): void {
    const [gone, kept] = [
      this.#waiting.filter((w) => w.connection === connection),
      this.#waiting.filter((w) => w.connection !== connection),
    ];
    this.#waiting = kept;
    for (const waiting of gone) waiting.reject(new Error('Handler disconnected'));
  }

  /** A connection closed: end what it left open, then serve the others. */
  async clearTransactionIfNeeded(connection: number): Promise<void> {
    if (this.#owner !== connection) return;
    if (!this.#db.closed) {
      await this.#db.runExclusive(() => this.#db.execProtocolRaw(SYNC));
      if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK');
    }
    this.#owner = undefined;
    await this.#run();
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const owner = this.#owner;
        const index = this.#waiting.findIndex((w) => owner === undefined || w.connection === owner);
        const [next] = index === -1 ? [] : this.#waiting.splice(index, 1);
        if (next === undefined) return;
        let bytes = 0;
        let failure: Error | undefined;
        try {
          await this.#db.runExclusive(() =>
            this.#db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
        } catch (error) {
          failure = error as Error;
        }
        const ended =
          this.#db.closed ||
          (EXCHANGE_ENDS.has(next.message[0] ?? 0) && !this.#db.isInTransaction());
        this.#owner = ended ? undefined : next.connection;
        if (failure) next.reject(failure);
        else next.resolve(bytes);
      }
    } finally {
      this.#running = false;
    }
  }
}

/**
 * Makes `server` serve each connection's exchanges whole (see
 * `ExchangeQueue`), so a pool of connections can share the one PGlite session.
 * Call before `server.start()`.
 */
export function serveWholeExchanges(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (internals.queryQueue === undefined) {
    throw new Error('this @electric-sql/pglite-socket has no query queue to replace');
  }
  internals.queryQueue = new ExchangeQueue(db);
}
