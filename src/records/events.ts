/** Names of the events the provisioner emits, in the order a happy path sees them. */
export type ProvisioningEventType =
  | 'claimed'
  | 'create-requested'
  | 'create-deferred'
  | 'creating'
  | 'ready'
  | 'failed'
  | 'retrying'
  | 'adopted'
  | 'instance-discarded'
  | 'orphan-found'
  | 'orphan-deleted'
  | 'lost'
  | 'paused'
  | 'resuming'
  | 'deprovisioning'
  | 'deprovisioned';

/**
 * What a resource of ours (by its name) that no record owns by id is:
 * - `orphan`: provably this deployment's (its name carries our tag, the
 *   prefix is ours alone, or it is a database on a host a host record holds,
 *   whoever named it), no record names it, older than the grace period;
 * - `young`: unowned but younger than the grace period (or of unknown age):
 *   a create may still be settling; judged again on a later pass;
 * - `duplicate`: a user's name whose id no record holds (the record holds
 *   another): a second, billed copy;
 * - `foreign`: another deployment's (its name carries another tag);
 * - `unproven`: nothing proves it ours (an untagged name while our names
 *   are tagged, or a store read that was not consistent).
 */
export type UnownedKind = 'orphan' | 'young' | 'duplicate' | 'foreign' | 'unproven';

/**
 * One step of one user's provisioning. Never carries a secret: no password,
 * ciphertext, token or `auth.users` field beyond the user id.
 */
export interface ProvisioningEventInfo {
  type: ProvisioningEventType;
  at: number;
  userId?: string | undefined;
  instanceId?: string | undefined;
  instanceName?: string | undefined;
  /** Why (for `failed`, `create-deferred`, `instance-discarded`, ...). */
  reason?: string | undefined;
  /** For `failed`: whether reconcile will retry. */
  retryable?: boolean | undefined;
  /**
   * For `orphan-found` and `orphan-deleted`: what the resource no record owns
   * is (`orphan`, `young`, `duplicate`, `foreign`, `unproven`; see reconcile).
   */
  kind?: UnownedKind | undefined;
  /** For `orphan-found`, `orphan-deleted` and `lost` on a shared host: the database's name. */
  databaseName?: string | undefined;
}

export type ProvisioningListener = (event: ProvisioningEventInfo) => void;

/** A tiny synchronous emitter; a listener that throws is isolated from the others. */
export class ProvisioningEvents {
  readonly #listeners = new Set<ProvisioningListener>();

  subscribe(listener: ProvisioningListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ProvisioningEventInfo): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break provisioning.
      }
    }
  }
}
