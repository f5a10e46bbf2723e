import type { Clock } from '../kernel/clock.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { ProvisioningListener } from '../records/events.js';
import type { CredentialStore } from '../records/store.js';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import { UserClientConfigurationError } from './errors.js';
import { HostDirectory } from './host-directory.js';
import type { UserConnection } from './user-connection.js';
import type { WakeOption } from './wake.js';

/**
 * Something to hear provisioning events from: a `Provisioner` fits. Every
 * event that names a user drops that user's cached clients at once.
 *
 * @example
 * ```ts
 * const clients = createUserClients({ store, cipher, events: provisioner });
 * ```
 */
export interface ProvisioningEventSource {
  subscribe(listener: ProvisioningListener): () => void;
}

/** Takes a lease on a cached client (an open session, say); call the result once to end it. */
export type Lease = () => () => void;

/** Everything a `ClientCache` needs; the public factories fill in the defaults. */
export interface ClientCacheOptions<T> {
  store: CredentialStore;
  cipher: CredentialCipher;
  clock: Clock;
  maxSize: number;
  idleMs: number;
  revalidateMs: number;
  closeGraceMs: number;
  events?: ProvisioningEventSource | undefined;
  /** Where users on shared hosts find their host. */
  hosts: HostDirectory;
  /** Wakes a paused user on first use (see `WakeOption`). */
  wake?: WakeOption | undefined;
  /** Told of every client handed out (the use recording); must not block or throw. */
  onUse?: ((userId: string) => void) | undefined;
  /** Makes the client and says how to close it; `lease` lets it stay open while it is in use. */
  build(connection: UserConnection, password: string, lease: Lease): Built<T>;
}

/** A client as {@link ClientCacheOptions.build} makes it. */
export interface Built<T> {
  client: T;
  close(): Promise<void>;
}

/** `maxSize` a positive integer; `idleMs` positive, other times non-negative (`Infinity` allowed: never). */
export function checkLimits(options: ClientCacheOptions<unknown>): void {
  const { maxSize, idleMs, revalidateMs, closeGraceMs } = options;
  if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
    throw new UserClientConfigurationError(`maxSize must be a positive integer, not ${maxSize}`);
  }
  // 0 would expire a client the moment it is made: an idle time must be a real span of time.
  if (typeof idleMs !== 'number' || !(idleMs > 0)) {
    throw new UserClientConfigurationError(`idleMs must be a number of ms > 0, not ${idleMs}`);
  }
  for (const [name, value] of Object.entries({ revalidateMs, closeGraceMs })) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new UserClientConfigurationError(`${name} must be a number of ms >= 0, not ${value}`);
    }
  }
}

/** The options both per-user caches share. */
interface SharedCacheOptions {
  store: CredentialStore;
  cipher: CredentialCipher;
  maxSize?: number;
  idleMs?: number;
  revalidateMs?: number;
  events?: ProvisioningEventSource;
  wake?: WakeOption;
}

/**
 * What both per-user caches take from their options, the defaults filled in.
 * Pass `hosts` to share one host directory between caches.
 */
export function sharedCacheSettings(
  options: SharedCacheOptions,
  clock: Clock,
  hosts: HostDirectory = new HostDirectory(options.store, clock),
) {
  return {
    hosts,
    store: options.store,
    cipher: options.cipher,
    clock,
    maxSize: options.maxSize ?? CLIENT_FACTORY_DEFAULTS.maxSize,
    idleMs: options.idleMs ?? CLIENT_FACTORY_DEFAULTS.idleMs,
    revalidateMs: options.revalidateMs ?? CLIENT_FACTORY_DEFAULTS.revalidateMs,
    events: options.events,
    wake: options.wake,
  };
}
