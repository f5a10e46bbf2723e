import { ProvisioningConfigurationError } from '../records/errors.js';
import { USER_DATABASE_FIELDS, type UserDatabaseField } from './postgres-columns.js';

/**
 * Fields a store keeps itself or fixes at claim time: never taken from a patch,
 * whatever an untyped caller sends.
 */
const BOOKKEEPING = new Set<UserDatabaseField>([
  'userId',
  'placement',
  'version',
  'createdAt',
  'updatedAt',
]);

/** The fields `update` may change. */
export const PATCHABLE_FIELDS: ReadonlySet<UserDatabaseField> = new Set(
  USER_DATABASE_FIELDS.filter((field) => !BOOKKEEPING.has(field)),
);

/** Throws unless `userId` is a non-empty string: nothing is sent for a bad one. */
export function checkUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId === '') {
    throw new ProvisioningConfigurationError('userId must be a non-empty string');
  }
}

/** Throws unless `version` is a positive integer. */
export function checkVersion(version: unknown): asserts version is number {
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new ProvisioningConfigurationError('expectedVersion must be a positive integer');
  }
}
