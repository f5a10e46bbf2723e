import type { AuraClient } from '../aura/client.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { ProvisioningListener } from '../records/events.js';
import type { CredentialStore } from '../records/store.js';
import type { Placement } from './placement.js';
import type { PollPolicy } from './poll-policy.js';
import type { OrphanPolicy } from './reconcile.js';
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
  /** What reconcile does with instances no record owns. Default `report`. */
  orphans?: OrphanPolicy;
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
