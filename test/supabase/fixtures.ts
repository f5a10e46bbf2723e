import { expect } from 'vitest';
import {
  type NewUserDatabaseRecord,
  newRecord as pendingRecord,
} from '../../src/records/record.js';
import type { PostgrestMock } from '../support/postgrest-mock.js';

/** A record to claim: `pending`, nothing known yet, `fields` on top. */
export const newRecord = (userId: string, fields: Partial<NewUserDatabaseRecord> = {}) =>
  pendingRecord(userId, `aura-${userId}`, fields);

/**
 * User ids that break a filter string unless quoted (comma, parentheses,
 * quote, backslash, dot, colon, space, plus), and ones whose order depends
 * on the collation (case, underscore).
 */
export const AWKWARD_IDS = [
  'a',
  'B',
  '_',
  'a,b',
  'p(a)r',
  'x)',
  'q"t',
  'b\\s',
  'd.o.t',
  'c:o',
  's p',
  '1+1',
  'é',
  'z',
];

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { operation?: string; userId?: string; code?: string }> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) expect.fail(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

/** Everything an operator could see of an error. */
export const visible = (error: Error) =>
  `${error.message}\n${JSON.stringify(error)}\n${String(error)}`;

/** The requests `mock` got so far, as `METHOD table?params` with the Prefer header, then forgotten. */
export const sentRequests = (mock: PostgrestMock) =>
  mock.requests.splice(0).map((r) => ({
    request: `${r.method} ${r.table}?${r.params.map(([k, v]) => `${k}=${v}`).join('&')}`,
    prefer: r.prefer,
    profile: r.profile,
    body: r.body,
  }));
