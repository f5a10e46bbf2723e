import type { AuraClient } from '../aura/client.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { ProvisioningListener } from '../records/events.js';
import type { CredentialStore } from '../records/store.js';
import type { IdleOptions } from './idle/idle-options.js';
import type { Placement } from './placement.js';
import type { PollPolicy } from './poll-policy.js';
import type { DuplicatePolicy, LostPolicy, OrphanPolicy } from './reconcile.js';
import type { InstanceSpec, ReadinessProbe } from './runtime.js';
import type { InProcessScheduler, PollScheduler } from './scheduler.js';

/** Options of {@link createProvisioner}. */
export interface ProvisionerOptions {
  aura: AuraClient;
  store: CredentialStore;
  cipher: CredentialCipher;
  /**
   * The instance each user gets (the name is derived from the user id). `tenantId` defaults to
   * the client's, and without one there to the only tenant the credentials see (looked up at the
   * first create; none or several fail the create with `tenant-required`). Required unless
   * `placement` is `database-per-user`.
   */
  instance?: InstanceSpec | (Omit<InstanceSpec, 'tenantId'> & { tenantId?: string });
  /**
   * Where each user's database goes: an instance of their own (`instance-per-user`, the
   * default), or a database of their own on a shared multi-database instance
   * (`{ kind: 'database-per-user', host }`; the store must keep host records).
   */
  placement?: Placement;
  /**
   * Pause the instances of users who stopped using them, and keep them paused through Aura's
   * 30-day auto-resume; wake them with `wakeUserDatabase` (the per-user clients' `wake`
   * option). Instance-per-user users only. Off by default. See {@link IdleOptions}.
   */
  idle?: IdleOptions;
  /** Default: an {@link InProcessScheduler} on the same clock. */
  scheduler?: PollScheduler;
  /** Must be the clock the Aura client uses. Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** Instance name prefix, 1–4 of `a-z0-9-`. Default `ap-`. */
  instanceNamePrefix?: string;
  /** Status-read timing; see `PollPolicy`. */
  poll?: Partial<PollPolicy>;
  /** A free readiness signal between status reads; off by default. */
  readinessProbe?: ReadinessProbe;
  /**
   * What reconcile does with a proven orphan (an instance or database of this deployment that
   * no record owns, older than `orphanGraceMs`): `report` (default), `adopt` (untagged names of
   * UUID users only) or `delete`. Young, foreign and unproven ones are only ever reported.
   */
  orphans?: OrphanPolicy;
  /**
   * What reconcile does with a duplicate (an instance or database with a user's name whose id
   * the user's record does not hold: a second, billed copy): `report` (default) or `delete`.
   */
  duplicates?: DuplicatePolicy;
  /**
   * What reconcile does with a ready user whose instance, database or host is gone behind the
   * library: `reprovision` (default: back to pending, provisioned again, attempts kept) or
   * `fail` (failed with `instance-lost`, `database-lost` or `host-lost`, for an operator).
   */
  lost?: LostPolicy;
  /**
   * Reconcile never deletes an unowned resource younger than this. Default 600 000 (10 minutes);
   * keep it longer than `createLeaseMs`.
   */
  orphanGraceMs?: number;
  /**
   * Tells this deployment's instances from another's on the same Aura project and prefix (a
   * staging and a production table, say): new instance names carry a tag derived from it, and
   * reconcile deletes only what carries this deployment's tag. Default: the store's
   * `deploymentKey()` (the shipped stores name their table); a string of your own; or `false`
   * for untagged names, declaring the prefix this deployment's alone.
   *
   * @example
   * ```ts
   * createProvisioner({ ...options, deployment: 'production' });
   * ```
   */
  deployment?: string | false;
  maxCreateAttempts?: number;
  createLeaseMs?: number;
  /**
   * How often the provisioner reconciles on its own, in ms (the first run one
   * interval after it is created). Default 300 000 (5 minutes); 0 turns it off.
   * Calling `reconcile()` at start-up is still the quickest way to resume.
   */
  reconcileIntervalMs?: number;
  /** Called for every provisioning event (no secrets in them). */
  onEvent?: ProvisioningListener;
}
