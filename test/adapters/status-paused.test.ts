import { describe, expect, it } from 'vitest';
import { publicStatus } from '../../src/adapters/responses.js';
import { newRecord } from '../../src/records/record.js';
import { toStatus } from '../../src/records/status.js';

describe('the status route of a user the idle policy paused', () => {
  it.each(['paused', 'resuming'] as const)('reports %s, not ready', (status) => {
    const record = {
      ...newRecord('user-1', 'ap-user-1', { status, instanceId: 'a1b2c3d4' }),
      version: 4,
      createdAt: 0,
      updatedAt: 0,
      lastUsedAt: null,
    };
    expect(publicStatus(toStatus('user-1', record))).toEqual({
      userId: 'user-1',
      status,
      ready: false,
    });
  });
});
