import type { CredentialCipher } from '../records/cipher.js';
import { CredentialCipherError } from '../records/errors.js';

const PREFIX = 'plain:';

/**
 * A {@link CredentialCipher} that does **not** encrypt: it stores
 * `plain:<password>`, readable by anyone who can read the store. For local
 * development and tests only; use {@link createAesGcmCipher} anywhere else.
 * It logs nothing. `context` is ignored, so nothing binds a value to its user.
 *
 * @example
 * ```ts
 * const cipher = process.env.NODE_ENV === 'development'
 *   ? createInsecurePlaintextCipher()
 *   : createAesGcmCipher({ keys: { k1: process.env.AURA_KEY_1! }, currentKeyId: 'k1' });
 * ```
 */
export function createInsecurePlaintextCipher(): CredentialCipher {
  return {
    async encrypt(plaintext) {
      return `${PREFIX}${plaintext}`;
    },
    async decrypt(ciphertext, context) {
      if (typeof ciphertext === 'string' && ciphertext.startsWith(PREFIX)) {
        return ciphertext.slice(PREFIX.length);
      }
      throw new CredentialCipherError(
        `Cannot decrypt credential: the insecure plaintext cipher reads only "${PREFIX}" values (was it encrypted with createAesGcmCipher?)`,
        { userId: context },
      );
    },
  };
}
