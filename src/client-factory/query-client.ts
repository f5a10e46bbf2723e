import { type Clock, systemClock } from '../kernel/clock.js';
import { MAX_TIMER_MS } from '../kernel/limits.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { isUserClientError, UserClientConfigurationError } from './errors.js';
import { type QueryResult, readQueryAnswer } from './query-answer.js';
import {
  forUser,
  Neo4jConnectionError,
  Neo4jQueryAbortError,
  Neo4jQueryTimeoutError,
} from './query-errors.js';
import { queryEndpoint } from './query-url.js';

/**
 * Options of {@link createQueryClient}.
 *
 * @example
 * ```ts
 * const options: QueryClientOptions = { origin: 'http://localhost:7474', database: 'neo4j', username, password };
 * ```
 */
export interface QueryClientOptions {
  /** The Query API origin, e.g. `https://<id>.databases.neo4j.io` (see `queryApiOrigin`). */
  origin: string;
  /** The database in the request path. */
  database: string;
  username: string;
  password: string;
  /** Named in errors, when the client belongs to a user. */
  userId?: string | undefined;
  /** Default: `globalThis.fetch`, looked up at each call (so a mock installed later is used). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Times the request timeout. Default: the system clock. */
  clock?: Clock | undefined;
  /** Time a request may take, answer included, in ms (> 0). Default 30 s; `Infinity` (or anything over ~24.8 days) for none. */
  timeoutMs?: number | undefined;
}

/**
 * Per-call options of {@link Neo4jQueryClient.run}.
 *
 * @example
 * ```ts
 * await client.run('MATCH (n) RETURN n LIMIT 5', {}, { accessMode: 'read', timeoutMs: 5_000, signal });
 * ```
 */
export interface QueryRunOptions {
  /** Overrides the client's `timeoutMs` for this call, in ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** `read` lets a cluster route the statement to a reader. Default `write`. */
  accessMode?: 'read' | 'write';
  /** Wait for these writes (bookmarks of earlier results) before running. */
  bookmarks?: readonly string[];
  /** Ask for {@link QueryResult.counters}. */
  includeCounters?: boolean;
  impersonatedUser?: string;
}

/**
 * A client of one database's Query API (`POST /db/<database>/query/v2`).
 *
 * @example
 * ```ts
 * const client: Neo4jQueryClient = await clients.queryClientFor(userId);
 * const { rows } = await client.run('RETURN 1 AS one');
 * ```
 */
export interface Neo4jQueryClient {
  /** Where statements are posted. */
  readonly endpoint: string;
  readonly database: string;
  readonly username: string;
  readonly userId: string | undefined;
  /**
   * Runs one statement in its own transaction. Rejects with a
   * `QueryApiError`: `Neo4jQueryError`, `Neo4jAuthenticationError`,
   * `Neo4jTransientError`, `Neo4jConnectionError`, `Neo4jQueryTimeoutError`
   * or `Neo4jQueryAbortError`.
   */
  run<Row extends Record<string, unknown> = Record<string, unknown>>(
    statement: string,
    parameters?: Record<string, unknown>,
    options?: QueryRunOptions,
  ): Promise<QueryResult<Row>>;
}

/**
 * A Query API client over `fetch`, for runtimes without TCP sockets (edge
 * functions) or where neo4j-driver misbehaves (Bun): Node 22+, Bun, Deno,
 * workers. Basic auth; the `Authorization` header stays in a private field
 * and never reaches an error, `JSON.stringify` or `console.log`.
 *
 * @example
 * ```ts
 * const neo4j = createQueryClient({
 *   origin: 'https://1a2b3c4d.databases.neo4j.io', database: 'neo4j', username, password,
 * });
 * const { rows } = await neo4j.run<{ name: string }>('MATCH (p:Person) RETURN p.name AS name');
 * ```
 */
export function createQueryClient(options: QueryClientOptions): Neo4jQueryClient {
  return new QueryClient(options);
}

/** A timeout in ms > 0 (`Infinity`: none); NaN would mean none and a negative one abort at once. */
function checkTimeout(timeout: number): number {
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new UserClientConfigurationError(`timeoutMs must be a number of ms > 0, not ${timeout}`);
  }
  return timeout;
}

class QueryClient implements Neo4jQueryClient {
  readonly endpoint: string;
  readonly database: string;
  readonly username: string;
  readonly userId: string | undefined;
  readonly #authorization: string;
  readonly #fetch: typeof globalThis.fetch | undefined;
  readonly #clock: Clock;
  readonly #timeout: number;

  constructor(options: QueryClientOptions) {
    this.endpoint = queryEndpoint(options.origin, options.database);
    this.database = options.database;
    this.username = options.username;
    this.userId = options.userId;
    this.#authorization = `Basic ${base64(`${options.username}:${options.password}`)}`;
    this.#fetch = options.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#timeout = checkTimeout(options.timeoutMs ?? CLIENT_FACTORY_DEFAULTS.queryTimeoutMs);
  }

  async run<Row extends Record<string, unknown>>(
    statement: string,
    parameters: Record<string, unknown> = {},
    options: QueryRunOptions = {},
  ): Promise<QueryResult<Row>> {
    const { userId } = this;
    const timeout =
      options.timeoutMs === undefined ? this.#timeout : checkTimeout(options.timeoutMs);
    const body = JSON.stringify({
      statement,
      parameters,
      ...(options.accessMode && { accessMode: options.accessMode === 'read' ? 'Read' : 'Write' }),
      ...(options.bookmarks && { bookmarks: options.bookmarks }),
      ...(options.includeCounters && { includeCounters: true }),
      ...(options.impersonatedUser && { impersonatedUser: options.impersonatedUser }),
    });
    if (options.signal?.aborted)
      throw new Neo4jQueryAbortError({ userId, cause: options.signal.reason });
    const abort = new AbortController();
    const onAbort = () => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = new AbortController();
    let timedOut = false;
    if (timeout <= MAX_TIMER_MS) {
      this.#clock.sleep(timeout, timer.signal).then(
        () => {
          timedOut = true;
          abort.abort();
        },
        () => {},
      );
    }
    try {
      const response = await (this.#fetch ?? globalThis.fetch)(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.#authorization,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        signal: abort.signal,
      });
      const text = await response.text();
      return readQueryAnswer<Row>(response.status, text, userId);
    } catch (cause) {
      if (timedOut) throw new Neo4jQueryTimeoutError(timeout, { userId, cause });
      if (options.signal?.aborted)
        throw new Neo4jQueryAbortError({ userId, cause: options.signal.reason });
      if (isUserClientError(cause)) throw cause;
      throw new Neo4jConnectionError(
        `The Query API could not be reached${forUser(userId)}: ${(cause as Error)?.message ?? String(cause)}`,
        { userId, cause },
      );
    } finally {
      timer.abort();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      endpoint: this.endpoint,
      database: this.database,
      username: this.username,
      userId: this.userId,
    };
  }
}

/** Base64 of UTF-8 text (`btoa` alone takes Latin-1 only). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
