import { describe, expect, it } from 'vitest';
import { judgeHosts } from '../../../src/provisioning/database/host-judgement.js';
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

const context: OwnershipContext = {
  prefix: 'ap-',
  names: { tag: TAG },
  graceMs: GRACE,
  now: NOW,
  judgeHosts,
};
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
    ...newHostRecord('ap-host-0001', 10, {
      status: 'ready',
      instanceId: 'h1',
      used: 4,
      defaultDatabaseIds: ['d0'],
      readyAt: NOW - 3_600_000,
    }),
    version: 1,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
  };
  const dbName = (n: number) => databaseNameForUser(uuid(n), 'ap-');
  const hosted = (n: number, fields: Partial<UserDatabaseRecord> = {}) =>
    record(n, {
      status: 'ready',
      placement: 'database-per-user',
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

  it('owns a database by the id Aura answered first, whatever its name, then by name', () => {
    const listing = [
      { id: 'd0', name: 'neo4j' },
      // Aura named user 1's database itself; its record holds the id, with the asked-for name.
      { id: 'd1', name: '293fd870', createdAt: OLD },
      // A database under user 1's asked-for name is not theirs: their id names another.
      { id: 'd9', name: dbName(1), createdAt: OLD },
      { id: 'd2', name: dbName(2), createdAt: OLD },
    ];
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', listing]]),
        records: [hosted(1, { databaseId: 'd1' }), hosted(2), hosted(3, { databaseId: 'd3' })],
      }),
      context,
    );
    expect(judged.unownedDatabases.map((d) => [d.databaseId, d.kind, d.userId])).toEqual([
      ['d9', 'duplicate', uuid(1)],
    ]);
    // User 3's database (by id) is not listed: lost, named by its id.
    expect(judged.lost).toEqual([
      { userId: uuid(3), instanceId: 'h1', databaseName: dbName(3), databaseId: 'd3' },
    ]);
    // neo4j, d1, d9, d2 listed, and user 3's database counted until it is healed.
    expect(judged.slots.get('h1')).toBe(5);
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
      ['dx', 'young'],
    ]);
    expect(judged.unaged).toEqual(['h1/d3', 'h1/d4', 'h1/dx']);
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

  it('judges databases Aura named on our host: orphan when old, never neo4j or system or what a record names', () => {
    const listing = [
      { id: 'd0', name: 'neo4j', createdAt: OLD },
      { id: 'ds', name: 'system', createdAt: OLD },
      { id: 'd1', name: '293fd870', createdAt: OLD },
      { id: 'd2', createdAt: OLD },
      { id: 'old', name: 'a1b2c3d4', createdAt: OLD },
      { id: 'fresh', name: 'e5f6a7b8', createdAt: FRESH },
      { id: 'no-age', name: 'c9d0e1f2' },
      { id: 'seen', name: 'f3a4b5c6' },
    ];
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', listing]]),
        // User 1 adopted Aura's name; user 2's create answered its id alone and the id was kept.
        records: [hosted(1, { databaseName: '293fd870' }), hosted(2, { databaseName: 'd2' })],
      }),
      { ...context, firstSeen: new Map([['h1/seen', NOW - GRACE - 1]]) },
    );
    expect(judged.unownedDatabases.map((d) => [d.databaseName, d.kind, d.userId])).toEqual([
      ['a1b2c3d4', 'orphan', undefined],
      ['e5f6a7b8', 'young', undefined],
      ['c9d0e1f2', 'young', undefined],
      ['f3a4b5c6', 'orphan', undefined],
    ]);
    expect(judged.lost).toEqual([]);
    // neo4j, users 1 and 2, and the four unowned: 7 slots taken (system never counts).
    expect(judged.slots.get('h1')).toBe(7);
  });

  it('never judges the default database Aura named, by the id the host record stores; counts it once', () => {
    const listing = [
      { id: 'dflt', name: '293fd870', createdAt: OLD },
      { id: 'd1', name: dbName(1), createdAt: OLD },
      { id: 'stray', name: 'a1b2c3d4', createdAt: OLD },
    ];
    const judged = judgeSnapshot(
      snapshot({
        hosts: [{ ...host, defaultDatabaseIds: ['dflt'] }],
        databases: new Map([['h1', listing]]),
        records: [hosted(1)],
      }),
      context,
    );
    expect(judged.unownedDatabases.map((d) => [d.databaseName, d.kind])).toEqual([
      ['a1b2c3d4', 'orphan'],
    ]);
    // The default, user 1 and the stray: the default is listed, so not counted again.
    expect(judged.slots.get('h1')).toBe(3);
  });

  it('on a host that stores no default, deletes nothing Aura named unless made after the host was ready', () => {
    const readyAt = NOW - 3_600_000;
    const legacy = { ...host, defaultDatabaseIds: null, readyAt };
    const at = (ms: number) => new Date(ms).toISOString();
    const listing = [
      { id: 'dflt', name: '293fd870', createdAt: at(readyAt - 60_000) },
      { id: 'no-age', name: 'c9d0e1f2' },
      { id: 'within-skew', name: 'e5f6a7b8', createdAt: at(readyAt + 30_000) },
      { id: 'later', name: 'a1b2c3d4', createdAt: at(readyAt + 120_000) },
      { id: 'ours', name: dbName(9), createdAt: OLD },
    ];
    const judged = judgeSnapshot(
      snapshot({ hosts: [legacy], databases: new Map([['h1', listing]]), records: [] }),
      { ...context, firstSeen: new Map([['h1/no-age', NOW - GRACE - 1]]) },
    );
    expect(judged.unownedDatabases.map((d) => [d.databaseName, d.kind])).toEqual([
      ['293fd870', 'unproven'],
      ['c9d0e1f2', 'unproven'],
      ['e5f6a7b8', 'unproven'],
      ['a1b2c3d4', 'orphan'],
      [dbName(9), 'orphan'],
    ]);
    // Which listed one is the default is unknown: one more slot is counted for it.
    expect(judged.slots.get('h1')).toBe(6);
  });

  it('keeps young what Aura may have made for a user whose create is unsettled on the host', () => {
    const sentAt = NOW - GRACE - 120_000;
    const waiting = hosted(5, { status: 'creating', readyAt: null, createRequestedAt: sentAt });
    const before = new Date(sentAt - 3_600_000).toISOString();
    const listing = [
      { id: 'answer', name: 'a1b2c3d4', createdAt: OLD },
      { id: 'older', name: 'e5f6a7b8', createdAt: before },
      { id: 'unseen', name: 'c9d0e1f2' },
      { id: 'copy', name: dbName(7), createdAt: OLD },
    ];
    const judge = (records: UserDatabaseRecord[]) =>
      judgeSnapshot(snapshot({ hosts: [host], databases: new Map([['h1', listing]]), records }), {
        ...context,
        firstSeen: new Map(),
      }).unownedDatabases.map((d) => [d.databaseId, d.kind]);
    // Made after the create was sent (less the clock skew), or of unknown age: maybe the answer.
    // Older than the create, or one of our asked-for names: never this user's.
    expect(judge([waiting])).toEqual([
      ['answer', 'young'],
      ['older', 'orphan'],
      ['unseen', 'young'],
      ['copy', 'orphan'],
    ]);
    // Once the user adopted its database (or holds another listed one), nothing waits for it.
    const settled = hosted(5, { databaseName: 'a1b2c3d4' });
    expect(judge([settled])).toEqual([
      ['older', 'orphan'],
      ['unseen', 'young'],
      ['copy', 'orphan'],
    ]);
    // A waiting user on another host, or a failed one here, protects nothing on this host.
    const elsewhere = hosted(5, {
      status: 'creating',
      instanceId: 'h2',
      createRequestedAt: sentAt,
    });
    const failed = hosted(6, { status: 'failed', createRequestedAt: sentAt });
    expect(judge([elsewhere, failed]).filter(([, kind]) => kind === 'young')).toEqual([
      ['unseen', 'young'],
    ]);
  });

  it('never calls a database Aura named a duplicate for a name another host also shows', () => {
    // Aura's names are not known to be unique beyond their instance: only ours name a user.
    const judged = judgeSnapshot(
      snapshot({
        hosts: [host],
        databases: new Map([['h1', [{ id: 'd9', name: '03e64583', createdAt: OLD }]]]),
        records: [hosted(3, { instanceId: 'h2', databaseName: '03e64583' })],
      }),
      context,
    );
    expect(judged.unownedDatabases).toMatchObject([
      { databaseId: 'd9', kind: 'orphan', userId: undefined },
    ]);
  });
});
