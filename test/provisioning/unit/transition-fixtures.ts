import { DEFAULT_POLL_POLICY } from '../../../src/provisioning/poll-policy.js';
import type { TransitionContext } from '../../../src/provisioning/transition.js';
import type { UserDatabaseRecord } from '../../../src/records/record.js';

/** The moment the transition tests happen at. */
export const NOW = Date.UTC(2026, 0, 1, 12);
export const SECOND = 1_000;

/** What the transition tests decide with: the default poll policy, a 3-minute create lease. */
export const ctx: TransitionContext = {
  now: NOW,
  policy: DEFAULT_POLL_POLICY,
  createLeaseMs: 180 * SECOND,
  maxCreateAttempts: 5,
  failedRetryBaseMs: 60 * SECOND,
  failedRetryMaxMs: 30 * 60 * SECOND,
};

/** A pending instance-per-user record at its first attempt, with `fields` over it. */
export const record = (fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  userId: 'user-1',
  status: 'pending',
  placement: 'instance-per-user',
  version: 3,
  instanceName: 'ap-h0000000000000000000000001',
  instanceId: null,
  connectionUrl: null,
  username: null,
  encryptedPassword: null,
  databaseName: null,
  attempts: 1,
  lastError: null,
  nextCheckAt: NOW,
  waitingForHostSince: null,
  databaseId: null,
  createRequestedAt: null,
  readyAt: null,
  createdAt: NOW - 60 * SECOND,
  updatedAt: NOW - 30 * SECOND,
  lastUsedAt: null,
  ...fields,
});
