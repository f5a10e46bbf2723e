import { describe, expect, it } from 'vitest';
import { orphanOutcome, planReconcile } from '../../src/cli/reconcile-plan.js';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../../src/records/record.js';
import { uuids } from './harness.js';

const NOW = Date.UTC(2026, 0, 1);
const [a, b, c, d, e, f] = uuids(6, 9) as [string, string, string, string, string, string];

const record = (userId: string, fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  ...newRecord(userId, instanceNameForUser(userId, 'ap-')),
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
  ...fields,
});
const summary = (id: string, name: string) => ({
  id,
  name,
  tenantId: 't',
  cloudProvider: 'gcp',
});

describe('planReconcile', () => {
  const records = [
    record(a, { status: 'pending', nextCheckAt: NOW + 60_000 }),
    record(b, { status: 'creating', instanceId: 'i-b' }),
    record(c, { status: 'failed', nextCheckAt: NOW - 1, lastError: 'instance-limit' }),
    record(d, { status: 'failed', nextCheckAt: NOW + 1, lastError: 'instance-limit' }),
    record(e, { status: 'failed', nextCheckAt: null, lastError: 'invalid-request' }),
    record(f, { status: 'ready', instanceId: 'i-f' }),
  ];

  it('resumes waiting records and retries only failed records whose retry is due', () => {
    const plan = planReconcile(records, [], { now: NOW, prefix: 'ap-', retryFailed: true });
    expect(plan.resume).toEqual([
      { userId: a, status: 'pending' },
      { userId: b, status: 'creating' },
    ]);
    expect(plan.retry).toEqual([{ userId: c, lastError: 'instance-limit' }]);
    expect(
      planReconcile(records, [], { now: NOW, prefix: 'ap-', retryFailed: false }).retry,
    ).toEqual([]);
  });

  it('finds instances with our prefix that no record owns by id or by name', () => {
    const [lost] = uuids(1, 10) as [string];
    const instances = [
      summary('i-b', 'renamed-by-hand'), // owned by id
      summary('i-x', instanceNameForUser(a, 'ap-')), // owned by name (a create in flight)
      summary('i-lost', instanceNameForUser(lost, 'ap-')),
      summary('i-other', 'ap-not-our-shape'),
      summary('i-foreign', instanceNameForUser(lost, 'zz-')),
    ];
    const plan = planReconcile(records, instances, { now: NOW, prefix: 'ap-', retryFailed: true });
    expect(plan.candidates).toEqual([
      { instanceId: 'i-lost', instanceName: instanceNameForUser(lost, 'ap-') },
    ]);
  });
});

describe('orphanOutcome', () => {
  const name = instanceNameForUser(a, 'ap-');

  it('adopts only under adopt, for a UUID user without a record', () => {
    expect(orphanOutcome(name, 'adopt', 'ap-', new Set())).toEqual({
      userId: a,
      action: 'adopted',
    });
    expect(orphanOutcome(name, 'report', 'ap-', new Set())).toEqual({
      userId: a,
      action: 'reported',
    });
    expect(orphanOutcome(name, 'adopt', 'ap-', new Set([a]))).toEqual({
      userId: a,
      action: 'reported',
    });
  });

  it('reports a hashed name: its user cannot be recovered', () => {
    const hashed = instanceNameForUser('someone@example.com', 'ap-');
    expect(orphanOutcome(hashed, 'adopt', 'ap-', new Set())).toEqual({
      userId: undefined,
      action: 'reported',
    });
  });
});
