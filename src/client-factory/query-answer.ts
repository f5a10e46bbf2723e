import {
  forUser,
  Neo4jAuthenticationError,
  Neo4jConnectionError,
  Neo4jQueryError,
  Neo4jTransientError,
  type QueryApiError,
} from './query-errors.js';

/**
 * What a statement changed, when asked for with `includeCounters`.
 *
 * @example
 * ```ts
 * const { counters } = await client.run('CREATE (:Todo)', {}, { includeCounters: true });
 * console.log(counters?.nodesCreated); // 1
 * ```
 */
export interface QueryCounters {
  containsUpdates: boolean;
  nodesCreated: number;
  nodesDeleted: number;
  propertiesSet: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  labelsAdded: number;
  labelsRemoved: number;
  indexesAdded: number;
  indexesRemoved: number;
  constraintsAdded: number;
  constraintsRemoved: number;
  containsSystemUpdates: boolean;
  systemUpdates: number;
}

/**
 * The answer to a statement. Values are plain JSON as the Query API sends
 * them (`application/json`): a node is `{ elementId, labels, properties }`,
 * temporal values are strings, and integers beyond 2^53 lose precision.
 *
 * @example
 * ```ts
 * const { rows, bookmarks } = await client.run<{ title: string }>('MATCH (t:Todo) RETURN t.title AS title');
 * ```
 */
export interface QueryResult<Row extends Record<string, unknown> = Record<string, unknown>> {
  /** The column names, in order. */
  fields: string[];
  /** One object per row, keyed by field. `Row` is what the caller says the statement returns; it is not checked. */
  rows: Row[];
  /** The rows as the API sent them: one array per row, in field order. */
  values: unknown[][];
  /** Pass these to a later request to read your own writes. */
  bookmarks: string[];
  counters?: QueryCounters | undefined;
  notifications?: unknown[] | undefined;
}

/** Neo4j codes that mean the credentials, not the statement, were refused. */
const AUTHENTICATION_CODES = new Set([
  'Neo.ClientError.Security.Unauthorized',
  'Neo.ClientError.Security.AuthenticationRateLimit',
  'Neo.ClientError.Security.CredentialsExpired',
  'Neo.ClientError.Security.TokenExpired',
]);

/** HTTP statuses that mean "not now" when no Neo4j error explains them. */
const TRANSIENT_STATUSES = new Set([408, 429, 502, 503, 504]);

/** Neo4j messages can quote a whole statement: keep errors readable. */
const MAX_MESSAGE = 500;

interface Neo4jErrorEntry {
  code: string;
  message: string;
}

/**
 * Reads a Query API answer: the result of a 2xx `{data: {fields, values}}`,
 * or the typed error for anything else. Pure.
 */
export function readQueryAnswer<Row extends Record<string, unknown>>(
  status: number,
  text: string,
  userId?: string,
): QueryResult<Row> {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const error = firstNeo4jError(answer.errors);
  const data = answer.data as { fields?: unknown; values?: unknown } | undefined;
  if (status >= 200 && status < 300 && !error && Array.isArray(data?.fields)) {
    const fields = data.fields as string[];
    const values = (Array.isArray(data.values) ? data.values : []) as unknown[][];
    return {
      fields,
      values,
      rows: values.map(
        (row) => Object.fromEntries(fields.map((field, i) => [field, row[i]])) as Row,
      ),
      bookmarks: Array.isArray(answer.bookmarks) ? (answer.bookmarks as string[]) : [],
      counters: answer.counters as QueryCounters | undefined,
      notifications: answer.notifications as unknown[] | undefined,
    };
  }
  throw queryApiErrorFor(status, error, userId);
}

/** The typed error for an answer that is not a result. Pure. */
export function queryApiErrorFor(
  status: number,
  error: Neo4jErrorEntry | undefined,
  userId?: string,
): QueryApiError {
  const options = { userId, status, neo4jCode: error?.code };
  if (error) {
    const message = `Neo4j refused the query${forUser(userId)}: ${error.code}: ${clip(error.message)}`;
    if (AUTHENTICATION_CODES.has(error.code)) return new Neo4jAuthenticationError(message, options);
    if (error.code.startsWith('Neo.TransientError.')) {
      return new Neo4jTransientError(message, options);
    }
    return new Neo4jQueryError(message, options);
  }
  if (status === 401) {
    return new Neo4jAuthenticationError(
      `The Query API refused the credentials${forUser(userId)} (401)`,
      options,
    );
  }
  if (TRANSIENT_STATUSES.has(status)) {
    return new Neo4jTransientError(
      `The Query API is unavailable${forUser(userId)} (${status}); try again later`,
      options,
    );
  }
  return new Neo4jConnectionError(
    `The Query API answered ${status}${forUser(userId)} with no result and no Neo4j error`,
    options,
  );
}

function firstNeo4jError(errors: unknown): Neo4jErrorEntry | undefined {
  if (!Array.isArray(errors)) return undefined;
  const first = errors[0] as { code?: unknown; message?: unknown } | undefined;
  if (typeof first?.code !== 'string') return undefined;
  return { code: first.code, message: typeof first.message === 'string' ? first.message : '' };
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}
