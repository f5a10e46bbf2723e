import { ProvisioningConfigurationError } from './errors.js';
import { instanceNameForUser, userIdFromInstanceName } from './instance-name.js';

// Neo4j database names: 3–63 characters of ASCII letters, digits, dots and dashes, starting
// with a letter, compared case-insensitively. The body is the one instance names use (a
// marker letter, `u` or `h`, then 25 lower-case base-36 characters: a lower-case UUID
// encoded reversibly, any other id hashed to 128 bits), so it is injective over user ids,
// case variants included, and already lower case: case-insensitivity cannot merge two names.
const BODY_LENGTH = 26;
/** Longest prefix that keeps a name within 63 characters. */
export const MAX_DATABASE_PREFIX_LENGTH = 63 - BODY_LENGTH;
const PREFIX = /^([a-z][a-z0-9.-]*)?$/;

/**
 * Neo4j's rule for a database name (case-insensitive, so both cases pass).
 *
 * @example
 * ```ts
 * isValidDatabaseName('u-0f3a'); // true
 * isValidDatabaseName('9lives'); // false: must start with a letter
 * ```
 */
export function isValidDatabaseName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9.-]{2,62}$/.test(name);
}

/**
 * Checks a database name prefix: empty, or a lower-case letter then `a-z`,
 * `0-9`, `.` and `-`, at most 37 characters, not starting with `system`
 * (reserved by Neo4j). Lower case only: an upper-case prefix would let two
 * prefixes name the same database.
 *
 * @example
 * ```ts
 * checkDatabasePrefix('app-'); // 'app-'
 * ```
 */
export function checkDatabasePrefix(prefix: string): string {
  if (
    !PREFIX.test(prefix) ||
    prefix.length > MAX_DATABASE_PREFIX_LENGTH ||
    prefix.startsWith('system')
  ) {
    throw new ProvisioningConfigurationError(
      `Invalid database name prefix "${prefix}": use up to ${MAX_DATABASE_PREFIX_LENGTH} characters of a-z, 0-9, . and -, starting with a letter (not "system")`,
    );
  }
  return prefix;
}

/**
 * The name of a user's database inside a multi-database instance: the prefix,
 * then 26 characters derived from the user id. The same user always gets the
 * same name, so a create whose answer was lost can be found by name; ids that
 * differ, even only in letter case, get different names; every name is valid
 * for Neo4j and already lower case.
 *
 * @example
 * ```ts
 * databaseNameForUser('7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e', 'app-');
 * // 'app-u' + 25 base-36 characters
 * databaseNameForUser('auth0|5f1c2b3a', 'app-'); // 'app-h' + 25 base-36 characters
 * ```
 */
export function databaseNameForUser(userId: string, prefix: string): string {
  checkDatabasePrefix(prefix);
  // Borrow the instance name's body: any valid instance prefix will do, it is cut off.
  return `${prefix}${instanceNameForUser(userId, 'x').slice(1)}`;
}

/**
 * The user id a database name encodes, when it can be recovered: names of
 * lower-case UUID users carrying this prefix (compared case-insensitively).
 * `undefined` for hashed ids and foreign names.
 *
 * @example
 * ```ts
 * userIdFromDatabaseName(databaseNameForUser(uuid, 'app-'), 'app-'); // uuid
 * ```
 */
export function userIdFromDatabaseName(name: string, prefix: string): string | undefined {
  return userIdFromInstanceName(name.toLowerCase(), prefix);
}
