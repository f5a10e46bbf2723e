import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICY, nextStatusCheckAt } from '../../../src/provisioning/poll-policy.js';
import { type ProvisioningEvent, transition } from '../../../src/provisioning/transition.js';
import {
  PROVISIONING_STATUSES,
  type ProvisioningStatus,
  type UserDatabaseRecord,
} from '../../../src/records/record.js';
import { ctx, NOW, record, SECOND } from './transition-fixtures.js';

const policy = DEFAULT_POLL_POLICY;

const creating = (sinceCreateMs: number, fields: Partial<UserDatabaseRecord> = {}) =>
  record({
    status: 'creating',
    instanceId: 'i-1',
    connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
    username: 'neo4j',
    encryptedPassword: 'v1:key:ciphertext',
    createRequestedAt: NOW - sinceCreateMs,
    ...fields,
  });

const accepted: ProvisioningEvent = {
  type: 'create-accepted',
  instanceId: 'i-1',
  connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
  username: 'neo4j',
  encryptedPassword: 'v1:key:ciphertext',
};

const patchOf = (r: UserDatabaseRecord, event: ProvisioningEvent) => {
  const result = transition(r, event, ctx);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.patch;
};

const failedWith = (lastError: string, nextCheckAt: number | null) => ({
  status: 'failed',
  lastError,
  nextCheckAt,
});

describe('transition from pending', () => {
  it('create-attempt bumps attempts and takes the lease', () => {
    expect(patchOf(record({ attempts: 2 }), { type: 'create-attempt' })).toEqual({
      attempts: 3,
      nextCheckAt: NOW + ctx.createLeaseMs,
    });
  });

  it('create-sending restarts the lease from the moment the create leaves, attempts unchanged', () => {
    expect(patchOf(record({ attempts: 2 }), { type: 'create-sending' })).toEqual({
      nextCheckAt: NOW + ctx.createLeaseMs,
    });
  });

  it('create-attempt at maxCreateAttempts fails the record for good', () => {
    expect(patchOf(record({ attempts: 5 }), { type: 'create-attempt' })).toEqual(
      failedWith('too-many-create-attempts', null),
    );
  });

  it('create-accepted moves to creating with the credentials and the first check at the expected time', () => {
    expect(patchOf(record({ lastError: 'rate-limited' }), accepted)).toEqual({
      status: 'creating',
      instanceId: 'i-1',
      connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
      username: 'neo4j',
      encryptedPassword: 'v1:key:ciphertext',
      createRequestedAt: NOW,
      lastError: null,
      nextCheckAt: NOW + policy.expectedCreationMs,
    });
  });

  it('create-deferred stays pending with the reason until retryAt, counting the attempt', () => {
    const event: ProvisioningEvent = {
      type: 'create-deferred',
      reason: 'create-outcome-unknown',
      retryAt: NOW + 7 * SECOND,
      refused: false,
    };
    expect(patchOf(record({ attempts: 4 }), event)).toEqual({
      lastError: 'create-outcome-unknown',
      nextCheckAt: NOW + 7 * SECOND,
      attempts: 4,
    });
  });

  it('create-deferred for a refused create (429) gives the attempt back', () => {
    const event: ProvisioningEvent = {
      type: 'create-deferred',
      reason: 'rate-limited',
      retryAt: NOW + 7 * SECOND,
      refused: true,
    };
    expect(patchOf(record({ attempts: 4 }), event)).toMatchObject({ attempts: 3 });
  });

  it('create-deferred at the attempt limit keeps the record pending (the next attempt looks the name up, then fails)', () => {
    const event: ProvisioningEvent = {
      type: 'create-deferred',
      reason: 'x',
      retryAt: NOW + 1,
      refused: false,
    };
    expect(patchOf(record({ attempts: 5 }), event)).toEqual({
      lastError: 'x',
      nextCheckAt: NOW + 1,
      attempts: 5,
    });
  });

  it.each([
    [1, true, NOW + 60 * SECOND],
    [3, true, NOW + 240 * SECOND],
    [4, true, NOW + 480 * SECOND],
    [5, true, null],
    [1, false, null],
  ])(
    'create-rejected at attempt %i (retryable %s) fails with nextCheckAt %s',
    (attempts, retryable, at) => {
      const event: ProvisioningEvent = { type: 'create-rejected', reason: 'because', retryable };
      expect(patchOf(record({ attempts }), event)).toEqual(failedWith('because', at));
    },
  );
});

describe('transition from creating', () => {
  it('status running makes the record ready', () => {
    const patch = patchOf(creating(120 * SECOND, { lastError: 'old' }), {
      type: 'status-seen',
      status: 'running',
    });
    expect(patch).toEqual({ status: 'ready', readyAt: NOW, nextCheckAt: null, lastError: null });
  });

  it.each([
    ['loading failed', 'instance-loading-failed'],
    ['destroying', 'instance-destroying'],
  ])('status %s fails the record retryably as %s', (status, reason) => {
    expect(patchOf(creating(120 * SECOND), { type: 'status-seen', status })).toEqual(
      failedWith(reason, NOW + ctx.failedRetryBaseMs),
    );
  });

  it.each(['creating', 'updating', 'some-future-status'])(
    'status %s schedules the next check by the poll policy',
    (status) => {
      // 30 s past the expected 90 s: the interval is 30 s * (1.5 - 1).
      expect(patchOf(creating(120 * SECOND), { type: 'status-seen', status })).toEqual({
        nextCheckAt: NOW + 15 * SECOND,
      });
      expect(NOW + 15 * SECOND).toBe(nextStatusCheckAt(NOW - 120 * SECOND, NOW, policy));
    },
  );

  it('falls back to updatedAt when createRequestedAt is missing', () => {
    const r = creating(0, { createRequestedAt: null, updatedAt: NOW - 10 * SECOND });
    expect(patchOf(r, { type: 'status-seen', status: 'creating' })).toEqual({
      nextCheckAt: NOW - 10 * SECOND + policy.expectedCreationMs,
    });
  });

  it('fails with deadline-exceeded once the deadline has passed', () => {
    expect(
      patchOf(creating(policy.deadlineMs), { type: 'status-seen', status: 'creating' }),
    ).toEqual(failedWith('deadline-exceeded', NOW + 60 * SECOND));
  });

  it('still makes a record ready when running is seen past the deadline', () => {
    const patch = patchOf(creating(policy.deadlineMs + 1), {
      type: 'status-seen',
      status: 'running',
    });
    expect(patch).toMatchObject({ status: 'ready', readyAt: NOW });
  });

  it('treats a 404 inside the grace window as not visible yet', () => {
    const r = creating(policy.notFoundGraceMs);
    expect(patchOf(r, { type: 'instance-missing' })).toEqual({ nextCheckAt: NOW + 10 * SECOND });
  });

  it('fails with instance-not-found for a 404 after the grace window', () => {
    const patch = patchOf(creating(policy.notFoundGraceMs + 1), { type: 'instance-missing' });
    expect(patch).toEqual(failedWith('instance-not-found', NOW + 60 * SECOND));
  });
});

describe('transition from failed and deprovision', () => {
  it('retry returns to pending without the old instance, due now', () => {
    const r = creating(0, { status: 'failed', readyAt: NOW - 1, databaseName: 'neo4j' });
    expect(patchOf(r, { type: 'retry' })).toEqual({
      status: 'pending',
      instanceId: null,
      connectionUrl: null,
      username: null,
      encryptedPassword: null,
      databaseName: null,
      databaseId: null,
      createRequestedAt: null,
      readyAt: null,
      nextCheckAt: NOW,
    });
  });

  it.each(['pending', 'creating', 'ready', 'failed'] as const)(
    'deprovision moves a %s record to deleting, due now',
    (status) => {
      expect(patchOf(record({ status }), { type: 'deprovision' })).toEqual({
        status: 'deleting',
        nextCheckAt: NOW,
      });
    },
  );
});

const sampleEvents: ProvisioningEvent[] = [
  { type: 'create-attempt' },
  { type: 'create-sending' },
  accepted,
  { type: 'create-deferred', reason: 'rate-limited', retryAt: NOW + SECOND, refused: true },
  { type: 'create-rejected', reason: 'conflict', retryable: true },
  { type: 'status-seen', status: 'creating' },
  { type: 'instance-missing' },
  { type: 'retry' },
  { type: 'deprovision' },
  { type: 'pause-requested' },
  { type: 'resume-requested' },
];

/** The arrows of the machine; every other (status, event) pair is refused. */
const ARROWS: Record<ProvisioningStatus, string[]> = {
  pending: [
    'create-attempt',
    'create-sending',
    'create-accepted',
    'create-deferred',
    'create-rejected',
    'deprovision',
  ],
  creating: ['status-seen', 'instance-missing', 'deprovision'],
  ready: ['deprovision', 'pause-requested'],
  failed: ['retry', 'deprovision'],
  deleting: [],
  paused: ['deprovision', 'pause-requested', 'resume-requested'],
  resuming: ['status-seen', 'instance-missing', 'deprovision', 'resume-requested'],
};

const recordIn = (status: ProvisioningStatus) =>
  status === 'pending' ? record() : creating(10 * SECOND, { status });

const pairs = PROVISIONING_STATUSES.flatMap((status) =>
  sampleEvents.map((event) => [status, event.type, event] as const),
);

describe('transition matrix (every status x every event type)', () => {
  it.each(pairs)(
    '%s + %s is accepted only where the machine has an arrow',
    (status, type, event) => {
      const result = transition(recordIn(status), event, ctx);
      expect(result.ok).toBe(ARROWS[status].includes(type));
      if (!result.ok) {
        expect(result.reason).toContain(type);
        expect(result.reason).toContain(status);
      }
    },
  );
});

describe('transition purity', () => {
  const deepFreeze = <T>(value: T): T => {
    for (const inner of Object.values(value as object)) {
      if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
    }
    return Object.freeze(value);
  };

  it.each(pairs)(
    'does not mutate its input and answers the same twice (%s + %s)',
    (status, _t, e) => {
      const r = recordIn(status);
      const before = structuredClone(r);
      const frozenCtx = deepFreeze({ ...ctx, policy: { ...policy } });
      const first = transition(deepFreeze(r), deepFreeze(structuredClone(e)), frozenCtx);
      expect(r).toEqual(before);
      expect(transition(structuredClone(before), e, ctx)).toEqual(first);
    },
  );
});
