import { describe, expect, it } from 'vitest';
import { PROVISIONING_STATUSES, type UserDatabaseRecord } from '../../../src/records/record.js';
import { toStatus } from '../../../src/records/status.js';

const NOW = Date.UTC(2026, 0, 1);
const CIPHERTEXT = 'v1:key-2026:c2VjcmV0LWNpcGhlcnRleHQ';

const record = (fields: Partial<UserDatabaseRecord> = {}): UserDatabaseRecord => ({
  userId: 'user-1',
  status: 'ready',
  placement: 'instance-per-user',
  version: 4,
  instanceName: 'ap-u7a905u4j96vvhkp59uxpizp0e',
  instanceId: 'i-1',
  connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
  username: 'neo4j',
  encryptedPassword: CIPHERTEXT,
  databaseName: null,
  attempts: 1,
  lastError: null,
  nextCheckAt: null,
  waitingForHostSince: null,
  databaseId: null,
  createRequestedAt: NOW - 120_000,
  readyAt: NOW,
  createdAt: NOW - 150_000,
  updatedAt: NOW,
  lastUsedAt: null,
  ...fields,
});

describe('toStatus', () => {
  it.each(PROVISIONING_STATUSES)('never exposes the ciphertext of a %s record', (status) => {
    const view = toStatus('user-1', record({ status }));
    expect(Object.keys(view)).not.toContain('encryptedPassword');
    expect(Object.keys(view).some((key) => /password|secret|cipher/i.test(key))).toBe(false);
    expect(Object.values(view)).not.toContain(CIPHERTEXT);
    expect(JSON.stringify(view)).not.toContain(CIPHERTEXT);
    expect(JSON.stringify(view)).not.toContain('c2VjcmV0');
  });

  it('shows the fields an app may display', () => {
    expect(toStatus('user-1', record())).toEqual({
      userId: 'user-1',
      status: 'ready',
      instanceId: 'i-1',
      instanceName: 'ap-u7a905u4j96vvhkp59uxpizp0e',
      connectionUrl: 'neo4j+s://i-1.databases.neo4j.io',
      databaseName: null,
      lastError: null,
      retryable: false,
      attempts: 1,
      readyAt: NOW,
    });
  });

  it('maps a missing record to not_found', () => {
    expect(toStatus('user-2', null)).toEqual({
      userId: 'user-2',
      status: 'not_found',
      instanceId: null,
      instanceName: null,
      connectionUrl: null,
      databaseName: null,
      lastError: null,
      retryable: false,
      attempts: 0,
      readyAt: null,
    });
  });

  it('says a failed record with a next check is retryable, with its reason', () => {
    const view = toStatus(
      'user-1',
      record({ status: 'failed', nextCheckAt: NOW + 60_000, lastError: 'instance-limit-reached' }),
    );
    expect(view.retryable).toBe(true);
    expect(view.lastError).toBe('instance-limit-reached');
  });

  it('says a failed record without a next check is not retryable', () => {
    const view = toStatus(
      'user-1',
      record({ status: 'failed', nextCheckAt: null, lastError: 'missing-billing-details' }),
    );
    expect(view.retryable).toBe(false);
  });

  it.each(PROVISIONING_STATUSES.filter((s) => s !== 'failed'))(
    'never calls a %s record retryable, whatever its next check',
    (status) => {
      expect(toStatus('user-1', record({ status, nextCheckAt: NOW })).retryable).toBe(false);
    },
  );

  it('does not share or change the record it reads', () => {
    const r = Object.freeze(record());
    const view = toStatus('user-1', r);
    view.lastError = 'changed';
    expect(r.lastError).toBe(null);
  });
});
