import { describe, expect, it } from 'vitest';
import { planRecord } from '../../../src/provisioning/reconcile-plan.js';
import { instanceNameForUser } from '../../../src/records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../../../src/records/record.js';

/** `n` UUID user ids (their instance names encode them reversibly). */
const uuids = (n: number, seed = 1) =>
  Array.from(
    { length: n },
    (_, i) => `${(seed * 1000 + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  );

const NOW = Date.UTC(2026, 0, 1);
const [a, b, c, f] = uuids(4, 9) as [string, string, string, string];

const record = (userId: string, fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  ...newRecord(userId, instanceNameForUser(userId, 'ap-')),
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
  lastUsedAt: null,
  ...fields,
});

describe('planRecord', () => {
  const context = { now: NOW, retryFailed: true };

  it('resumes pending and deleting records at their due time, or now if it has passed', () => {
    expect(planRecord(record(a, { status: 'pending', nextCheckAt: NOW + 5 }), context)).toEqual({
      kind: 'resume',
      at: NOW + 5,
      priority: 'normal',
      plannedRead: false,
    });
    expect(planRecord(record(a, { status: 'deleting', nextCheckAt: NOW - 5 }), context)).toEqual({
      kind: 'resume',
      at: NOW,
      priority: 'normal',
      plannedRead: false,
    });
  });

  it('resumes a creating record at its planned read, in the high lane, as after a read', () => {
    const creating = record(b, { status: 'creating', instanceId: 'i-b', nextCheckAt: NOW - 5 });
    expect(planRecord(creating, context)).toEqual({
      kind: 'resume',
      at: NOW - 5,
      priority: 'high',
      plannedRead: true,
    });
    expect(planRecord({ ...creating, nextCheckAt: null }, context)).toEqual({
      kind: 'resume',
      at: NOW,
      priority: 'high',
      plannedRead: false,
    });
  });

  it('retries a failed record only when its retry is due and retries are on', () => {
    const due = record(c, { status: 'failed', nextCheckAt: NOW });
    expect(planRecord(due, context)).toEqual({ kind: 'retry' });
    expect(planRecord(due, { ...context, retryFailed: false })).toEqual({ kind: 'none' });
    expect(planRecord({ ...due, nextCheckAt: NOW + 1 }, context)).toEqual({ kind: 'none' });
    expect(planRecord({ ...due, nextCheckAt: null }, context)).toEqual({ kind: 'none' });
    expect(planRecord(record(f, { status: 'ready' }), context)).toEqual({ kind: 'none' });
  });
});
