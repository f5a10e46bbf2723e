import { CredentialStoreError, isProvisioningError } from '../records/errors.js';
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
  };
}
