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
  | 'deprovisioning'
  | 'deprovisioned';

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
