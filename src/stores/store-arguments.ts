import { ProvisioningConfigurationError } from '../records/errors.js';
import type { UserDatabasePatch } from '../records/record.js';
import type { DatabaseUse } from '../records/store.js';
import { USER_DATABASE_FIELDS, type UserDatabaseField } from './postgres-columns.js';

/**
 * Fields a store keeps itself or fixes at claim time: never taken from a patch,
 * whatever an untyped caller sends (`lastUsedAt` is written by `recordUse` alone).
 */
const BOOKKEEPING = new Set<UserDatabaseField>([
  'userId',
  'placement',
  'version',
  'createdAt',
  'updatedAt',
  'lastUsedAt',
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

/**
 * Throws unless `ids` (a host's `defaultDatabaseIds`) is `null`, `undefined`
 * or a list of non-empty ids without commas (a text column keeps them
 * comma-separated): nothing is written for a bad one.
 */
export function checkDatabaseIds(ids: unknown): asserts ids is string[] | null | undefined {
  if (ids === null || ids === undefined) return;
  const ok =
    Array.isArray(ids) &&
    ids.every((id) => typeof id === 'string' && id !== '' && !id.includes(','));
  if (!ok) {
    throw new ProvisioningConfigurationError(
      'defaultDatabaseIds must be a list of non-empty ids without commas',
    );
  }
}

/**
 * Checks a batch of uses and keeps each user's latest: a store writes one row per user.
 * Throws {@link ProvisioningConfigurationError} for a bad user id or time; nothing is written then.
 *
 * @example
 * ```ts
 * checkUses([{ userId: 'u1', at: 5 }, { userId: 'u1', at: 9 }]); // [{ userId: 'u1', at: 9 }]
 * ```
 */
export function checkUses(uses: readonly DatabaseUse[]): DatabaseUse[] {
  if (!Array.isArray(uses)) throw new ProvisioningConfigurationError('uses must be an array');
  const latest = new Map<string, number>();
  for (const use of uses) {
    checkUserId(use?.userId);
    if (typeof use.at !== 'number' || !Number.isFinite(use.at) || use.at < 0) {
      throw new ProvisioningConfigurationError("a use's at must be ms since the epoch");
    }
    latest.set(use.userId, Math.max(use.at, latest.get(use.userId) ?? 0));
  }
  return [...latest].map(([userId, at]) => ({ userId, at }));
}

/**
 * Whether a failed `update` was refused by the one-database-one-user guarantee: a unique
 * violation (SQLSTATE `23505`, the `cause` of the store's error) on a patch that sets an
 * instance or a database id, and no instance name (the only other unique column a patch can
 * set). The store answers `null` for it, as for a lost compare-and-set.
 */
export function isDatabaseClash(error: unknown, patch: UserDatabasePatch | undefined): boolean {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const moves = typeof patch?.databaseId === 'string' || typeof patch?.instanceId === 'string';
  return code === '23505' && moves && patch?.instanceName === undefined;
}
