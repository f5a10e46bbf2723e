import { CredentialStoreError, isProvisioningError } from '../records/errors.js';
import type { HostStore } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';

/**
 * Wraps a store so that whatever it throws reaches callers as a typed
 * `CredentialStoreError` naming the operation (the original as `cause`). A
 * store's own `ProvisioningError`s pass through. Messages carry no record
 * fields, so no ciphertext can leak through them.
 */
export function guardStore(store: CredentialStore): CredentialStore {
  const guard =
    <A extends unknown[], R>(operation: keyof CredentialStore, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (cause) {
        if (isProvisioningError(cause)) throw cause;
        const userId = typeof args[0] === 'string' ? args[0] : undefined;
        throw new CredentialStoreError(operation, 'the store threw', { userId, cause });
      }
    };
  return {
    get: guard('get', (userId) => store.get(userId)),
    claim: guard('claim', (record) => store.claim(record)),
    update: guard('update', (userId, version, patch) => store.update(userId, version, patch)),
    delete: guard('delete', (userId, version) => store.delete(userId, version)),
    list: guard('list', (query) => store.list(query)),
    deploymentKey: guard('deploymentKey', async () => store.deploymentKey?.()),
    ...(store.recordUse && {
      recordUse: guard('recordUse', (uses) => store.recordUse?.(uses) ?? Promise.resolve()),
    }),
  };
}

/** {@link guardStore} for the host records of a store. */
export function guardHostStore(store: HostStore): HostStore {
  const guard =
    <A extends unknown[], R>(operation: keyof HostStore, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (cause) {
        if (isProvisioningError(cause)) throw cause;
        throw new CredentialStoreError(operation, 'the store threw', { cause });
      }
    };
  return {
    getHost: guard('getHost', (hostName) => store.getHost(hostName)),
    claimHost: guard('claimHost', (record) => store.claimHost(record)),
    updateHost: guard('updateHost', (hostName, version, patch) =>
      store.updateHost(hostName, version, patch),
    ),
    deleteHost: guard('deleteHost', (hostName, version) => store.deleteHost(hostName, version)),
    listHosts: guard('listHosts', () => store.listHosts()),
  };
}
