import { describe, expect, it } from 'vitest';
import { nextCheck, plannedWait } from '../../../src/provisioning/next-check.js';
import { newRecord, type UserDatabaseRecord } from '../../../src/records/record.js';

const NOW = Date.UTC(2026, 0, 1);

const record = (fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  ...newRecord('u1', 'ap-u1'),
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
  lastUsedAt: null,
  ...fields,
});
const creating = (fields: Partial<UserDatabaseRecord> = {}) =>
  record({ status: 'creating', instanceId: 'i-1', createRequestedAt: NOW - 60_000, ...fields });
const quiet = { now: NOW, probeFollowed: false };

describe('nextCheck', () => {
  it('forgets a user whose record is gone, ready or failed', () => {
    expect(nextCheck(null, quiet)).toEqual({ kind: 'forget' });
    expect(nextCheck(record({ status: 'ready' }), quiet)).toEqual({ kind: 'forget' });
    const failed = record({ status: 'failed', nextCheckAt: NOW + 60_000 });
    expect(nextCheck(failed, quiet)).toEqual({ kind: 'forget' });
    expect(nextCheck({ ...failed, nextCheckAt: NOW - 1 }, quiet)).toEqual({ kind: 'forget' });
  });

  it('deletes a deleting record, whatever its due time', () => {
    const deleting = record({ status: 'deleting', nextCheckAt: NOW + 60_000 });
    expect(nextCheck(deleting, quiet)).toEqual({ kind: 'delete' });
  });

  it('creates for a due pending record, and waits for one woken early', () => {
    expect(nextCheck(record({ nextCheckAt: NOW }), quiet)).toEqual({ kind: 'create' });
    expect(nextCheck(record({ nextCheckAt: null }), quiet)).toEqual({ kind: 'create' });
    expect(nextCheck(record({ nextCheckAt: NOW + 5 }), quiet)).toEqual({
      kind: 'wait',
      at: NOW + 5,
      priority: 'normal',
    });
  });

  it('reads a due creating record, and waits (high lane) for one woken early', () => {
    expect(nextCheck(creating({ nextCheckAt: NOW }), quiet)).toEqual({ kind: 'read-status' });
    expect(nextCheck(creating({ nextCheckAt: NOW + 5 }), quiet)).toEqual({
      kind: 'wait',
      at: NOW + 5,
      priority: 'high',
    });
  });

  it('hands an early creating record to the status step while the probe is followed', () => {
    const early = creating({ nextCheckAt: NOW + 60_000 });
    expect(nextCheck(early, { now: NOW, probeFollowed: true })).toEqual({ kind: 'read-status' });
    const pending = record({ nextCheckAt: NOW + 5 });
    expect(nextCheck(pending, { now: NOW, probeFollowed: true }).kind).toBe('wait');
  });
});

describe('plannedWait', () => {
  const probe = { firstProbeAfterMs: 45_000, probeIntervalMs: 3_000 };

  it('waits for the record’s own check, and for nothing once it is settled', () => {
    expect(plannedWait(record({ nextCheckAt: NOW + 5 }), NOW)).toEqual({
      at: NOW + 5,
      priority: 'normal',
    });
    expect(plannedWait(record({ status: 'ready' }), NOW)).toBeUndefined();
    expect(plannedWait(record({ status: 'failed', nextCheckAt: NOW }), NOW)).toBeUndefined();
    expect(plannedWait(record({ nextCheckAt: null }), NOW)).toBeUndefined();
  });

  it('wakes a creating record for probes before its planned read', () => {
    // Created a minute ago: past the first probe, so one probe interval from now.
    expect(plannedWait(creating({ nextCheckAt: NOW + 120_000 }), NOW, probe)).toEqual({
      at: NOW + 3_000,
      priority: 'high',
    });
    // Just created: the first probe comes at half the probe-timed creation time.
    const fresh = creating({ createRequestedAt: NOW, nextCheckAt: NOW + 180_000 });
    expect(plannedWait(fresh, NOW, probe)?.at).toBe(NOW + 45_000);
    // Never later than the planned read.
    expect(plannedWait(creating({ nextCheckAt: NOW + 1_000 }), NOW, probe)?.at).toBe(NOW + 1_000);
  });

  it('ignores the probe for records that are not creating', () => {
    expect(plannedWait(record({ nextCheckAt: NOW + 120_000 }), NOW, probe)?.at).toBe(NOW + 120_000);
  });
});
