import { describe, expect, it } from 'vitest';
import {
  judgeSnapshot,
  type OwnershipContext,
  type Snapshot,
} from '../../../src/provisioning/ownership.js';
import { databaseNameForUser } from '../../../src/records/database-name.js';
import { newHostRecord } from '../../../src/records/host-record.js';
import { deploymentTag, instanceNameForUser } from '../../../src/records/instance-name.js';
import { newRecord, type UserDatabaseRecord } from '../../../src/records/record.js';

const NOW = Date.UTC(2026, 0, 1);
const GRACE = 600_000;
const OLD = new Date(NOW - GRACE - 60_000).toISOString();
const FRESH = new Date(NOW - 5_000).toISOString();
const TAG = deploymentTag('prod');
const OTHER = deploymentTag('staging');
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const name = (n: number, tag = TAG) => instanceNameForUser(uuid(n), 'ap-', tag);
const untagged = (n: number) => instanceNameForUser(uuid(n), 'ap-');

const record = (n: number, fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  ...newRecord(uuid(n), name(n)),
  version: 1,
  createdAt: NOW - 3_600_000,
  updatedAt: NOW - 3_600_000,
  lastUsedAt: null,
  ...fields,
});

const snapshot = (fields: Partial<Snapshot>): Snapshot => ({
  takenAt: NOW,
  instances: [],
  hosts: [],
  databases: new Map(),
  records: [],
  consistent: true,
  ...fields,
});

const context: OwnershipContext = { prefix: 'ap-', names: { tag: TAG }, graceMs: GRACE, now: NOW };
const kinds = (judged: ReturnType<typeof judgeSnapshot>) =>
  Object.fromEntries(judged.unownedInstances.map((i) => [i.instanceId, i.kind]));

describe('judgeSnapshot: instances', () => {
  it('owns by id, and by name only while the create is unsettled', () => {
    const judged = judgeSnapshot(
      snapshot({
        records: [
          record(1, { status: 'ready', instanceId: 'i-1' }),
          record(2, { status: 'pending' }),
        ],
        instances: [
          { id: 'i-1', name: 'renamed-by-hand', createdAt: OLD },
          { id: 'i-2', name: name(2), createdAt: OLD },
          { id: 'i-1b', name: name(1), createdAt: OLD },
        ],
      }),
      context,
    );
    expect(kinds(judged)).toEqual({ 'i-1b': 'duplicate' });
    expect(judged.unownedInstances[0]?.userId).toBe(uuid(1));
  });

  it('tells orphans, young ones, foreign and unproven names apart', () => {
    const judged = judgeSnapshot(
      snapshot({
        instances: [
          { id: 'orphan', name: name(3), createdAt: OLD },
          { id: 'young', name: name(4), createdAt: FRESH },
          { id: 'no-age', name: name(5) },
          { id: 'foreign', name: name(6, OTHER), createdAt: OLD },
          { id: 'untagged', name: untagged(7), createdAt: OLD },
          { id: 'host', name: 'ap-host-0001', createdAt: OLD },
          { id: 'other', name: 'ap-analytics', createdAt: OLD },
          { id: 'not-ours', name: 'zz-anything', createdAt: OLD },
        ],
      }),
      context,
    );
    expect(kinds(judged)).toEqual({
      orphan: 'orphan',
      young: 'young',
      'no-age': 'young',
      foreign: 'foreign',
      untagged: 'unproven',
    });
    expect(judged.counts).toEqual({ owned: 0, hosts: 1, other: 1 });
  });

  it('takes untagged names for ours only where the prefix is declared ours alone', () => {
    const instances = [
      { id: 'untagged', name: untagged(7), createdAt: OLD },
      { id: 'tagged', name: name(8), createdAt: OLD },
    ];
    const exclusive = judgeSnapshot(snapshot({ instances }), {
      ...context,
      names: { exclusivePrefix: true },
    });
    expect(kinds(exclusive)).toEqual({ untagged: 'orphan', tagged: 'foreign' });
    const unknown = judgeSnapshot(snapshot({ instances }), {
      ...context,
      names: { unknown: true },
    });
    expect(kinds(unknown)).toEqual({ untagged: 'unproven', tagged: 'foreign' });
  });

  it('proves nothing unowned on a read the store did not keep in order', () => {
    const judged = judgeSnapshot(
      snapshot({ consistent: false, instances: [{ id: 'o', name: name(3), createdAt: OLD }] }),
      context,
    );
    expect(kinds(judged)).toEqual({ o: 'unproven' });
  });

  it('finds ready users whose instance Aura did not list, if they were ready before the listing', () => {
    const judged = judgeSnapshot(
      snapshot({
        records: [
          record(1, { status: 'ready', instanceId: 'gone', readyAt: NOW - 1 }),
          record(2, { status: 'ready', instanceId: 'later', readyAt: NOW + 1 }),
          record(3, { status: 'creating', instanceId: 'starting' }),
          record(4, { status: 'ready', instanceId: 'here', readyAt: NOW - 1 }),
        ],
        instances: [{ id: 'here', name: name(4), createdAt: OLD }],
      }),
      context,
    );
    expect(judged.lost).toEqual([{ userId: uuid(1), instanceId: 'gone' }]);
  });
});

describe('judgeSnapshot: hosts', () => {
  const host = {
    ...newHostRecord('ap-host-0001', 10, { status: 'ready', instanceId: 'h1', used: 4 }),
    version: 1,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
  };
  const dbName = (n: number) => databaseNameForUser(uuid(n), 'ap-');
  const hosted = (n: number, fields: Partial<UserDatabaseRecord> = {}) =>
    record(n, {
      status: 'ready',
      instanceId: 'h1',
      databaseName: dbName(n),
      readyAt: NOW - 1,
      ...fields,
    });

  it('finds a gone host and every user on it', () => {
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', 'gone']]),
        records: [hosted(1), hosted(2, { status: 'creating', readyAt: null })],
      }),
      context,
    );
    expect(judged.goneHosts.map((h) => h.hostName)).toEqual(['ap-host-0001']);
    expect(judged.lost.map((l) => [l.userId, l.hostGone])).toEqual([
      [uuid(1), true],
      [uuid(2), true],
    ]);
  });

  it('judges the databases on a host: owned, lost, duplicate, young without an age, old once seen long ago', () => {
    const listing = [
      { id: 'd0', name: 'neo4j' },
      { id: 'd1', name: dbName(1).toUpperCase() },
      { id: 'd3', name: dbName(3) },
      { id: 'd4', name: dbName(4) },
      { id: 'dx', name: 'analytics' },
    ];
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', listing]]),
        records: [hosted(1), hosted(2), hosted(3, { instanceId: 'h2' })],
      }),
      { ...context, firstSeen: new Map([['h1/d4', NOW - GRACE - 1]]) },
    );
    expect(judged.lost).toEqual([{ userId: uuid(2), instanceId: 'h1', databaseName: dbName(2) }]);
    expect(judged.unownedDatabases.map((d) => [d.databaseId, d.kind])).toEqual([
      ['d3', 'young'],
      ['d4', 'orphan'],
    ]);
    expect(judged.unaged).toEqual(['h1/d3', 'h1/d4']);
    // neo4j, users 1 and 2 (placed, not listed), d3, d4, analytics: 6 slots taken.
    expect(judged.slots.get('h1')).toBe(6);
  });

  it('calls an old database a duplicate when a record names it on another host', () => {
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', [{ id: 'd3', name: dbName(3), createdAt: OLD }]]]),
        records: [hosted(3, { instanceId: 'h2' })],
      }),
      context,
    );
    expect(judged.unownedDatabases).toMatchObject([
      { databaseId: 'd3', kind: 'duplicate', userId: uuid(3) },
    ]);
  });
});
