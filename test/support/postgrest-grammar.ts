/**
 * The value grammar of PostgREST's query parameters
 * (`src/PostgREST/ApiRequest/QueryParams.hs`): quoted values with backslash
 * escapes, list values `(a,"b,c")`, and logic-tree values that end at `,` or
 * `)`. Anything else fails loudly.
 */
import { MockMisunderstood } from './postgrest-table.js';

/** A cursor over one parameter value, for the recursive descent below. */
export class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done() {
    return this.pos >= this.text.length;
  }
  peek() {
    return this.text[this.pos];
  }
  take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }
  expect(literal: string) {
    if (!this.take(literal)) this.fail(`"${literal}"`);
  }
  spaces() {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  until(stops: string): string {
    const start = this.pos;
    while (!this.done && !stops.includes(this.peek() as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  fail(what: string): never {
    throw new MockMisunderstood(`expected ${what} at ${this.pos} of ${JSON.stringify(this.text)}`);
  }
}

/** pQuotedValue: `"..."`, a backslash taking the next character as is. */
export function quoted(s: Scanner): string | undefined {
  if (!s.take('"')) return undefined;
  let value = '';
  for (;;) {
    const c = s.peek();
    if (c === undefined) s.fail('a closing quote');
    s.pos++;
    if (c === '"') return value;
    if (c === '\\') {
      if (s.done) s.fail('an escaped character');
      value += s.peek();
      s.pos++;
    } else value += c;
  }
}

/** pListElement / pLogicSingleVal: quoted if followed by `,` `)` or the end, else up to `,` `)`. */
export function element(s: Scanner): string {
  const start = s.pos;
  const value = quoted(s);
  if (value !== undefined && (s.done || s.peek() === ',' || s.peek() === ')')) return value;
  s.pos = start;
  if (s.peek() === '{') s.fail('no {array} literal');
  return s.until(',)');
}

export function listValue(s: Scanner): string[] {
  s.spaces();
  s.expect('(');
  s.spaces();
  const values = [element(s)];
  while (s.take(',')) values.push(element(s));
  s.spaces();
  s.expect(')');
  s.spaces();
  return values;
}
