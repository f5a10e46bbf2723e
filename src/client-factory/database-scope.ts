import { type CallAllowlist, callAllowlist } from './call-allowlist.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { UserDatabaseScopeError } from './errors.js';
import { ReadingCache } from './reading-cache.js';
import { readStatement, type StatementReading } from './statement-reading.js';

/**
 * Keeps a client of a user on a shared host (placement `database-per-user`)
 * to the user's own database. The host's credentials reach every database
 * on the instance, so each statement and each `database` option is checked
 * before it is sent; a refusal throws {@link UserDatabaseScopeError} and
 * sends nothing. The statement sent is the very string checked.
 *
 * **Checked**
 * - A `database` option must name the user's database (case-insensitive);
 *   `''` is refused; `undefined`/`null` mean the user's database.
 * - The statement must be a string (a `String` object is read once and that
 *   copy sent), readable for certain by a strict lexer (see
 *   `cypher-tokens.ts`: `\u` escapes outside strings, odd comments, odd
 *   white space, non-ASCII names are refused; quote such names with
 *   backticks).
 * - Every `USE`, wherever it stands, must name the user's database alone.
 * - Administration commands anywhere are refused: `GRANT`, `DENY`,
 *   `REVOKE`, `ALTER`, `RENAME`, `TERMINATE`, `START`/`STOP DATABASE`,
 *   `CREATE`/`DROP` of anything but indexes and constraints, `SHOW` of
 *   anything but indexes, constraints, functions and procedures.
 * - Procedures (`CALL x.y`), namespaced functions (`apoc.x.y()`) and
 *   `LOAD CSV` must be in `allowedCalls`.
 *
 * False refusals are possible (a variable named `use` followed by a name,
 * `WITH use MATCH ...`); quote it (`` `use` ``).
 */
export interface DatabaseScope {
  readonly userId: string | undefined;
  /** The user's own database. */
  readonly database: string;
  /** Default: `CLIENT_FACTORY_DEFAULTS.allowedCalls`. */
  readonly calls?: CallAllowlist | undefined;
}

const DEFAULT_CALLS = callAllowlist(CLIENT_FACTORY_DEFAULTS.allowedCalls);

/** Readings by statement text, shared by every user: the reading does not depend on who runs it. */
const readings = new ReadingCache<StatementReading>(2_000, 16_384);

/** The statement's reading, from the cache when the same text was read before. */
export function cachedReading(text: string): StatementReading {
  return readings.get(text, readStatement);
}

/** Whether `name` names the user's database (database names are case-insensitive). */
function isOwn(scope: DatabaseScope, name: string): boolean {
  return name.toLowerCase() === scope.database.toLowerCase();
}

/**
 * Refuses a `database` option naming another database than the user's;
 * `undefined` and `null` pass (the user's database is used).
 */
export function checkDatabaseOption(scope: DatabaseScope, requested: unknown): void {
  if (requested === undefined || requested === null) return;
  if (typeof requested === 'string' && isOwn(scope, requested)) return;
  throw new UserDatabaseScopeError(
    scope.userId,
    scope.database,
    'database_option',
    typeof requested === 'string' ? requested : null,
  );
}

/**
 * A statement as a primitive string, read once: a string as is, a `String`
 * object by its own value (not its `toString`/`valueOf`, which may be
 * replaced). Anything else is refused.
 */
export function statementText(scope: DatabaseScope, statement: unknown): string {
  if (typeof statement === 'string') return statement;
  try {
    // Throws unless `statement` really is a String object; own methods cannot change what it returns.
    return String.prototype.valueOf.call(statement);
  } catch {
    throw new UserDatabaseScopeError(
      scope.userId,
      scope.database,
      'unreadable_statement',
      null,
      'the statement is not a string',
    );
  }
}

/**
 * A neo4j-driver query (a string, a `String`, or `{ text, parameters }`),
 * each field read once: what is returned is what gets checked and sent.
 */
export function queryOf(
  scope: DatabaseScope,
  query: unknown,
): { text: string; parameters: unknown } {
  if (typeof query === 'object' && query !== null && !(query instanceof String)) {
    const { text, parameters } = query as { text?: unknown; parameters?: unknown };
    return { text: statementText(scope, text), parameters };
  }
  return { text: statementText(scope, query), parameters: undefined };
}

/**
 * Refuses a statement that would leave the user's database (see
 * {@link DatabaseScope}); `text` must be the primitive string to be sent.
 */
export function checkStatement(scope: DatabaseScope, text: string): void {
  const reading = cachedReading(text);
  const refuse = (
    violation: ConstructorParameters<typeof UserDatabaseScopeError>[2],
    requested: string | null = null,
    reason?: string,
  ) => new UserDatabaseScopeError(scope.userId, scope.database, violation, requested, reason);
  const { refusal } = reading;
  if (refusal?.violation === 'unreadable_statement')
    throw refuse(refusal.violation, null, refusal.reason);
  for (const graph of reading.graphs) {
    if (graph === null || !isOwn(scope, graph)) throw refuse('use_clause', graph);
  }
  if (refusal !== undefined) throw refuse(refusal.violation, null, refusal.reason);
  const calls = scope.calls ?? DEFAULT_CALLS;
  for (const name of reading.calls) {
    if (!calls.allows(name)) throw refuse('call_not_allowed', name);
  }
}
