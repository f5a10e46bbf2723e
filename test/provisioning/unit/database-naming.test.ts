import { describe, expect, it } from 'vitest';
import { AuraApiError } from '../../../src/aura/errors/http.js';
import {
  isDatabaseOnline,
  isLimitRefusal,
  settleLostCreate,
  UNKNOWN_HOST,
} from '../../../src/provisioning/database/database-naming.js';
import { newRecord, type UserDatabaseRecord } from '../../../src/records/record.js';

const NOW = Date.UTC(2026, 0, 1);
const placed = (user: string, databaseName: string, fields: Partial<UserDatabaseRecord> = {}) => ({
  ...newRecord(user, `ap-x${user}`, { placement: 'database-per-user' }),
  status: 'creating' as const,
  instanceId: 'h1',
  connectionUrl: 'neo4j+s://h1.databases.neo4j.io',
  username: 'neo4j',
  databaseName,
  createRequestedAt: NOW,
  version: 2,
  createdAt: NOW,
  updatedAt: NOW,
  lastUsedAt: null,
  ...fields,
});
const wish = (n: number) => `ap-u${String(n).padStart(25, '0')}`;
const context = {
  prefix: 'ap-',
  host: { defaultDatabaseIds: ['d0'], readyAt: NOW - 3_600_000 },
  firstSeen: () => undefined,
};

describe('settleLostCreate', () => {
  const me = placed('me', wish(1));
  const neighbour = placed('other', '293fd870', { status: 'ready' });

  it('sends again when nothing unowned is there (nothing was made)', () => {
    const listing = [
      { id: 'd0', name: 'neo4j' },
      { id: 'd1', name: '293fd870' },
    ];
    expect(settleLostCreate(me, listing, [me, neighbour], context)).toEqual({ kind: 'resend' });
  });

  it('adopts the one fresh database no record owns when this user alone is waiting', () => {
    const listing = [
      { id: 'd0', name: 'neo4j' },
      { id: 'd1', name: '293fd870' },
      { id: 'd2', name: 'a1b2c3d4', createdAt: new Date(NOW + 1_000).toISOString() },
    ];
    expect(settleLostCreate(me, listing, [me, neighbour], context)).toEqual({
      kind: 'adopt',
      databaseId: 'd2',
      databaseName: 'a1b2c3d4',
      fence: [],
    });
  });

  it("never adopts the host's default database, whatever its name, nor one that may be it", () => {
    const listing = [{ id: 'dflt', name: 'c9d0e1f2' }];
    const known = { ...context, host: { defaultDatabaseIds: ['dflt'], readyAt: NOW - 1 } };
    expect(settleLostCreate(me, listing, [me], known)).toEqual({ kind: 'resend' });
    // A host that stores no default: nothing proves this one is not it.
    expect(settleLostCreate(me, listing, [me], { ...context, host: UNKNOWN_HOST })).toEqual({
      kind: 'resend',
    });
    // Unless Aura's created_at shows it was made after the host became ready.
    const later = [{ ...listing[0], id: 'later', createdAt: new Date(NOW + 1_000).toISOString() }];
    const legacy = { ...context, host: { defaultDatabaseIds: null, readyAt: NOW - 3_600_000 } };
    expect(settleLostCreate(me, later, [me], legacy)).toMatchObject({
      kind: 'adopt',
      databaseId: 'later',
    });
  });

  it('owns by the id Aura answered: a database whose id a record holds is never adopted', () => {
    const answered = placed('answered', wish(5), { databaseId: 'd2' });
    const listing = [
      { id: 'd2', name: 'a1b2c3d4', createdAt: new Date(NOW + 1_000).toISOString() },
    ];
    expect(settleLostCreate(me, listing, [me, answered], context)).toEqual({ kind: 'resend' });
  });

  it('matches several unanswered creates to as many unowned databases, oldest first, fencing the others', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    const first = placed('first', wish(6), { createRequestedAt: NOW - 2_000 });
    const later = placed('later', wish(7), { createRequestedAt: NOW + 2_000 });
    const listing = [
      { id: 'd8', name: 'c0ffee00', createdAt: at(2_500) },
      { id: 'd7', name: 'b0b0b0b0', createdAt: at(500) },
      { id: 'd6', name: 'a0a0a0a0', createdAt: at(-1_500) },
    ];
    const onHost = [later, me, first];
    const settle = (record: UserDatabaseRecord) =>
      settleLostCreate(record, listing, onHost, context);
    expect(settle(first)).toMatchObject({ kind: 'adopt', databaseId: 'd6' });
    expect(settle(me)).toMatchObject({ kind: 'adopt', databaseId: 'd7' });
    const last = settle(later);
    expect(last).toMatchObject({ kind: 'adopt', databaseId: 'd8' });
    expect(last.kind === 'adopt' && last.fence.map((r) => r.userId)).toEqual(['first', 'me']);
  });

  it('waits, creating nothing, when no unowned database is left for it', () => {
    const listing = [{ id: 'd2', name: 'a1b2c3d4' }];
    const older = placed('two', wish(2), { createRequestedAt: NOW - 1_000 });
    expect(settleLostCreate(me, listing, [me, older], context)).toEqual({ kind: 'wait' });
    const old = [
      { id: 'd2', name: 'analytics', createdAt: new Date(NOW - 3_600_000).toISOString() },
    ];
    expect(settleLostCreate(me, old, [me], context)).toEqual({ kind: 'wait' });
    const seenLongAgo = { ...context, firstSeen: () => NOW - 3_600_000 };
    expect(settleLostCreate(me, listing, [me], seenLongAgo)).toEqual({ kind: 'wait' });
  });

  it('never adopts where the host shows Aura honours asked-for names: it sends again', () => {
    const named = placed('named', wish(4), { status: 'ready' });
    const listing = [
      { id: 'd4', name: wish(4) },
      { id: 'd9', name: 'analytics', createdAt: new Date(NOW + 1_000).toISOString() },
    ];
    expect(settleLostCreate(me, listing, [me, named], context)).toEqual({ kind: 'resend' });
  });

  it("never takes another user's asked-for name", () => {
    expect(settleLostCreate(me, [{ id: 'd3', name: wish(3) }], [me], context)).toEqual({
      kind: 'resend',
    });
  });
});

describe('isLimitRefusal and isDatabaseOnline', () => {
  const error = (status: number, reason: string, message: string) =>
    new AuraApiError({
      status,
      request: {
        method: 'POST',
        path: '/v2beta1/organizations/o/projects/p/instances/h/databases',
      },
      body: { message, errors: [{ message, reason }] },
    });

  it('counts a 402, and a 400 or 422 that speaks of a limit', () => {
    expect(isLimitRefusal(error(402, 'quota-exceeded', 'Quota exceeded'))).toBe(true);
    expect(isLimitRefusal(error(400, 'database-limit-reached', 'full'))).toBe(true);
    expect(isLimitRefusal(error(422, 'unprocessable', 'holds at most 4 databases'))).toBe(true);
    expect(isLimitRefusal(error(400, 'invalid-request', 'name is invalid'))).toBe(false);
    expect(isLimitRefusal(new Error('limit'))).toBe(false);
  });

  it('reads online and RUNNING as online, CREATING and others as not yet', () => {
    expect(isDatabaseOnline({ status: 'online' })).toBe(true);
    expect(isDatabaseOnline({ status: 'RUNNING' })).toBe(true);
    expect(isDatabaseOnline({ status: undefined })).toBe(true);
    expect(isDatabaseOnline({ status: 'CREATING' })).toBe(false);
    expect(isDatabaseOnline({ status: 'SUSPENDED' })).toBe(false);
  });
});
