import { type KeyList, parseKeyList } from '../stores/aes-gcm-keys.js';
import { createAesGcmCipher } from '../stores/cipher-aes-gcm.js';

export { type KeyList, parseKeyList };

/**
 * Checks keys the way the cipher will use them (base64, 32 bytes, the current
 * key among them). Returns the cipher's own message, which names key ids only.
 */
export function keyProblem(keys: KeyList, currentKeyId: string): string | undefined {
  try {
    createAesGcmCipher({ keys, currentKeyId });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
