import { ProvisioningConfigurationError } from '../records/errors.js';
import type { AesGcmCipherOptions } from './cipher-aes-gcm.js';

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
 * The cipher's options from one line of text, `k1=<base64>,k2=<base64>`: the
 * value of `AURA_PROVISIONER_KEYS`, which `aura-provisioner dev` prints and
 * the CLI reads, so the app and the CLI share one setting. The first key
 * encrypts unless `currentKeyId` names another; every key decrypts. Throws
 * `ProvisioningConfigurationError` for a bad line, naming no key material.
 *
 * @example
 * ```ts
 * const cipher = createAesGcmCipher(parseAesGcmKeys(process.env.AURA_PROVISIONER_KEYS ?? ''));
 * ```
 */
export function parseAesGcmKeys(text: string, currentKeyId?: string): AesGcmCipherOptions {
  const parsed = parseKeyList(typeof text === 'string' ? text : '');
  if (!parsed.ok) {
    throw new ProvisioningConfigurationError(
      `Invalid key list (\`k1=<base64 key>,k2=...\`): ${parsed.problem}`,
    );
  }
  const first = Object.keys(parsed.keys)[0] as string;
  return { keys: parsed.keys, currentKeyId: currentKeyId ?? first };
}
