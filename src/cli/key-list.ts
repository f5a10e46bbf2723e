import { createAesGcmCipher } from '../stores/cipher-aes-gcm.js';

/** The cipher's rule for key ids. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Keys by id, as `createAesGcmCipher` takes them. */
export type KeyList = Record<string, string>;

/**
 * Parses `k1=<base64>,k2=<base64>` (the value of `AURA_PROVISIONER_KEYS`).
 * Only the first `=` of an entry separates, since base64 pads with `=`.
 * Messages never quote an entry: it may be a key pasted without its id.
 *
 * @example
 * ```ts
 * parseKeyList('k1=AAEC...=, k2=BBEC...='); // { ok: true, keys: { k1: 'AAEC...=', k2: 'BBEC...=' } }
 * ```
 */
export function parseKeyList(
  text: string,
): { ok: true; keys: KeyList } | { ok: false; problem: string } {
  const keys: KeyList = {};
  const entries = text.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const at = `entry ${index + 1} of ${entries.length}`;
    if (entry === '') return { ok: false, problem: `${at} is empty` };
    const equals = entry.indexOf('=');
    if (equals <= 0) return { ok: false, problem: `${at} is not \`id=<base64 key>\`` };
    const id = entry.slice(0, equals).trim();
    if (!KEY_ID.test(id)) {
      return {
        ok: false,
        problem: `${at} does not start with a key id (1–32 of A-Z a-z 0-9 _ -): write \`id=<base64 key>\``,
      };
    }
    if (id in keys) return { ok: false, problem: `${at} repeats the key id "${id}"` };
    keys[id] = entry.slice(equals + 1).trim();
  }
  return { ok: true, keys };
}

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
