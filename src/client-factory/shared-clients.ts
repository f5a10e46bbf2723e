import type { CredentialCipher } from '../records/cipher.js';
import type { CredentialStore } from '../records/store.js';
import { UserClientConfigurationError } from './errors.js';
import type { UserClients, UserClientsOptions } from './user-clients.js';

interface Shared {
  cipher: CredentialCipher;
  clients: UserClients;
}

/** One cache per store, made by the first call for it; collected with the store. */
const sharedByStore = new WeakMap<CredentialStore, Shared>();

/**
 * The cache shared by every call with this `store`: made with the first
 * call's options, reused after (later options are ignored). A different
 * `cipher` for the same store is refused, since its clients would come from
 * the first one. After `closeAll()` the next call makes a fresh cache.
 */
export function sharedClientsFor(
  options: UserClientsOptions,
  create: (options: UserClientsOptions) => UserClients,
): UserClients {
  const found = sharedByStore.get(options.store);
  if (found !== undefined) {
    if (found.cipher !== options.cipher) {
      throw new UserClientConfigurationError(
        'createClientForUser was called with another cipher for the same store; use createUserClients for a second cache',
      );
    }
    return found.clients;
  }
  if (!options.store || !options.cipher) {
    throw new UserClientConfigurationError('createClientForUser needs `store` and `cipher`');
  }
  const clients = create(options);
  const closeAll = clients.closeAll;
  const shared: Shared = {
    cipher: options.cipher,
    clients: {
      ...bindAll(clients),
      closeAll(closeOptions) {
        if (sharedByStore.get(options.store) === shared) sharedByStore.delete(options.store);
        return closeAll(closeOptions);
      },
      [Symbol.asyncDispose]() {
        return this.closeAll();
      },
      get size() {
        return clients.size;
      },
    },
  };
  sharedByStore.set(options.store, shared);
  return shared.clients;
}

function bindAll(clients: UserClients) {
  return {
    driverFor: clients.driverFor,
    withDriver: clients.withDriver,
    run: clients.run,
    queryClientFor: clients.queryClientFor,
    invalidate: clients.invalidate,
  };
}
