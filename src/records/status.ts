import type { ProvisioningStatus, UserDatabaseRecord } from './record.js';

/**
 * A user's database as the app may show it: no password, no ciphertext.
 * `status` is `not_found` when the user has no record.
 */
export interface UserDatabaseStatus {
  userId: string;
  status: ProvisioningStatus | 'not_found';
  instanceId: string | null;
  instanceName: string | null;
  connectionUrl: string | null;
  databaseName: string | null;
  /** For `failed`: Aura's reason or ours (`missing-billing-details`, `deadline-exceeded`, ...). */
  lastError: string | null;
  /** For `failed`: whether reconcile will try again. */
  retryable: boolean;
  attempts: number;
  readyAt: number | null;
}

/** The public view of a record. Pure. */
export function toStatus(userId: string, record: UserDatabaseRecord | null): UserDatabaseStatus {
  if (!record) {
    return {
      userId,
      status: 'not_found',
      instanceId: null,
      instanceName: null,
      connectionUrl: null,
      databaseName: null,
      lastError: null,
      retryable: false,
      attempts: 0,
      readyAt: null,
    };
  }
  return {
    userId: record.userId,
    status: record.status,
    instanceId: record.instanceId,
    instanceName: record.instanceName,
    connectionUrl: record.connectionUrl,
    databaseName: record.databaseName,
    lastError: record.lastError,
    retryable: record.status === 'failed' && record.nextCheckAt !== null,
    attempts: record.attempts,
    readyAt: record.readyAt,
  };
}
