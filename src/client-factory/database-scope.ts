import { UserDatabaseScopeError } from './errors.js';

/**
 * Keeps a client of a user on a shared host (placement `database-per-user`)
 * to the user's own database. The host's credentials reach every database
 * on the instance, so each statement and each `database` option is checked
 * before it is sent; a refusal throws {@link UserDatabaseScopeError} and
 * sends nothing.
 *
 * **Checked**
 * - A `database` option (session, `executeQuery`, `rxSession`,
 *   `verifyConnectivity`, `verifyAuthentication`, `getServerInfo`, the
 *   factory's `database`) must name the user's database (Neo4j database
 *   names are case-insensitive). `''` (the home database) is refused;
 *   `undefined`/`null` mean the user's database.
 * - `USE` clauses: a `USE` keyword (unquoted, any case) where a clause may
 *   begin — at the start of the statement (after `EXPLAIN`, `PROFILE` and a
 *   `CYPHER ...` prefix too), after `;`, `{`, `CALL`, `UNION` (`ALL`,
 *   `DISTINCT`) and after another `USE` clause — must be followed by the
 *   user's database name, plain (dashes allowed) or backtick-quoted
 *   (`` `ap-u...` ``), and nothing else: `USE other`, ``USE `other` ``,
 *   `CALL { USE other ... }`, `USE system`, `USE composite.graph`,
 *   `USE graph.byName(...)`, `USE $param` are refused. After `{`, `use:`
 *   is taken for a map key and allowed. Elsewhere (`CALL { WITH x USE
 *   other ... }`), an unquoted `USE` that is not a property, label or
 *   parameter and is followed by a name other than an expression or clause
 *   word (`AS`, `IN`, `IS`, `AND`, `WHERE`, `ORDER`, `MATCH`, `RETURN`...)
 *   is taken for a clause and checked the same way.
 * - Administration commands at those same positions: `GRANT`, `DENY`,
 *   `REVOKE`, `START`, `STOP`, `TERMINATE`, `ENABLE`, `DEALLOCATE`,
 *   `REALLOCATE`, `DRYRUN`; and `CREATE`/`DROP`/`ALTER`/`RENAME`/`SHOW`
 *   (after `OR REPLACE`, `COMPOSITE`, `DEFAULT`, `HOME`, `CURRENT`, `ALL`,
 *   `POPULATED`, `SUPPORTED`...) of a `DATABASE(S)`, `ALIAS(ES)`,
 *   `USER(S)`, `ROLE(S)`, `PRIVILEGE(S)`, `SERVER(S)` or
 *   `TRANSACTION(S)` (`SHOW USER DEFINED FUNCTIONS` is allowed).
 *
 * Strings (`'...'`, `"..."`, backslash escapes), comments (`//`, `/* *\/`)
 * and backtick-quoted names are skipped, so a `USE` inside them is not a
 * clause. Unknown characters count as white space, and a line comment ends
 * at any line or paragraph separator: when the scanner and Neo4j could read
 * a statement differently, the scanner errs towards seeing a clause.
 *
 * **Not checked**: procedures and functions (`CALL dbms.*`, APOC), the
 * `auth` and `impersonatedUser` options, and anything a statement does
 * inside the user's own database. False refusals are possible (a variable
 * named `use` first in a map projection, `n {use}`); rename or quote it
 * (`` `use` ``). This is a guard against mistakes and injected `USE`
 * clauses, not a privilege system: the host's user may still do whatever
 * its role allows through the unchecked paths above.
 */
export interface DatabaseScope {
  readonly userId: string | undefined;
  /** The user's own database. */
  readonly database: string;
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

/** The Cypher text of a neo4j-driver `Query` (a string, a `String`, or `{ text, parameters }`). */
export function queryText(query: unknown): string {
  if (typeof query === 'string') return query;
  if (query instanceof String) return query.valueOf();
  if (typeof query === 'object' && query !== null && 'text' in query) {
    return queryText((query as { text: unknown }).text);
  }
  return String(query);
}

type TokenKind = 'word' | 'quoted' | 'string' | 'punct';

interface Token {
  kind: TokenKind;
  /** A word as written, a quoted name unquoted, one punctuation character. */
  text: string;
  start: number;
  end: number;
}

const WORD = /[\p{ID_Continue}]/u;
const PUNCTUATION = new Set('(){}[],;.:=<>+-*/%^|$!~&?'.split(''));
/** Anything that may end a line for Neo4j ends a `//` comment here (earlier is the safe side). */
const LINE_END = new Set(['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']);

/** Cypher's tokens as far as the scope check needs them. Unknown characters are skipped like spaces. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      i += 2;
      while (i < text.length && !LINE_END.has(text[i] as string)) i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === "'" || c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      tokens.push({ kind: 'string', text: '', start, end: Math.min(i, text.length) });
    } else if (c === '`') {
      const start = i++;
      let name = '';
      for (;;) {
        if (i >= text.length) break;
        if (text[i] === '`') {
          if (text[i + 1] === '`') {
            name += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i];
        i++;
      }
      tokens.push({ kind: 'quoted', text: name, start, end: i });
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    } else {
      i++; // white space, or a character the check does not know: a separator either way
    }
  }
  return tokens;
}

const isWord = (token: Token | undefined, ...words: string[]): boolean =>
  token?.kind === 'word' && words.includes(token.text.toUpperCase());
const isPunct = (token: Token | undefined, text: string): boolean =>
  token?.kind === 'punct' && token.text === text;

/** Administration commands by their first word alone. */
const ADMIN_VERBS = [
  'GRANT',
  'DENY',
  'REVOKE',
  'START',
  'STOP',
  'TERMINATE',
  'ENABLE',
  'DEALLOCATE',
  'REALLOCATE',
  'DRYRUN',
];
/** Words that make an administration command of the object they name. */
const SCHEMA_VERBS = ['CREATE', 'DROP', 'ALTER', 'RENAME', 'SHOW'];
const ADMIN_MODIFIERS = [
  'OR',
  'REPLACE',
  'COMPOSITE',
  'STANDARD',
  'DEFAULT',
  'HOME',
  'CURRENT',
  'ALL',
  'POPULATED',
  'SUPPORTED',
  'LOCAL',
  'REMOTE',
];
const ADMIN_OBJECTS = [
  'DATABASE',
  'DATABASES',
  'ALIAS',
  'ALIASES',
  'USER',
  'USERS',
  'ROLE',
  'ROLES',
  'PRIVILEGE',
  'PRIVILEGES',
  'SERVER',
  'SERVERS',
  'TRANSACTION',
  'TRANSACTIONS',
];

function isAdministration(tokens: Token[], at: number): boolean {
  const first = tokens[at];
  if (isWord(first, ...ADMIN_VERBS)) return true;
  if (!isWord(first, ...SCHEMA_VERBS)) return false;
  let i = at + 1;
  while (isWord(tokens[i], ...ADMIN_MODIFIERS)) i++;
  if (!isWord(tokens[i], ...ADMIN_OBJECTS)) return false;
  // `SHOW USER DEFINED FUNCTIONS` lists functions, not users.
  return !(isWord(tokens[i], 'USER') && isWord(tokens[i + 1], 'DEFINED'));
}

/** Words that may follow a variable named `use`: after them, `use` is not taken for a clause. */
const AFTER_EXPRESSION = [
  'AS',
  'IN',
  'IS',
  'AND',
  'OR',
  'XOR',
  'STARTS',
  'ENDS',
  'CONTAINS',
  'WHERE',
  'ORDER',
  'SKIP',
  'OFFSET',
  'LIMIT',
  'ASC',
  'ASCENDING',
  'DESC',
  'DESCENDING',
  'MATCH',
  'OPTIONAL',
  'RETURN',
  'WITH',
  'UNWIND',
  'CREATE',
  'MERGE',
  'DELETE',
  'DETACH',
  'SET',
  'REMOVE',
  'CALL',
  'FOREACH',
  'LOAD',
  'UNION',
  'FINISH',
];

/**
 * A `USE` away from the usual clause starts (`CALL { WITH x USE ... }`):
 * unquoted, not a property, label or parameter, and followed by a name
 * that does not continue an expression.
 */
function isUseElsewhere(tokens: Token[], at: number): boolean {
  if (!isWord(tokens[at], 'USE')) return false;
  const before = tokens[at - 1];
  if (isPunct(before, '.') || isPunct(before, ':') || isPunct(before, '$')) return false;
  const after = tokens[at + 1];
  return (
    after?.kind === 'quoted' || (after?.kind === 'word' && !isWord(after, ...AFTER_EXPRESSION))
  );
}

/**
 * Reads the graph reference after the `USE` at `at`: the index of the token
 * after it when it names the user's database; otherwise throws.
 */
function checkUse(scope: DatabaseScope, tokens: Token[], at: number): number {
  const parts: string[] = [];
  let i = at + 1;
  let plain = true;
  for (;;) {
    const token = tokens[i];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'quoted')) break;
    let part = token.text;
    i++;
    // A plain name may hold dashes (`ap-u0000...`) when nothing separates them from the words.
    while (
      token.kind === 'word' &&
      isPunct(tokens[i], '-') &&
      tokens[i]?.start === tokens[i - 1]?.end &&
      tokens[i + 1]?.kind === 'word' &&
      tokens[i + 1]?.start === tokens[i]?.end
    ) {
      part += `-${tokens[i + 1]?.text}`;
      i += 2;
    }
    parts.push(part);
    if (!isPunct(tokens[i], '.')) break;
    i++;
    plain = false;
  }
  const after = tokens[i];
  const requested = parts.length === 0 ? null : parts.join('.');
  const glued =
    after !== undefined &&
    after.start === tokens[i - 1]?.end &&
    !isPunct(after, ';') &&
    !isPunct(after, '}');
  if (requested === null || !plain || glued || !isOwn(scope, requested)) {
    throw new UserDatabaseScopeError(scope.userId, scope.database, 'use_clause', requested);
  }
  return i;
}

/**
 * Refuses Cypher that would leave the user's database: a `USE` of another
 * graph, or an administration command. See {@link DatabaseScope} for the
 * rule.
 */
export function checkCypherScope(scope: DatabaseScope, query: unknown): void {
  const tokens = tokenize(queryText(query));
  let clauseStart = true;
  let cypherOptions = false;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    if (clauseStart) {
      if (isWord(token, 'EXPLAIN', 'PROFILE', 'CYPHER')) {
        cypherOptions ||= isWord(token, 'CYPHER');
        i++;
        continue;
      }
      if (
        cypherOptions &&
        (isPunct(token, '=') ||
          (token.kind === 'word' &&
            (/^\d/.test(token.text) || isPunct(tokens[i + 1], '=') || isPunct(tokens[i - 1], '='))))
      ) {
        i++;
        continue;
      }
      cypherOptions = false;
      if (isWord(token, 'USE') && !isPunct(tokens[i + 1], ':')) {
        i = checkUse(scope, tokens, i); // the clause after a USE starts a clause too
        continue;
      }
      if (isAdministration(tokens, i)) {
        throw new UserDatabaseScopeError(scope.userId, scope.database, 'administration_command');
      }
    } else if (isUseElsewhere(tokens, i)) {
      i = checkUse(scope, tokens, i);
      clauseStart = true;
      continue;
    }
    clauseStart =
      isPunct(token, ';') ||
      isPunct(token, '{') ||
      isWord(token, 'CALL', 'UNION') ||
      (isWord(token, 'ALL', 'DISTINCT') && isWord(tokens[i - 1], 'UNION'));
    i++;
  }
}
