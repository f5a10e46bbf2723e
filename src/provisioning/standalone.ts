import type { UserDatabaseStatus } from '../records/status.js';
import { createProvisioner, type ProvisionerOptions } from './provisioner.js';
import type { PollScheduler } from './scheduler.js';
import type { WaitUntilReadyOptions } from './wait-ready.js';

/** Leaves due times in the store for a later `reconcile()` (or a long-lived provisioner) to pick up. */
const deferToReconcile: PollScheduler = {
  schedule: () => {},
  start: () => {},
  close: async () => {},
};

/** Options of the standalone {@link provisionUserDatabase}. */
export type ProvisionUserDatabaseOptions = ProvisionerOptions & {
  /**
   * Wait until the database is ready (polling in this call) instead of
   * returning once the create is accepted. Default false.
   */
  waitUntilReady?: boolean | WaitUntilReadyOptions;
};

/**
 * Provisions one user's database with dependencies passed per call, for
 * code that has no long-lived provisioner (a serverless function, a script).
 * Claims the user and sends the create; the status checks are left to
 * `reconcile()` (run it on a schedule) unless `waitUntilReady` is set.
 * Idempotent on the user id, like the provisioner's method.
 *
 * @example
 * ```ts
 * const status = await provisionUserDatabase(user.id, { aura, store, cipher, instance });
 * // later, from a cron: await createProvisioner({ aura, store, cipher, instance }).reconcile();
 * ```
 */
export async function provisionUserDatabase(
  userId: string,
  options: ProvisionUserDatabaseOptions,
): Promise<UserDatabaseStatus> {
  const { waitUntilReady: wait, ...rest } = options;
  const provisioner = createProvisioner({
    ...rest,
    scheduler: rest.scheduler ?? (wait ? undefined : deferToReconcile),
  });
  try {
    const status = await provisioner.provisionUserDatabase(userId);
    if (!wait) return status;
    return await provisioner.waitUntilReady(userId, wait === true ? {} : wait);
  } finally {
    await provisioner.close();
  }
}
