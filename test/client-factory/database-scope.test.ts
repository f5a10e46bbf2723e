import { describe, expect, it } from 'vitest';
import {
  checkDatabaseOption,
  checkStatement,
  queryOf,
} from '../../src/client-factory/database-scope.js';
import { isUserClientError, UserDatabaseScopeError } from '../../src/client-factory/errors.js';

const OWN = 'ap-u0000007oizyxc9ipowcnntkhs';
const scope = { userId: 'user-7', database: OWN };

const refusal = (query: unknown) => {
  try {
    checkStatement(scope, queryOf(scope, query).text);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('USE clauses', () => {
  it.each([
    ['use other MATCH (n) RETURN n', 'other'],
    ['USE other MATCH (n) RETURN n', 'other'],
    ['USE `other` MATCH (n) RETURN n', 'other'],
    ['  // a comment\n  USE other MATCH (n) RETURN n', 'other'],
    ['/* x */USE other RETURN 1', 'other'],
    ['USE system SHOW DATABASES', 'system'],
    ['MATCH (n) CALL { USE other MATCH (m) RETURN m } RETURN n', 'other'],
    [
      'CALL{USE `ap-u0000007other0000000000000`\nMATCH (m) RETURN m} RETURN 1',
      'ap-u0000007other0000000000000',
    ],
    ['CALL () { USE other RETURN 1 AS x } RETURN x', 'other'],
    ['MATCH (n) RETURN n UNION USE other MATCH (n) RETURN n', 'other'],
    ['RETURN 1 AS n UNION ALL USE other RETURN 2 AS n', 'other'],
    ['EXPLAIN USE other MATCH (n) RETURN n', 'other'],
    ['CYPHER 5 runtime=slotted PROFILE USE other MATCH (n) RETURN n', 'other'],
    ['UNWIND [1] AS x CALL { WITH x USE other RETURN x AS y } RETURN y', 'other'],
    ['USE ap-u0000007other0000000000000 RETURN 1', 'ap-u0000007other0000000000000'],
    ['// comment\rUSE other RETURN 1', 'other'],
    ['RETURN 1; USE other RETURN 2', 'other'],
    [`USE ${OWN} CALL { USE other RETURN 1 AS x } RETURN x`, 'other'],
    [{ text: 'USE other RETURN 1', parameters: {} }, 'other'],
  ])('%j is refused', (query, requested) => {
    const error = refusal(query);
    expect(error).toBeInstanceOf(UserDatabaseScopeError);
    expect(error).toMatchObject({
      code: 'database_scope',
      violation: 'use_clause',
      database: OWN,
      requested,
      userId: 'user-7',
    });
    expect(isUserClientError(error, 'database_scope')).toBe(true);
  });

  it.each([
    ['USE $db RETURN 1'],
    ['USE RETURN 1'],
    [`USE ${OWN}(1) RETURN 1`],
    ['USE composite.graph MATCH (n) RETURN n'],
    [`USE ${OWN}.sub RETURN 1`],
    ['USE graph.byName("other") RETURN 1'],
    ['USE (other) RETURN 1'],
  ])('%j (no plain name) is refused', (query) => {
    expect(refusal(query)).toMatchObject({ code: 'database_scope', violation: 'use_clause' });
  });

  it.each([
    [`USE ${OWN} MATCH (n) RETURN n`],
    [`use \`${OWN}\` MATCH (n) RETURN n`],
    [`USE ${OWN.toUpperCase()} RETURN 1`],
    [`CALL { USE ${OWN} RETURN 1 AS x } RETURN x`],
    [`UNWIND [1] AS x CALL { WITH x USE \`${OWN}\` RETURN x AS y } RETURN y`],
    ["MATCH (n) WHERE n.note = 'USE other' RETURN n"],
    ['// USE other\nMATCH (n) RETURN n'],
    ['/* USE other */ MATCH (n) RETURN n'],
    ['MATCH (n:`USE other`) RETURN n'],
    ['RETURN { use: 1 } AS m'],
    ['MATCH (use) RETURN use'],
    ['MATCH (n) RETURN n.use AS use ORDER BY use'],
    ['WITH 1 AS use MATCH (n) WHERE `use` IN [1] RETURN n'],
    ['MATCH (n:Use)-[:USE]->(m) RETURN $use'],
    ['MATCH (n) RETURN n'],
  ])('%j is allowed', (query) => {
    expect(refusal(query)).toBeUndefined();
  });

  it('a variable named use followed by a name is refused (quote it)', () => {
    expect(refusal('WITH 1 AS use MATCH (n) WHERE use IN [1] RETURN n')).toMatchObject({
      violation: 'use_clause',
      requested: 'IN',
    });
  });
});

describe('statements the check cannot read for certain', () => {
  it.each([
    ['USE\u00a0other RETURN 1'],
    ['\u001cUSE other RETURN 1'],
    ['\\u0055SE other MATCH (n) RETURN n'],
    ["RETURN 'a\\u0027 USE other RETURN 1 //'"],
    ['// note\u2028USE other RETURN 1'],
    ['RETURN "unterminated'],
    ['/* unterminated USE other'],
    ['MATCH (caf\u00e9) RETURN 1'],
  ])('%j is refused', (query) => {
    expect(refusal(query)).toMatchObject({
      code: 'database_scope',
      violation: 'unreadable_statement',
      requested: null,
    });
  });

  it('a query that is not a string is refused; a String object is read by its own value', () => {
    const fake = Object.assign(Object.create(String.prototype), { valueOf: () => 'RETURN 1' });
    for (const query of [42, null, fake, { text: 42 }]) {
      expect(refusal(query)).toMatchObject({ violation: 'unreadable_statement' });
    }
    const boxed = Object.assign(new String('USE other RETURN 1'), { valueOf: () => 'RETURN 1' });
    expect(refusal(boxed)).toMatchObject({ violation: 'use_clause', requested: 'other' });
  });
});

describe('administration commands', () => {
  it.each([
    ['SHOW DATABASES'],
    ['show databases yield name'],
    ['SHOW DATABASE other'],
    ['SHOW HOME DATABASE'],
    ['SHOW DEFAULT DATABASE'],
    ['CREATE DATABASE other'],
    ['CREATE OR REPLACE DATABASE other'],
    ['CREATE COMPOSITE DATABASE c'],
    ['DROP DATABASE `ap-u0000007other0000000000000`'],
    ['ALTER DATABASE other SET ACCESS READ ONLY'],
    ['START DATABASE other'],
    ['STOP DATABASE other'],
    ['CREATE ALIAS a FOR DATABASE other'],
    ['SHOW ALIASES'],
    ['CREATE USER bob SET PASSWORD $p'],
    ['ALTER CURRENT USER SET PASSWORD FROM $a TO $b'],
    ['SHOW USERS'],
    ['SHOW CURRENT USER'],
    ['SHOW ROLES'],
    ['SHOW PRIVILEGES'],
    ['GRANT ACCESS ON DATABASE other TO r'],
    ['DENY ACCESS ON DATABASE other TO r'],
    ['REVOKE ROLE r FROM bob'],
    ['SHOW TRANSACTIONS'],
    ['TERMINATE TRANSACTIONS "neo4j-transaction-1"'],
    ['SHOW SERVERS'],
    ['EXPLAIN SHOW DATABASES'],
    ['CALL { SHOW DATABASES YIELD name RETURN name } RETURN name'],
    [`USE ${OWN} SHOW DATABASES`],
  ])('%j is refused', (query) => {
    expect(refusal(query)).toMatchObject({
      code: 'database_scope',
      violation: 'administration_command',
      requested: null,
    });
  });

  it.each([
    ['SHOW INDEXES'],
    ['SHOW CONSTRAINTS'],
    ['SHOW PROCEDURES'],
    ['SHOW USER DEFINED FUNCTIONS'],
    ['SHOW ALL FUNCTIONS'],
    ['CREATE INDEX user_name FOR (u:User) ON (u.name)'],
    ['CREATE CONSTRAINT user FOR (u:User) REQUIRE u.id IS UNIQUE'],
    ['CREATE (d:Database {name: "other"})'],
    ["MATCH (u:User) WHERE u.role = 'DROP DATABASE' RETURN u"],
  ])('%j is allowed', (query) => {
    expect(refusal(query)).toBeUndefined();
  });
});

describe('database options', () => {
  it('allow the own database (any case), undefined and null', () => {
    for (const value of [OWN, OWN.toUpperCase(), undefined, null]) {
      expect(() => checkDatabaseOption(scope, value)).not.toThrow();
    }
  });

  it.each([['other'], ['system'], ['neo4j'], [''], [42]])('refuse %j', (value) => {
    expect(() => checkDatabaseOption(scope, value)).toThrow(UserDatabaseScopeError);
    try {
      checkDatabaseOption(scope, value);
    } catch (error) {
      expect((error as UserDatabaseScopeError).toJSON()).toEqual({
        name: 'UserDatabaseScopeError',
        code: 'database_scope',
        message: expect.stringContaining(`reaches database "${OWN}" only`),
        userId: 'user-7',
        database: OWN,
        requested: typeof value === 'string' ? value : null,
        violation: 'database_option',
        reason: null,
      });
    }
  });

  it('escapes control characters and shortens long names in the error', () => {
    const error = new UserDatabaseScopeError('u', OWN, 'database_option', `a\nb${'x'.repeat(200)}`);
    expect(error.requested).toMatch(/^a\\x0ab/);
    expect(error.requested?.length).toBe(100);
    expect(error.message).not.toContain('\n');
  });
});
