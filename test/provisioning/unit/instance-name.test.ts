import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../../src/records/errors.js';
import {
  checkPrefix,
  instanceNameForUser,
  isOwnInstanceName,
  userIdFromInstanceName,
} from '../../../src/records/instance-name.js';

const PREFIX = 'ap-';
const UUID = '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e';

const awkwardIds = [
  '',
  'x',
  'user@example.com',
  'a'.repeat(10_000),
  ' leading and trailing ',
  '\t\n',
  'Zürich-Ünïcödé',
  '用户-一二三四五六七八九十',
  '🦄🔥👩‍👩‍👧‍👦',
  'auth0|5f1c2b3a4d5e6f7081920a1b',
  `${UUID}-suffix`,
  UUID.replace(/-/g, ''),
];

describe('instanceNameForUser', () => {
  it('pins a UUID user name: a changed derivation would orphan every existing instance', () => {
    expect(instanceNameForUser(UUID, PREFIX)).toBe('ap-u7a905u4j96vvhkp59uxpizp0e');
  });

  it('pins a non-UUID user name: a changed derivation would orphan every existing instance', () => {
    expect(instanceNameForUser('user@example.com', PREFIX)).toBe('ap-h7nikwnhl4l547th4ohxw7vl5f');
  });

  it('stays within 30 characters of a-z, 0-9 and - for any user id and the longest prefix', () => {
    const ids = [...awkwardIds, ...Array.from({ length: 200 }, () => randomUUID())];
    for (const prefix of ['ap-', 'x', 'abcd']) {
      for (const id of ids) {
        const name = instanceNameForUser(id, prefix);
        expect(name.length).toBeLessThanOrEqual(30);
        expect(name).toMatch(/^[a-z0-9-]+$/);
        expect(name).toBe(name.trim());
        expect(name.startsWith(prefix)).toBe(true);
      }
    }
    expect(instanceNameForUser('ffffffff-ffff-ffff-ffff-ffffffffffff', 'abcd')).toHaveLength(30);
  });

  it('is deterministic', () => {
    for (const id of [...awkwardIds, randomUUID()]) {
      expect(instanceNameForUser(id, PREFIX)).toBe(instanceNameForUser(id, PREFIX));
    }
  });

  it('gives 10,000 random ids 10,000 different names', () => {
    const uuids = Array.from({ length: 5_000 }, () => randomUUID());
    const others = Array.from({ length: 5_000 }, (_, i) => `user-${i}-${Math.random()}`);
    const names = new Set([...uuids, ...others].map((id) => instanceNameForUser(id, PREFIX)));
    expect(names.size).toBe(10_000);
  });

  it('gives near-identical ids different names', () => {
    const ids = ['user', 'user ', ' user', 'User', 'user1', 'user2', 'usér', ...awkwardIds];
    const names = new Set(ids.map((id) => instanceNameForUser(id, PREFIX)));
    expect(names.size).toBe(new Set(ids).size);
  });

  it('refuses an invalid prefix', () => {
    let caught: unknown;
    try {
      instanceNameForUser(UUID, 'AP-');
    } catch (error) {
      caught = error;
    }
    expect(isProvisioningError(caught, 'invalid_configuration')).toBe(true);
  });
});

describe('userIdFromInstanceName', () => {
  it('recovers random UUID user ids', () => {
    for (let i = 0; i < 500; i++) {
      const id = randomUUID();
      expect(userIdFromInstanceName(instanceNameForUser(id, PREFIX), PREFIX)).toBe(id);
    }
  });

  it('recovers the extremes of the UUID range', () => {
    for (const id of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ]) {
      expect(userIdFromInstanceName(instanceNameForUser(id, 'x'), 'x')).toBe(id);
    }
  });

  it('gives ids that differ only in letter case different names (an upper-case UUID is hashed)', () => {
    const mixed = `${UUID.slice(0, 9).toUpperCase()}${UUID.slice(9)}`;
    const names = [UUID, UUID.toUpperCase(), mixed].map((id) => instanceNameForUser(id, PREFIX));
    expect(new Set(names).size).toBe(3);
    expect(userIdFromInstanceName(names[0] as string, PREFIX)).toBe(UUID);
    expect(userIdFromInstanceName(names[1] as string, PREFIX)).toBe(undefined);
  });

  it('gives undefined for hashed ids', () => {
    expect(userIdFromInstanceName(instanceNameForUser('user@example.com', PREFIX), PREFIX)).toBe(
      undefined,
    );
  });

  it.each([
    ['another prefix', 'zz-u7a905u4j96vvhkp59uxpizp0e'],
    ['the prefix of another tenant', 'ap-u7a905u4j96vvhkp59uxpizp0e'.replace('ap-', 'ap2')],
    ['one character short', 'ap-u7a905u4j96vvhkp59uxpizp0'],
    ['one character long', 'ap-u7a905u4j96vvhkp59uxpizp0ee'],
    ['upper case', 'ap-u7A905U4J96VVHKP59UXPIZP0E'],
    ['a bad character', 'ap-u7a905u4j96vvhkp59uxpizp_e'],
    ['a space', 'ap-u7a905u4j96vvhkp59uxpiz e'],
    ['more than 128 bits', `ap-u${'z'.repeat(25)}`],
    ['an unrelated name', 'production-db'],
    ['nothing', ''],
  ])('gives undefined for a name with %s', (_, name) => {
    expect(userIdFromInstanceName(name, PREFIX)).toBe(undefined);
  });
});

describe('isOwnInstanceName', () => {
  it('accepts both kinds of names this prefix produces', () => {
    expect(isOwnInstanceName(instanceNameForUser(UUID, PREFIX), PREFIX)).toBe(true);
    expect(isOwnInstanceName(instanceNameForUser('user@example.com', PREFIX), PREFIX)).toBe(true);
    for (const id of awkwardIds) {
      expect(isOwnInstanceName(instanceNameForUser(id, 'abcd'), 'abcd')).toBe(true);
    }
  });

  it.each([
    ['another prefix', 'zz-u7a905u4j96vvhkp59uxpizp0e'],
    ['a longer prefix that starts the same', instanceNameForUser(UUID, 'ap-x')],
    ['a shorter prefix that starts the same', instanceNameForUser(UUID, 'ap')],
    ['an unknown marker', 'ap-x7a905u4j96vvhkp59uxpizp0e'],
    ['one character short', 'ap-h7nikwnhl4l547th4ohxw7vl5'],
    ['one character long', 'ap-h7nikwnhl4l547th4ohxw7vl5ff'],
    ['upper case', 'ap-h7NIKWNHL4L547TH4OHXW7VL5F'],
    ['a bad character', 'ap-h7nikwnhl4l547th4ohxw7vl.f'],
    ['a space', 'ap-h7nikwnhl4l547th4ohxw7v 5f'],
    ['an unrelated name', 'production-db'],
    ['nothing', ''],
  ])('refuses a name with %s', (_, name) => {
    expect(isOwnInstanceName(name, PREFIX)).toBe(false);
  });
});

describe('checkPrefix', () => {
  it.each(['', 'abcde', 'AP-', 'Ap', 'a b', ' ap', 'ap_', 'é'])('rejects %j', (prefix) => {
    let caught: unknown;
    try {
      checkPrefix(prefix);
    } catch (error) {
      caught = error;
    }
    expect(isProvisioningError(caught, 'invalid_configuration')).toBe(true);
    expect((caught as Error).message).toContain('prefix');
  });

  it.each(['ap-', 'x', 'ab12', '-', 'abcd', '0'])('accepts %j and returns it', (prefix) => {
    expect(checkPrefix(prefix)).toBe(prefix);
  });
});
