import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../../src/provisioning/idle/estimate-cost.js';
import type { UserDatabaseRecord } from '../../../src/records/record.js';
import { newRecord } from '../../../src/records/record.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 7);

const record = (userId: string, fields: Partial<UserDatabaseRecord>): UserDatabaseRecord => ({
  ...newRecord(userId, `ap-${userId}`),
  status: 'ready',
  instanceId: `i-${userId}`,
  encryptedPassword: 'v1:k1:ciphertext',
  version: 3,
  createdAt: NOW - 10 * DAY,
  updatedAt: NOW - 10 * DAY,
  createRequestedAt: NOW - 10 * DAY,
  lastUsedAt: null,
  ...fields,
});

describe('estimateCost', () => {
  it('counts running hours from the create, and paused ones since the pause, at 20%', () => {
    const estimate = estimateCost(
      [
        record('running', {}),
        record('paused', { status: 'paused', updatedAt: NOW - 6 * DAY }),
        record('hosted', {
          placement: 'database-per-user',
          databaseName: 'db-1',
          encryptedPassword: null,
        }),
        record('pending', { status: 'pending', instanceId: null }),
      ],
      { now: NOW, pricePerGbMonth: 73.05, memoryGb: 2 },
    );
    // 73.05 a GB-month is 0.1 a GB-hour.
    expect(estimate.users).toEqual([
      {
        userId: 'running',
        status: 'ready',
        runningGbHours: 480,
        pausedGbHours: 0,
        cost: expect.closeTo(48, 6),
      },
      {
        userId: 'paused',
        status: 'paused',
        runningGbHours: 192,
        pausedGbHours: 288,
        cost: expect.closeTo(19.2 + 5.76, 6),
      },
    ]);
    expect(estimate.hostedUsers).toBe(1);
    expect(estimate.alwaysOnCost).toBeCloseTo(96, 6);
    expect(estimate.cost).toBeCloseTo(48 + 24.96, 6);
  });

  it('counts only the window (30 days by default), and refuses a negative price', () => {
    const old = record('old', { createRequestedAt: NOW - 90 * DAY });
    expect(estimateCost([old], { now: NOW }).runningGbHours).toBe(30 * 24);
    expect(() => estimateCost([old], { pricePerGbMonth: -1 })).toThrow(/pricePerGbMonth/);
  });
});
