import { describe, expect, it } from 'vitest';
import { callAllowlist } from '../../src/client-factory/call-allowlist.js';
import { tokenize } from '../../src/client-factory/cypher-tokens.js';
import { ReadingCache } from '../../src/client-factory/reading-cache.js';
import { readStatement } from '../../src/client-factory/statement-reading.js';

const kinds = (text: string) => {
  const lexed = tokenize(text);
  if ('unreadable' in lexed) return lexed.unreadable;
  return lexed.tokens.map((token) => `${token.kind}:${token.text}`);
};

describe('the lexer', () => {
  it('reads words, quoted names, strings, numbers and punctuation; skips comments', () => {
    expect(
      kinds("MATCH (`a``b`:L) // c\r\nWHERE a.x = 'it\\'s' /* d */ RETURN 0x1F, 1.5e3"),
    ).toEqual([
      'word:MATCH',
      'punct:(',
      'quoted:a`b',
      'punct::',
      'word:L',
      'punct:)',
      'word:WHERE',
      'word:a',
      'punct:.',
      'word:x',
      'punct:=',
      'string:',
      'word:RETURN',
      'number:0x1F',
      'punct:,',
      'number:1.5e3',
    ]);
    expect(kinds('[*1..3]')).toEqual([
      'punct:[',
      'punct:*',
      'number:1',
      'punct:.',
      'punct:.',
      'number:3',
      'punct:]',
    ]);
  });

  it.each([
    ['\\u0055SE x', /outside a string/],
    ["'\\u0027'", /decodes to a quote/],
    ["'\\q'", /does not define/],
    ["'\\u12'", /malformed/],
    ['// a\u2028b', /end a line at/],
    ['// a \\u000a', /comment/],
    ['/* a', /unterminated/],
    ["'a", /unterminated string/],
    ['`a', /unterminated quoted name/],
    ['`a\\u0060`', /quoted name/],
    ['1USE', /number runs into a name/],
    ['a$b', /runs into/],
    ["RETURN s'{COLLECT { USE x RETURN 1 }}'", /runs into "'"/],
    ['caf\u00e9', /U\+00e9/],
    ['a\u00a0b', /U\+00a0/],
  ])('refuses %j', (text, reason) => {
    expect(kinds(text)).toMatch(reason);
  });

  it('lets a // comment hold a tab and end at \\r', () => {
    expect(kinds('// a\tb\rRETURN 1')).toEqual(['word:RETURN', 'number:1']);
  });
});

describe('reading a statement', () => {
  it('collects every USE, wherever it stands', () => {
    expect(readStatement('RETURN 1 AS a NEXT USE x RETURN 2 AS a').graphs).toEqual(['x']);
    expect(readStatement('WHEN true THEN USE `y` RETURN 1').graphs).toEqual(['y']);
    expect(readStatement('CALL { WITH a USE (z) RETURN 1 }').graphs).toEqual([null]);
    expect(readStatement('MATCH (use) RETURN use, n.use, $use, {use: 1}').graphs).toEqual([]);
  });

  it('collects procedures, namespaced functions and LOAD CSV', () => {
    expect(
      readStatement(
        "CALL db.labels() YIELD label WITH label, apoc.text.join(['a'], '') AS j LOAD CSV FROM $u AS r RETURN date.truncate('day', date())",
      ).calls,
    ).toEqual(['db.labels', 'apoc.text.join', 'LOAD CSV', 'date.truncate']);
    expect(readStatement('CALL { MATCH (n) RETURN n } RETURN n.name').calls).toEqual([]);
  });

  it('names the administration command it refuses', () => {
    expect(readStatement('MATCH (n) WITH n SHOW TRANSACTIONS').refusal).toEqual({
      violation: 'administration_command',
      reason: 'SHOW',
    });
    expect(readStatement('MERGE (n:A) ON CREATE SET n.x = 1').refusal).toBeUndefined();
  });
});

describe('the call allowlist', () => {
  it('matches exact names and namespaces, case-insensitively', () => {
    const calls = callAllowlist(['db.labels', 'apoc.text.*', 'LOAD  CSV']);
    expect(['db.labels', 'DB.LABELS', 'apoc.text.join', 'load csv'].map(calls.allows)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['db.labelsX', 'apoc.textual', 'apoc.cypher.run', 'dbms.components'].map(calls.allows),
    ).toEqual([false, false, false, false]);
  });
});

describe('the reading cache', () => {
  it('keeps at most maxSize entries, drops the least recently used, and skips long keys', () => {
    const cache = new ReadingCache<number>(2, 5);
    let reads = 0;
    const read = (key: string) => {
      reads++;
      return key.length;
    };
    cache.get('a', read);
    cache.get('b', read);
    cache.get('a', read); // a is now the most recent
    cache.get('c', read); // evicts b
    expect(cache.size).toBe(2);
    expect(reads).toBe(3);
    cache.get('a', read);
    cache.get('b', read);
    expect(reads).toBe(4);
    cache.get('longer', read);
    cache.get('longer', read);
    expect(reads).toBe(6);
    expect(cache.size).toBe(2);
  });
});
