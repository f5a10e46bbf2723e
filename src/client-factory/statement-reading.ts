import { type Token, tokenize } from './cypher-tokens.js';

/**
 * What a statement does that the scope check of a user on a shared host
 * cares about, read from its tokens wherever they stand (not only where a
 * clause may begin: `USE` after `WITH`, after `NEXT`, in `WHEN ... THEN`
 * count the same). The same for every user, so it is cached by text.
 */
export interface StatementReading {
  /** Why the statement is refused whoever runs it; `undefined` when nothing is. */
  readonly refusal?: {
    readonly violation: 'unreadable_statement' | 'administration_command';
    readonly reason: string;
  };
  /** The graph each `USE` names: a plain or quoted name, or `null` for anything else. */
  readonly graphs: readonly (string | null)[];
  /** Procedures called and namespaced functions invoked (`db.labels`, `apoc.cypher.run`), and `LOAD CSV`. */
  readonly calls: readonly string[];
}

const word = (token: Token | undefined, ...words: string[]): boolean =>
  token?.kind === 'word' && words.includes(token.text.toUpperCase());
const punct = (token: Token | undefined, ...texts: string[]): boolean =>
  token?.kind === 'punct' && texts.includes(token.text);
const glued = (left: Token | undefined, right: Token | undefined): boolean =>
  left !== undefined && right !== undefined && left.end === right.start;

/**
 * Whether the word at `i` is a name rather than a keyword: a property
 * (`n.use`), a parameter (`$use`), a label (`:Use`), a map key
 * (`{use: 1}`) or a variable being named (`AS use`).
 */
function isName(tokens: readonly Token[], i: number): boolean {
  const before = tokens[i - 1];
  return (
    (punct(before, '.', '$', ':') && glued(before, tokens[i])) ||
    punct(tokens[i + 1], ':') ||
    // `x AS use`, but not `AS as USE ...` (`as` is the variable, USE a clause) nor an `AS`
    // that nothing is named by (`AS use ...` opening a statement).
    (word(before, 'AS') &&
      i >= 2 &&
      !word(tokens[i - 2], 'AS') &&
      !punct(tokens[i - 2], ';', '{', '}'))
  );
}

/** Punctuation a graph reference cannot begin with: after it, `use` is a variable. */
const NOT_A_GRAPH = new Set(')],;.=<>+-*/%^|!}[{'.split(''));

/** Commands by their first word, when a word follows (`GRANT ROLE`, `TERMINATE TRANSACTIONS`). */
const COMMAND_VERBS = [
  'GRANT',
  'DENY',
  'REVOKE',
  'TERMINATE',
  'ALTER',
  'RENAME',
  'DEALLOCATE',
  'REALLOCATE',
  'DRYRUN',
];
/** What `CREATE`/`DROP` may be followed by in a statement about the user's own graph. */
const SCHEMA_OBJECTS = [
  'INDEX',
  'CONSTRAINT',
  'RANGE',
  'TEXT',
  'POINT',
  'LOOKUP',
  'FULLTEXT',
  'VECTOR',
  'BTREE',
];
/** `SHOW ... INDEXES` and the like: about the user's own database or the server's code. */
const SHOWABLE = [
  'INDEX',
  'INDEXES',
  'CONSTRAINT',
  'CONSTRAINTS',
  'FUNCTION',
  'FUNCTIONS',
  'PROCEDURE',
  'PROCEDURES',
];
const SHOW_MODIFIERS = [
  'ALL',
  'RANGE',
  'TEXT',
  'POINT',
  'LOOKUP',
  'FULLTEXT',
  'VECTOR',
  'BTREE',
  'UNIQUE',
  'UNIQUENESS',
  'EXIST',
  'EXISTENCE',
  'NODE',
  'RELATIONSHIP',
  'REL',
  'KEY',
  'PROPERTY',
  'TYPE',
  'BUILT',
  'IN',
  'USER',
  'DEFINED',
];

/** Whether the keyword at `i` starts an administration command. */
function isCommand(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  if (next?.kind !== 'word') return false;
  if (word(tokens[i], ...COMMAND_VERBS)) return true;
  if (word(tokens[i], 'START', 'STOP')) return word(next, 'DATABASE', 'DATABASES');
  if (word(tokens[i], 'ENABLE')) return word(next, 'SERVER', 'SERVERS');
  // `MERGE ... ON CREATE SET`: a clause of MERGE, not a command.
  if (word(tokens[i], 'CREATE') && word(tokens[i - 1], 'ON')) return false;
  if (word(tokens[i], 'CREATE'))
    return !word(next, ...SCHEMA_OBJECTS) && !punct(tokens[i + 2], '=');
  if (word(tokens[i], 'DROP')) return !word(next, ...SCHEMA_OBJECTS);
  if (word(tokens[i], 'SHOW')) {
    let j = i + 1;
    while (word(tokens[j], ...SHOW_MODIFIERS)) j++;
    return !word(tokens[j], ...SHOWABLE);
  }
  return false;
}

/** A dotted name from `i` (`db.schema.nodeTypeProperties`), and the index after it. */
function dottedName(tokens: readonly Token[], i: number): { name: string; end: number } {
  const parts: string[] = [];
  let j = i;
  while (tokens[j]?.kind === 'word' || tokens[j]?.kind === 'quoted') {
    parts.push((tokens[j] as Token).text);
    j++;
    if (!punct(tokens[j], '.')) break;
    j++;
  }
  return { name: parts.join('.'), end: j };
}

/** The graph a `USE` at `i` names: a plain (dashes allowed) or quoted name alone, else `null`. */
function graphAfterUse(tokens: readonly Token[], i: number): string | null {
  let j = i + 1;
  const first = tokens[j];
  if (first?.kind !== 'word' && first?.kind !== 'quoted') return null;
  let name = first.text;
  j++;
  // `ap-u0000...` unquoted: dashes and parts with nothing between them.
  while (
    first.kind === 'word' &&
    punct(tokens[j], '-') &&
    glued(tokens[j - 1], tokens[j]) &&
    (tokens[j + 1]?.kind === 'word' || tokens[j + 1]?.kind === 'number') &&
    glued(tokens[j], tokens[j + 1])
  ) {
    name += `-${tokens[j + 1]?.text}`;
    j += 2;
  }
  const after = tokens[j];
  if (
    punct(after, '.', '(', '-', '$') ||
    (glued(tokens[j - 1], after) && !punct(after, ';', '}'))
  ) {
    return null;
  }
  return name;
}

/** Reads `text`; see {@link StatementReading}. */
export function readStatement(text: string): StatementReading {
  const lexed = tokenize(text);
  if ('unreadable' in lexed) {
    return {
      refusal: { violation: 'unreadable_statement', reason: lexed.unreadable },
      graphs: [],
      calls: [],
    };
  }
  const { tokens } = lexed;
  const graphs: (string | null)[] = [];
  const calls: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const named = token.kind === 'word' || token.kind === 'quoted';
    if (named && !punct(tokens[i - 1], '.') && punct(tokens[i + 1], '.')) {
      // A namespaced function, wherever it stands (a map value `{a:apoc.x()}` too).
      const { name, end } = dottedName(tokens, i);
      if (punct(tokens[end], '(')) calls.push(name);
    } else if (token.kind === 'quoted' && punct(tokens[i + 1], '(')) {
      // `` `apoc.cypher.run`(...) ``: a quoted function name may hold its namespace.
      calls.push(token.text);
    } else if (
      word(token, 'CALL') &&
      (tokens[i + 1]?.kind === 'word' || tokens[i + 1]?.kind === 'quoted')
    ) {
      const { name, end } = dottedName(tokens, i + 1);
      calls.push(name);
      i = end - 1;
    } else if (word(token, 'LOAD') && word(tokens[i + 1], 'CSV')) {
      calls.push('LOAD CSV');
    } else if (token.kind !== 'word' || isName(tokens, i)) {
      // not a keyword
    } else if (word(token, 'USE')) {
      const next = tokens[i + 1];
      if (next === undefined || (next.kind === 'punct' && NOT_A_GRAPH.has(next.text))) continue;
      graphs.push(graphAfterUse(tokens, i));
    } else if (isCommand(tokens, i)) {
      return {
        refusal: { violation: 'administration_command', reason: token.text.toUpperCase() },
        graphs,
        calls,
      };
    }
  }
  return { graphs, calls };
}
