import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkDatabasePrefix,
  databaseNameForUser,
  isValidDatabaseName,
  MAX_DATABASE_PREFIX_LENGTH,
  userIdFromDatabaseName,
} from '../../src/records/database-name.js';
import { isProvisioningError } from '../../src/records/errors.js';

const PREFIX = 'app-';
const UUID = '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e';

/** Random ids of mixed kinds: UUIDs (both cases), e-mails, provider ids, raw bytes as text. */
function randomId(i: number): string {
  switch (i % 4) {
    case 0:
      return randomUUID();
    case 1:
      return randomUUID().toUpperCase();
    case 2:
      return `auth0|${randomBytes(12).toString('hex')}`;
    default:
      return randomBytes(1 + (i % 40)).toString('latin1');
  }
}

describe('databaseNameForUser', () => {
  it('pins the derivation: a changed one would orphan every database', () => {
    expect(databaseNameForUser(UUID, PREFIX)).toBe(
      `${PREFIX}u${BigInt(`0x${UUID.replace(/-/g, '')}`)
        .toString(36)
        .padStart(25, '0')}`,
    );
  });

  it('is a valid, lower-case Neo4j name for 10,000 random ids, and injective over them', () => {
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => randomId(i)));
    const names = new Set<string>();
    for (const id of ids) {
      const name = databaseNameForUser(id, PREFIX);
      expect(isValidDatabaseName(name), name).toBe(true);
      expect(name).toBe(name.toLowerCase());
      names.add(name);
    }
    expect(names.size).toBe(ids.size);
  });

  it('gives ids that differ only in letter case different names (names are case-insensitive)', () => {
    const variants = [
      UUID,
      UUID.toUpperCase(),
      'Alice@Example.com',
      'alice@example.com',
      'ALICE@EXAMPLE.COM',
      'aLiCe@example.com',
    ];
    const names = variants.map((id) => databaseNameForUser(id, PREFIX).toLowerCase());
    expect(new Set(names).size).toBe(variants.length);
  });

  it('is stable: the same id always gets the same name', () => {
    expect(databaseNameForUser('user-42', PREFIX)).toBe(databaseNameForUser('user-42', PREFIX));
  });

  it('works with an empty prefix and the longest one, within 63 characters', () => {
    expect(isValidDatabaseName(databaseNameForUser('x', ''))).toBe(true);
    const longest = `a${'b'.repeat(MAX_DATABASE_PREFIX_LENGTH - 1)}`;
    expect(databaseNameForUser('x', longest)).toHaveLength(63);
  });

  it.each(['1app', 'App-', 'a_b', `a${'b'.repeat(MAX_DATABASE_PREFIX_LENGTH)}`, 'system-', 'é'])(
    'refuses the prefix %j',
    (prefix) => {
      let thrown: unknown;
      try {
        checkDatabasePrefix(prefix);
      } catch (error) {
        thrown = error;
      }
      expect(isProvisioningError(thrown)).toBe(true);
    },
  );

  it('recovers a lower-case UUID user id, whatever the case the name comes back in', () => {
    const name = databaseNameForUser(UUID, PREFIX);
    expect(userIdFromDatabaseName(name, PREFIX)).toBe(UUID);
    expect(userIdFromDatabaseName(name.toUpperCase(), PREFIX)).toBe(UUID);
    expect(userIdFromDatabaseName(databaseNameForUser('bob', PREFIX), PREFIX)).toBeUndefined();
  });
});

describe('isValidDatabaseName', () => {
  it.each([
    ['abc', true],
    ['a.b-c9', true],
    ['ab', false],
    ['1ab', false],
    ['a_b', false],
    [`a${'b'.repeat(62)}`, true],
    [`a${'b'.repeat(63)}`, false],
  ])('%j -> %s', (name, valid) => {
    expect(isValidDatabaseName(name)).toBe(valid);
  });
});
