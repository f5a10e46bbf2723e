import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { readDatabaseUrl } from '../../src/cli/database-url.js';

/** What pg reads, or `'throws'`. */
function pgReading(text: string) {
  try {
    const { user, password, host, port, database } = parse(text);
    return { user, password, host, port, database };
  } catch {
    return 'throws';
  }
}

function ourReading(text: string) {
  const reading = readDatabaseUrl(text);
  if (!reading.ok) return 'throws';
  return reading.url;
}

const PASSWORDS = [
  'plain-pass',
  'p%ss',
  'p%25ss',
  '%',
  '%%',
  'p%2',
  'p%2Fss',
  'p%20ss',
  'p%41ss',
  'p%zzss',
  'p%C3ss',
  'p%C3%A9ss',
  'p ss',
  'pé€ss',
  'p:ss',
  'p@ss',
  'p/ss',
  'p?ss',
  'p#ss',
  'p\uD800ss',
  '',
];

const URLS = [
  ...PASSWORDS.map((password) => `postgres://app:${password}@db.internal:5433/app`),
  'postgresql://app@db.internal/app',
  'postgres://db.internal',
  'postgres://app:pw@/app?host=/run/postgresql',
  'postgres://app:pw@%2Frun%2Fpostgresql/app?host=x',
  'postgres://app:pw@db/app?password=from%25query&user=u2',
  'postgres://app:pw@db/app?password=a&password=b',
  'postgres://a%C3:pw@db/app',
  'postgres://app:pw@[::1]:5432/app',
  'postgres://app:pw@db/%E2%82%AC',
  'postgres://app:pw@db:notaport/app',
  'postgres://app:pw@db/a%zzb%',
];

describe('readDatabaseUrl', () => {
  it.each(URLS)('reads %s as pg-connection-string does', (text) => {
    expect(ourReading(text)).toEqual(pgReading(text));
  });

  it('reads a bare % in the password as itself, and %25 as a %', () => {
    const bare = readDatabaseUrl('postgres://app:p%ss@db/app');
    const encoded = readDatabaseUrl('postgres://app:p%25ss@db/app');
    expect(bare).toMatchObject({ ok: true, url: { password: 'p%ss' } });
    expect(encoded).toMatchObject({ ok: true, url: { password: 'p%ss' } });
  });

  it('says what pg cannot read without quoting the URL', () => {
    for (const text of [
      'postgres://app:sec#ret-pw@db/app',
      'postgres://app:secret-pw@db:notaport/app',
      'postgres://app:secret%C3-pw@db/app',
    ]) {
      const reading = readDatabaseUrl(text);
      expect(reading.ok).toBe(false);
      if (reading.ok) continue;
      expect(reading.problem).not.toMatch(/secret|sec#ret|ret-pw|db:|notaport/);
    }
    expect(readDatabaseUrl('postgres://app:secret%C3-pw@db/app')).toEqual({
      ok: false,
      problem: 'has a malformed percent-escape in its password (write a literal % as %25)',
    });
  });
});
