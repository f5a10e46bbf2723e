import { describe, expect, it } from 'vitest';
import { IDLE_DEFAULTS } from '../../../src/provisioning/idle/defaults.js';
import { DEFAULT_POLL_POLICY } from '../../../src/provisioning/poll-policy.js';
import { type TransitionContext, transition } from '../../../src/provisioning/transition.js';
import type { UserDatabaseRecord } from '../../../src/records/record.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const ctx: TransitionContext = {
  now: NOW,
  policy: DEFAULT_POLL_POLICY,
  createLeaseMs: 180_000,
  maxCreateAttempts: 5,
  failedRetryBaseMs: 60_000,
  failedRetryMaxMs: 1_800_000,
};

const ready = (fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  userId: 'user-1',
  status: 'ready',
  placement: 'instance-per-user',
  waitingForHostSince: null,
  databaseId: null,
  version: 4,
  instanceName: 'ap-h0000000000000000000000001',
  instanceId: 'i-1',
  connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
  username: 'neo4j',
  encryptedPassword: 'v1:key:ciphertext',
  databaseName: null,
  attempts: 1,
  lastError: null,
  nextCheckAt: null,
  createRequestedAt: NOW - 3_600_000,
  readyAt: NOW - 3_500_000,
  createdAt: NOW - 3_600_000,
  updatedAt: NOW - 3_500_000,
  lastUsedAt: NOW - 86_400_000,
  ...fields,
});

describe('the idle moves of the state machine', () => {
  it('pauses a ready user, and pauses a paused one again (Aura resumed it on its own)', () => {
    expect(transition(ready(), { type: 'pause-requested' }, ctx)).toEqual({
      ok: true,
      patch: { status: 'paused', nextCheckAt: null },
    });
    expect(transition(ready({ status: 'paused' }), { type: 'pause-requested' }, ctx)).toEqual({
      ok: true,
      patch: { status: 'paused', nextCheckAt: null },
    });
  });

  it('never pauses a hosted user (database-per-user): the host holds other users', () => {
    const hosted = ready({
      placement: 'database-per-user',
      databaseName: 'db-1',
      encryptedPassword: null,
    });
    const result = transition(hosted, { type: 'pause-requested' }, ctx);
    expect(result).toEqual({
      ok: false,
      reason: 'pause-requested does not apply to a hosted ready record',
    });
  });

  it('wakes a paused user: resuming, with a status read planned', () => {
    expect(transition(ready({ status: 'paused' }), { type: 'resume-requested' }, ctx)).toEqual({
      ok: true,
      patch: { status: 'resuming', nextCheckAt: NOW + IDLE_DEFAULTS.resumeReadIntervalMs },
    });
  });

  it('a resuming user is ready once Aura says running, and read again before', () => {
    const resuming = ready({ status: 'resuming', nextCheckAt: NOW });
    expect(transition(resuming, { type: 'status-seen', status: 'running' }, ctx)).toEqual({
      ok: true,
      patch: { status: 'ready', nextCheckAt: null, lastError: null },
    });
    for (const status of ['paused', 'pausing', 'resuming']) {
      expect(transition(resuming, { type: 'status-seen', status }, ctx)).toEqual({
        ok: true,
        patch: { nextCheckAt: NOW + IDLE_DEFAULTS.resumeReadIntervalMs },
      });
    }
    expect(transition(resuming, { type: 'instance-missing' }, ctx)).toEqual({
      ok: true,
      patch: { status: 'failed', lastError: 'instance-lost', nextCheckAt: null },
    });
  });

  it('refuses to wake what is not paused, and status reads of a paused record', () => {
    expect(transition(ready(), { type: 'resume-requested' }, ctx).ok).toBe(false);
    const paused = ready({ status: 'paused' });
    expect(transition(paused, { type: 'status-seen', status: 'running' }, ctx).ok).toBe(false);
  });

  it('a paused or resuming user whose instance is gone can be healed as lost, or deprovisioned', () => {
    for (const status of ['paused', 'resuming'] as const) {
      const record = ready({ status });
      expect(
        transition(record, { type: 'lost', reason: 'instance-lost', reprovision: true }, ctx),
      ).toMatchObject({ ok: true, patch: { status: 'pending', instanceId: null } });
      expect(transition(record, { type: 'deprovision' }, ctx)).toMatchObject({
        ok: true,
        patch: { status: 'deleting' },
      });
    }
  });
});
