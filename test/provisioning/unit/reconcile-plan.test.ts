import { describe, expect, it } from 'vitest';
import {
  type HostedDatabases,
  noteHostedDatabase,
  orphanDatabasesOf,
  orphanOutcome,
  planReconcile,
  planRecord,
} from '../../../src/provisioning/reconcile-plan.js';
import { instanceNameForUser } from '../../../src/records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../../../src/records/record.js';

/** `n` UUID user ids (their instance names encode them reversibly). */
const uuids = (n: number, seed = 1) =>
  Array.from(
    { length: n },
    (_, i) => `${(seed * 1000 + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  );

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

  it('deletes under delete, whoever the name encodes', () => {
    expect(orphanOutcome(name, 'delete', 'ap-', new Set([a]))).toEqual({
      userId: a,
      action: 'deleted',
    });
  });

  it('lets the claim decide when no records are given (the real run)', () => {
    expect(orphanOutcome(name, 'adopt', 'ap-')).toEqual({ userId: a, action: 'adopted' });
  });

  it('reports a hashed name: its user cannot be recovered', () => {
    const hashed = instanceNameForUser('someone@example.com', 'ap-');
    expect(orphanOutcome(hashed, 'adopt', 'ap-', new Set())).toEqual({
      userId: undefined,
      action: 'reported',
    });
  });
});

describe('orphanDatabasesOf', () => {
  it('finds the databases of our making on a host that no hosted record owns', () => {
    const hosted: HostedDatabases = new Map();
    const onHost = (userId: string) => ({
      status: 'ready' as const,
      instanceId: 'host-1',
      databaseName: instanceNameForUser(userId, 'ap-').toUpperCase(),
    });
    noteHostedDatabase(hosted, record(a, onHost(a)));
    // An instance of its own (with its password) owns no database on a host.
    noteHostedDatabase(hosted, record(b, { ...onHost(b), encryptedPassword: 'v1:k1:x' }));
    const databases = [
      { id: 'd0', name: 'neo4j' },
      { id: 'd1', name: instanceNameForUser(a, 'ap-') },
      { id: 'd2', name: instanceNameForUser(b, 'ap-') },
      { id: 'd3', name: 'analytics' },
      { id: 'd4' },
    ];
    const orphans = orphanDatabasesOf(databases, hosted.get('host-1') ?? new Set(), 'ap-');
    expect(orphans.map((db) => db.id)).toEqual(['d2']);
  });
});
