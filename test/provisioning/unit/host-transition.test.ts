import { describe, expect, it } from 'vitest';
import {
  HOST_LOST,
  type HostEvent,
  hostTransition,
} from '../../../src/provisioning/database/host-transition.js';
import { PLACEMENT_DEFAULTS } from '../../../src/provisioning/placement.js';
import { type HostRecord, newHostRecord } from '../../../src/records/host-record.js';
import type { ProvisioningStatus } from '../../../src/records/record.js';

const NOW = Date.UTC(2026, 0, 1);

const host = (fields: Partial<HostRecord> = {}): HostRecord => ({
  ...newHostRecord('ap-host-0001', 20),
  version: 3,
  createdAt: NOW - 60_000,
  updatedAt: NOW - 60_000,
  ...fields,
});
const ready = (fields: Partial<HostRecord> = {}) =>
  host({ status: 'ready', instanceId: 'h1', readyAt: NOW - 1, ...fields });

const ACCEPTED: HostEvent = {
  type: 'create-accepted',
  instanceId: 'h1',
  connectionUrl: 'neo4j+s://h1.databases.neo4j.io',
  username: 'neo4j',
  encryptedPassword: 'v1:k1:ciphertext',
  readAt: NOW + 60_000,
};

describe('hostTransition: opening a host', () => {
  it('leases the create of a pending host: an attempt counted, the lease as the next check', () => {
    expect(hostTransition(host({ attempts: 1 }), { type: 'create-attempt' }, NOW)).toEqual({
      ok: true,
      patch: { attempts: 2, nextCheckAt: NOW + PLACEMENT_DEFAULTS.hostCreateLeaseMs },
    });
  });

  it('looks again later when an earlier create cannot be told apart', () => {
    expect(hostTransition(host(), { type: 'create-undecided' }, NOW)).toEqual({
      ok: true,
      patch: { nextCheckAt: NOW + PLACEMENT_DEFAULTS.hostCheckIntervalMs },
    });
  });

  it('defers at Retry-After or the check interval; a create refused before sending does not count', () => {
    const leased = host({ attempts: 2 });
    expect(
      hostTransition(
        leased,
        { type: 'create-deferred', reason: 'rate-limited', refused: true, retryAfterMs: 7_000 },
        NOW,
      ),
    ).toEqual({
      ok: true,
      patch: { lastError: 'rate-limited', nextCheckAt: NOW + 7_000, attempts: 1 },
    });
    expect(
      hostTransition(
        leased,
        { type: 'create-deferred', reason: 'unavailable', refused: false },
        NOW,
      ),
    ).toEqual({
      ok: true,
      patch: {
        lastError: 'unavailable',
        nextCheckAt: NOW + PLACEMENT_DEFAULTS.hostCheckIntervalMs,
        attempts: 2,
      },
    });
  });

  it('fails a host Aura refuses for good, and stores an accepted one as creating', () => {
    expect(hostTransition(host(), { type: 'create-rejected', reason: 'quota' }, NOW)).toEqual({
      ok: true,
      patch: { status: 'failed', lastError: 'quota', nextCheckAt: null },
    });
    expect(hostTransition(host({ lastError: 'rate-limited' }), ACCEPTED, NOW)).toEqual({
      ok: true,
      patch: {
        status: 'creating',
        instanceId: 'h1',
        connectionUrl: 'neo4j+s://h1.databases.neo4j.io',
        username: 'neo4j',
        encryptedPassword: 'v1:k1:ciphertext',
        createRequestedAt: NOW,
        lastError: null,
        nextCheckAt: NOW + 60_000,
      },
    });
    const withDefault = hostTransition(host(), { ...ACCEPTED, defaultDatabaseId: 'd0' }, NOW);
    expect(withDefault).toMatchObject({ patch: { defaultDatabaseIds: ['d0'] } });
  });

  it.each<ProvisioningStatus>(['creating', 'ready', 'failed', 'deleting'])(
    'refuses every create event on a %s host',
    (status) => {
      const events: HostEvent[] = [
        { type: 'create-attempt' },
        { type: 'create-undecided' },
        { type: 'create-deferred', reason: 'x', refused: false },
        { type: 'create-rejected', reason: 'x' },
        ACCEPTED,
      ];
      for (const event of events) {
        expect(hostTransition(host({ status }), event, NOW)).toEqual({
          ok: false,
          reason: 'not-allowed',
        });
      }
    },
  );
});

describe('hostTransition: a starting host', () => {
  const starting = host({ status: 'creating', instanceId: 'h1' });
  const seen = (status: string | undefined) =>
    hostTransition(starting, { type: 'status-seen', status, intervalMs: 5_000 }, NOW);

  it('is ready once running, fails when its instance fails, and is read again otherwise', () => {
    expect(seen('running')).toEqual({
      ok: true,
      patch: { status: 'ready', readyAt: NOW, nextCheckAt: null },
    });
    expect(seen('loading failed')).toEqual({
      ok: true,
      patch: { status: 'failed', lastError: 'instance-loading-failed', nextCheckAt: null },
    });
    expect(seen('destroying')).toMatchObject({ patch: { lastError: 'instance-destroying' } });
    expect(seen('creating')).toEqual({ ok: true, patch: { nextCheckAt: NOW + 5_000 } });
    expect(seen(undefined)).toEqual({ ok: true, patch: { nextCheckAt: NOW + 5_000 } });
  });

  it('keeps what a running host lists before it is ready as its own, unless known or nothing was listed', () => {
    const running = (listedIds: string[] | undefined, from = starting) =>
      hostTransition(
        from,
        { type: 'status-seen', status: 'running', intervalMs: 5_000, listedIds },
        NOW,
      );
    expect(running(['d0'])).toMatchObject({ patch: { defaultDatabaseIds: ['d0'] } });
    expect(running([])).toEqual({
      ok: true,
      patch: { status: 'ready', readyAt: NOW, nextCheckAt: null },
    });
    const known = host({ status: 'creating', instanceId: 'h1', defaultDatabaseIds: ['d1'] });
    expect(running(['d0', 'd1'], known)).toEqual({
      ok: true,
      patch: { status: 'ready', readyAt: NOW, nextCheckAt: null },
    });
  });

  it('takes a status only while creating', () => {
    const event: HostEvent = { type: 'status-seen', status: 'running', intervalMs: 5_000 };
    expect(hostTransition(ready(), event, NOW)).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('marks a lost host failed with host-lost, whatever its status', () => {
    for (const status of ['creating', 'ready'] as const) {
      expect(hostTransition(host({ status }), { type: 'lost' }, NOW)).toEqual({
        ok: true,
        patch: { status: 'failed', lastError: HOST_LOST, nextCheckAt: null },
      });
    }
  });
});

describe('hostTransition: slots', () => {
  it('takes a slot on a ready host with room only', () => {
    expect(hostTransition(ready({ used: 5 }), { type: 'slot-taken' }, NOW)).toEqual({
      ok: true,
      patch: { used: 6 },
    });
    for (const full of [ready({ used: 20 }), ready({ used: 21 }), host({ used: 1 })]) {
      expect(hostTransition(full, { type: 'slot-taken' }, NOW)).toEqual({
        ok: false,
        reason: 'not-allowed',
      });
    }
  });

  it('gives a slot back, never the one neo4j holds', () => {
    expect(hostTransition(ready({ used: 3 }), { type: 'slot-released' }, NOW)).toEqual({
      ok: true,
      patch: { used: 2 },
    });
    expect(hostTransition(ready({ used: 1 }), { type: 'slot-released' }, NOW)).toEqual({
      ok: false,
      reason: 'unchanged',
    });
  });

  it('sets a recount that differs, and leaves one that does not', () => {
    expect(hostTransition(ready({ used: 7 }), { type: 'recounted', used: 4 }, NOW)).toEqual({
      ok: true,
      patch: { used: 4 },
    });
    expect(hostTransition(ready({ used: 4 }), { type: 'recounted', used: 4 }, NOW)).toEqual({
      ok: false,
      reason: 'unchanged',
    });
  });

  it('learns a smaller capacity from a refusal and gives the refused slot back, never below what the host holds', () => {
    const learn = (fields: Partial<HostRecord>, held: number) =>
      hostTransition(ready(fields), { type: 'capacity-learned', held }, NOW);
    // 9 counted (the refused user's slot among them), 12 held: full at 12.
    expect(learn({ capacity: 20, used: 9 }, 12)).toEqual({
      ok: true,
      patch: { capacity: 12, used: 12 },
    });
    // 15 counted: slots taken for creates still on their way stay counted; the refused one goes.
    expect(learn({ capacity: 20, used: 15 }, 12)).toEqual({
      ok: true,
      patch: { capacity: 12, used: 14 },
    });
    expect(learn({ capacity: 20, used: 3 }, 0)).toEqual({
      ok: true,
      patch: { capacity: 1, used: 2 },
    });
    // Already known: each later refusal gives its slot back, down to what the host holds.
    expect(learn({ capacity: 4, used: 13 }, 4)).toEqual({
      ok: true,
      patch: { capacity: 4, used: 12 },
    });
    expect(learn({ capacity: 4, used: 4 }, 4)).toEqual({ ok: false, reason: 'unchanged' });
    // A later refusal never raises a capacity learned before.
    expect(learn({ capacity: 4, used: 4 }, 6)).toEqual({
      ok: true,
      patch: { capacity: 4, used: 6 },
    });
  });

  it('notes when a deleted database gave its slot back, and only then', () => {
    const released = (databaseDeleted?: boolean) =>
      hostTransition(ready({ used: 3 }), { type: 'slot-released', databaseDeleted }, NOW);
    expect(released(true)).toEqual({ ok: true, patch: { used: 2, slotReleasedAt: NOW } });
    expect(released(false)).toEqual({ ok: true, patch: { used: 2 } });
  });

  it('a refusal soon after a delete rests the host, its capacity kept; after the grace it lowers it', () => {
    const { deletedDatabaseGraceMs, hostRestMs } = PLACEMENT_DEFAULTS;
    const refusedAfter = (sinceDelete: number) =>
      hostTransition(
        ready({ capacity: 4, used: 4, slotReleasedAt: NOW - sinceDelete }),
        { type: 'capacity-learned', held: 3 },
        NOW,
      );
    expect(refusedAfter(1_000)).toEqual({
      ok: true,
      patch: { used: 3, nextCheckAt: NOW + hostRestMs },
    });
    expect(refusedAfter(deletedDatabaseGraceMs)).toEqual({
      ok: true,
      patch: { capacity: 3, used: 3 },
    });
  });

  it('a resting host takes nobody until its rest ends', () => {
    const resting = ready({ used: 3, capacity: 4, nextCheckAt: NOW + 1 });
    expect(hostTransition(resting, { type: 'slot-taken' }, NOW)).toEqual({
      ok: false,
      reason: 'not-allowed',
    });
    expect(hostTransition(resting, { type: 'slot-taken' }, NOW + 1)).toEqual({
      ok: true,
      patch: { used: 4 },
    });
    expect(hostTransition(resting, { type: 'rest-ended' }, NOW + 1)).toEqual({
      ok: true,
      patch: { nextCheckAt: null },
    });
    expect(hostTransition(ready(), { type: 'rest-ended' }, NOW)).toEqual({
      ok: false,
      reason: 'unchanged',
    });
  });
});
