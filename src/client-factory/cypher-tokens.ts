/**
 * A strict reading of Cypher's lexical grammar, for the scope check of users
 * on a shared host. It yields Neo4j's tokens where it can be certain of them
 * and refuses the rest: two readers that disagree on where a string, a
 * comment or a name ends disagree on every keyword after it, so anything
 * that Neo4j (or any of its versions) might read differently is refused
 * rather than guessed.
 *
 * Refused (`unreadable`): a `\u` escape outside a string (Neo4j decodes
 * escapes in keywords and names: `\u0055SE` is `USE`); one inside a string
 * that decodes to a character that ends or escapes something (a quote, a
 * backslash, a backtick, `/`, `*`, a control or line-separator character);
 * string escapes Cypher does not define; a `//` comment holding a character
 * some reader ends a line at (`\v`, `\f`, U+0085, U+2028, U+2029 and other
 * controls: Neo4j ends comments at `\r` and `\n` only); an unterminated
 * string, name or comment; a backslash or any non-ASCII character outside
 * strings, comments and backtick-quoted names; white space other than space,
 * tab, `\r` and `\n`; a number run into a name (`1USE`); `$` or a quote
 * glued to a name (`s'...{...}...'` is an interpolated string in Cypher 25,
 * its braces hold code).
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** A word as written, a quoted name unquoted, one punctuation character; `''` for strings. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type Tokens = { readonly tokens: readonly Token[] } | { readonly unreadable: string };

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const NUMBER =
  /0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?/y;
const SPACE = new Set([' ', '\t', '\n', '\r']);
/** Escapes Cypher defines in strings, besides `\uXXXX`. */
const STRING_ESCAPES = new Set(['\\', "'", '"', 'b', 'f', 'n', 'r', 't']);
/** A control or line-separator code point (C0, DEL, C1, U+2028, U+2029). */
const isControl = (code: number): boolean =>
  code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
/** Characters that, decoded from a `\u` escape before lexing, would end or escape something. */
const isSignificant = (code: number): boolean =>
  isControl(code) || '\'"`\\/*'.includes(String.fromCharCode(code));
/** Whether a `//` comment's text holds a character some reader might end the line at (tab is fine). */
const breaksLine = (body: string): boolean => {
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code !== 0x09 && isControl(code)) return true;
  }
  return false;
};
const ANY_UNICODE_ESCAPE = /\\u/i;

class Unreadable extends Error {}

/** Cypher's tokens, or why the text cannot be read for certain. */
export function tokenize(text: string): Tokens {
  try {
    return { tokens: lex(text) };
  } catch (error) {
    if (error instanceof Unreadable) return { unreadable: error.message };
    throw error;
  }
}

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (SPACE.has(c)) {
      i++;
    } else if (c === '/' && next === '/') {
      i = lineComment(text, i + 2);
    } else if (c === '/' && next === '*') {
      i = blockComment(text, i + 2);
    } else if (c === "'" || c === '"') {
      const end = stringEnd(text, i + 1, c);
      tokens.push({ kind: 'string', text: '', start: i, end });
      i = end;
    } else if (c === '`') {
      const token = quotedName(text, i);
      tokens.push(token);
      i = token.end;
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < text.length && WORD_PART.test(text[i] as string)) i++;
      // `s'...{expr}...'` is an interpolated string in Cypher 25: what is inside the braces is code.
      if (text[i] === '$' || text[i] === '\\' || text[i] === "'" || text[i] === '"') {
        throw new Unreadable(`a name runs into "${text[i]}"`);
      }
      tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
    } else if (c >= '0' && c <= '9') {
      NUMBER.lastIndex = i;
      const end = i + (NUMBER.exec(text)?.[0].length ?? 1);
      if (end < text.length && (WORD_PART.test(text[end] as string) || text[end] === '$')) {
        throw new Unreadable('a number runs into a name');
      }
      tokens.push({ kind: 'number', text: text.slice(i, end), start: i, end });
      i = end;
    } else if (c > ' ' && c < '\u007f' && c !== '\\') {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    } else {
      throw new Unreadable(
        `the character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} outside a string`,
      );
    }
  }
  return tokens;
}

/** The index after a `//` comment whose text starts at `from`: Neo4j ends it at `\r` or `\n` only. */
function lineComment(text: string, from: number): number {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const body = text.slice(from, end);
  if (breaksLine(body)) {
    throw new Unreadable('a // comment holds a character some readers end a line at');
  }
  if (ANY_UNICODE_ESCAPE.test(body)) throw new Unreadable('a \\u escape in a comment');
  return end;
}

function blockComment(text: string, from: number): number {
  const close = text.indexOf('*/', from);
  if (close === -1) throw new Unreadable('an unterminated /* comment');
  if (ANY_UNICODE_ESCAPE.test(text.slice(from, close))) {
    throw new Unreadable('a \\u escape in a comment');
  }
  return close + 2;
}

/** The index after the string whose text starts at `from`, checking each escape. */
function stringEnd(text: string, from: number, quote: string): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) break;
    if (c !== '\\') {
      i++;
      continue;
    }
    const escaped = text[i + 1];
    if (escaped === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Unreadable('a malformed \\u escape');
      i += 6;
    } else if (escaped !== undefined && STRING_ESCAPES.has(escaped)) {
      i += 2;
    } else {
      throw new Unreadable('a string escape Cypher does not define');
    }
  }
  if (i >= text.length) throw new Unreadable('an unterminated string');
  // Whatever the backslashes before it, no `\uXXXX` may decode to a character that moves the string's end.
  const body = text.slice(from, i);
  // A reader that decodes `\UXXXXXXXX` too could find any character there: refused outright.
  if (/\\+U[0-9a-fA-F]/.test(body)) throw new Unreadable('a \\U escape in a string');
  for (const match of body.matchAll(/\\+u([0-9a-fA-F]{4})/g)) {
    if (isSignificant(Number.parseInt(match[1] as string, 16))) {
      throw new Unreadable('a \\u escape in a string decodes to a quote, backslash or control');
    }
  }
  return i + 1;
}

function quotedName(text: string, start: number): Token {
  let i = start + 1;
  let name = '';
  for (;;) {
    if (i >= text.length) throw new Unreadable('an unterminated quoted name');
    if (text[i] === '`') {
      if (text[i + 1] !== '`') break;
      name += '`';
      i += 2;
      continue;
    }
    name += text[i];
    i++;
  }
  if (ANY_UNICODE_ESCAPE.test(name)) throw new Unreadable('a \\u escape in a quoted name');
  return { kind: 'quoted', text: name, start, end: i + 1 };
}
