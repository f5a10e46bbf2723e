import { UserClientError } from './errors.js';

/**
 * What a Query API error knows about the request and its answer.
 *
 * @example
 * ```ts
 * new Neo4jQueryError('Neo4j refused the query', { status: 400, neo4jCode: 'Neo.ClientError.Statement.SyntaxError' });
 * ```
 */
export interface QueryApiErrorOptions {
  userId?: string | undefined;
  /** The Neo4j status code of the first error in the answer (`Neo.ClientError.Statement.SyntaxError`). */
  neo4jCode?: string | undefined;
  /** HTTP status of the answer, when there was one. */
  status?: number | undefined;
  cause?: unknown;
}

/**
 * Base class of the errors of a Query API request ({@link createQueryClient}).
 * `retryable` says whether the same request may succeed if sent again.
 *
 * @example
 * ```ts
 * if (error instanceof QueryApiError && error.retryable) return retry();
 * ```
 */
export abstract class QueryApiError extends UserClientError {
  readonly neo4jCode: string | undefined;
  readonly status: number | undefined;
  abstract readonly retryable: boolean;

  constructor(message: string, options: QueryApiErrorOptions = {}) {
    super(message, options);
    this.neo4jCode = options.neo4jCode;
    this.status = options.status;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      neo4jCode: this.neo4jCode,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

/**
 * Neo4j refused the statement: `Neo.ClientError.*` (syntax, constraint, ...) or `Neo.DatabaseError.*`.
 *
 * @example
 * ```ts
 * if (error instanceof Neo4jQueryError && error.neo4jCode === 'Neo.ClientError.Schema.ConstraintValidationFailed') return conflict();
 * ```
 */
export class Neo4jQueryError extends QueryApiError {
  override readonly name = 'Neo4jQueryError' as const;
  readonly code = 'query_failed' as const;
  readonly retryable = false;
}

/**
 * 401, or `Neo.ClientError.Security.Unauthorized` and kin: the credentials were refused.
 *
 * @example
 * ```ts
 * if (error instanceof Neo4jAuthenticationError) await clients.invalidate(userId);
 * ```
 */
export class Neo4jAuthenticationError extends QueryApiError {
  override readonly name = 'Neo4jAuthenticationError' as const;
  readonly code = 'unauthorized' as const;
  readonly retryable = false;
}

/**
 * `Neo.TransientError.*`, or a 408/429/502/503/504 without a Neo4j error: the same request may succeed later.
 *
 * @example
 * ```ts
 * if (error instanceof Neo4jTransientError) await sleep(500).then(() => client.run(statement));
 * ```
 */
export class Neo4jTransientError extends QueryApiError {
  override readonly name = 'Neo4jTransientError' as const;
  readonly code = 'transient' as const;
  readonly retryable = true;
}

/**
 * No Query API answer: the network failed, or the answer was not the Query API's (an HTML page, say).
 *
 * @example
 * ```ts
 * if (error instanceof Neo4jConnectionError) console.warn('Query API unreachable', error.status);
 * ```
 */
export class Neo4jConnectionError extends QueryApiError {
  override readonly name = 'Neo4jConnectionError' as const;
  readonly code = 'connection_failed' as const;
  readonly retryable = true;
}

/**
 * The request ran past its timeout and was aborted. Whether a write happened is unknown.
 *
 * @example
 * ```ts
 * await client.run(statement, {}, { timeoutMs: 5_000 }); // may throw Neo4jQueryTimeoutError
 * ```
 */
export class Neo4jQueryTimeoutError extends QueryApiError {
  override readonly name = 'Neo4jQueryTimeoutError' as const;
  readonly code = 'timeout' as const;
  readonly retryable = true;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options: QueryApiErrorOptions = {}) {
    super(`Query API request${forUser(options.userId)} timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's signal aborted the request. `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * await client.run(statement, {}, { signal: request.signal }); // may throw Neo4jQueryAbortError
 * ```
 */
export class Neo4jQueryAbortError extends QueryApiError {
  override readonly name = 'Neo4jQueryAbortError' as const;
  readonly code = 'aborted' as const;
  readonly retryable = false;

  constructor(options: QueryApiErrorOptions = {}) {
    super(`Query API request${forUser(options.userId)} was aborted`, options);
  }
}

/** ` for user <id>` when the user is known. */
export function forUser(userId: string | undefined): string {
  return userId === undefined ? '' : ` for user ${userId}`;
}
