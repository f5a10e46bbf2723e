import { type Logger, silentLogger } from '../kernel/logger.js';
import type { Provisioner } from '../provisioning/provisioner.js';

/**
 * A user that exists in the app, as {@link reconcileSignups} needs it.
 *
 * @example
 * ```ts
 * const users: SignupUser[] = rows.map((row) => ({ id: row.id, isAnonymous: row.is_anonymous }));
 * ```
 */
export interface SignupUser {
  id: string;
  isAnonymous?: boolean;
}

/**
 * Options of {@link reconcileSignups}.
 *
 * @example
 * ```ts
 * const options: ReconcileSignupsOptions = { provisioner, users: supabaseAuthUsers(admin) };
 * ```
 */
export interface ReconcileSignupsOptions {
  provisioner: Pick<Provisioner, 'claimUser' | 'getProvisioningStatus'>;
  /** Every user of the app, e.g. {@link supabaseAuthUsers}. */
  users: AsyncIterable<SignupUser> | Iterable<SignupUser>;
  /** As in the webhook handler. Default false. */
  provisionAnonymousUsers?: boolean;
  logger?: Logger;
}

/**
 * What one {@link reconcileSignups} run found.
 *
 * @example
 * ```ts
 * const { claimed } = await reconcileSignups({ provisioner, users });
 * if (claimed > 0) console.warn(`${claimed} signups had no webhook`);
 * ```
 */
export interface ReconcileSignupsReport {
  /** Users looked at. */
  checked: number;
  /** Users that had no record (their webhook was lost) and are now claimed. */
  claimed: number;
  skippedAnonymous: number;
}

/**
 * Provisions the signups whose webhook never arrived. Supabase Database
 * Webhooks are sent at most once, so a signup can be lost; this walks the
 * app's users and claims each one that has no record (the provisioner's
 * scheduler then creates the database). Idempotent; safe next to live
 * webhooks. Run it with `provisioner.reconcile()`, at start-up and on a timer.
 *
 * @example
 * ```ts
 * await reconcileSignups({ provisioner, users: supabaseAuthUsers(supabaseAdmin) });
 * await provisioner.reconcile();
 * ```
 */
export async function reconcileSignups(
  options: ReconcileSignupsOptions,
): Promise<ReconcileSignupsReport> {
  const logger = options.logger ?? silentLogger;
  const report: ReconcileSignupsReport = { checked: 0, claimed: 0, skippedAnonymous: 0 };
  for await (const user of options.users) {
    report.checked++;
    if (user.isAnonymous && !options.provisionAnonymousUsers) {
      report.skippedAnonymous++;
      continue;
    }
    const current = await options.provisioner.getProvisioningStatus(user.id);
    if (current.status !== 'not_found') continue;
    await options.provisioner.claimUser(user.id);
    report.claimed++;
    logger.info?.('missed signup claimed', { userId: user.id });
  }
  return report;
}

/**
 * The part of a supabase-js client that {@link supabaseAuthUsers} uses (service role).
 *
 * @example
 * ```ts
 * const admin: SupabaseAdminUsersClient = createClient(url, serviceRoleKey);
 * ```
 */
export interface SupabaseAdminUsersClient {
  auth: {
    admin: {
      listUsers(params?: { page?: number; perPage?: number }): Promise<{
        data: { users: readonly { id: string; is_anonymous?: boolean }[] };
        error: unknown;
      }>;
    };
  };
}

/**
 * Every Supabase Auth user, page by page (`auth.admin.listUsers`), for
 * {@link reconcileSignups}. Needs a service-role client. Yields the id and the
 * anonymous flag only. Throws the client's error when a page fails.
 *
 * @example
 * ```ts
 * const admin = createClient(url, serviceRoleKey, { auth: { persistSession: false } });
 * for await (const user of supabaseAuthUsers(admin)) console.log(user.id);
 * ```
 */
export async function* supabaseAuthUsers(
  client: SupabaseAdminUsersClient,
  options: { perPage?: number } = {},
): AsyncGenerator<SignupUser> {
  const perPage = options.perPage ?? 1000;
  for (let page = 1; ; page++) {
    const { data, error } = await client.auth.admin.listUsers({ page, perPage });
    if (error) throw error;
    for (const user of data.users) yield { id: user.id, isAnonymous: user.is_anonymous === true };
    if (data.users.length < perPage) return;
  }
}
