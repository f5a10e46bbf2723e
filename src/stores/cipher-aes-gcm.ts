import { decodeBase64, encodeBase64, encodeBase64Url } from '../kernel/base64.js';
import type { CredentialCipher } from '../records/cipher.js';
import { CredentialCipherError, ProvisioningConfigurationError } from '../records/errors.js';

/** Options of {@link createAesGcmCipher}. */
export interface AesGcmCipherOptions {
  /**
   * The keys by id. A key is 32 random bytes, given as raw bytes or as base64
   * (standard `+/` or url-safe `-_`, padding optional, surrounding whitespace
   * ignored). Hex is not accepted. Ids match `[A-Za-z0-9_-]{1,32}` and are
   * written into every ciphertext, so keep old keys here until nothing uses them.
   */
  keys: Readonly<Record<string, string | Uint8Array>>;
  /** The key that encrypts; every key in `keys` can decrypt. */
  currentKeyId: string;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// `${VERSION}:...`, written out: a template would be kept by bundlers even where unused.
const FORMAT = 'v1:<keyId>:<iv>:<data>';

/**
 * A {@link CredentialCipher} with AES-256-GCM through Web Crypto (Node 22+,
 * Bun, Deno, edge runtimes). Each ciphertext is `v1:<keyId>:<iv>:<data>`
 * (base64url, a fresh 12-byte IV each time), with `context` (the user id) as
 * additional data. `decrypt` uses the key named in the ciphertext, so keys
 * rotate by adding a key and moving `currentKeyId` to it.
 *
 * Throws {@link ProvisioningConfigurationError} at once for unusable options;
 * `decrypt` throws {@link CredentialCipherError}. Neither message holds a key
 * or a plaintext, and the returned object holds the keys out of sight.
 *
 * @example
 * ```ts
 * const cipher = createAesGcmCipher({
 *   keys: { k2: process.env.AURA_KEY_2!, k1: process.env.AURA_KEY_1! },
 *   currentKeyId: 'k2',
 * });
 * const stored = await cipher.encrypt(password, userId); // 'v1:k2:...'
 * const plain = await cipher.decrypt(stored, userId);
 * ```
 */
export function createAesGcmCipher(options: AesGcmCipherOptions): CredentialCipher {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new ProvisioningConfigurationError(
      'createAesGcmCipher needs Web Crypto (globalThis.crypto.subtle), which this runtime lacks',
    );
  }
  const rawKeys = validateKeys(options);
  const { currentKeyId } = options;
  const keyIds = [...rawKeys.keys()];
  const imported = new Map<string, Promise<CryptoKey>>();

  // Imported on first use and cached; the raw bytes are dropped once imported.
  const cryptoKey = (keyId: string): Promise<CryptoKey> | undefined => {
    const cached = imported.get(keyId);
    if (cached) return cached;
    const raw = rawKeys.get(keyId);
    if (!raw) return undefined;
    const key = subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    imported.set(keyId, key);
    rawKeys.delete(keyId);
    return key;
  };

  return {
    async encrypt(plaintext, context) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      try {
        const key = await (cryptoKey(currentKeyId) as Promise<CryptoKey>);
        const data = await subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: utf8(context) },
          key,
          utf8(plaintext),
        );
        const parts = [VERSION, currentKeyId, encodeBase64Url(iv)];
        return [...parts, encodeBase64Url(new Uint8Array(data))].join(':');
      } catch (cause) {
        throw new CredentialCipherError(
          `Cannot encrypt credential with key "${currentKeyId}": Web Crypto failed`,
          { userId: context, cause },
        );
      }
    },

    async decrypt(ciphertext, context) {
      const parsed = parseCiphertext(ciphertext, context);
      const key = cryptoKey(parsed.keyId);
      if (!key) {
        throw new CredentialCipherError(
          `Cannot decrypt credential: it was encrypted with key "${parsed.keyId}", which is not configured (configured: ${keyIds.join(', ')})`,
          { userId: context },
        );
      }
      try {
        const plain = await subtle.decrypt(
          { name: 'AES-GCM', iv: parsed.iv, additionalData: utf8(context) },
          await key,
          parsed.data,
        );
        return new TextDecoder().decode(plain);
      } catch (cause) {
        throw new CredentialCipherError(
          `Cannot decrypt credential with key "${parsed.keyId}": wrong key, different user, or tampered ciphertext`,
          { userId: context, cause },
        );
      }
    },
  };
}

/**
 * A fresh random AES-256 key as standard base64 (44 characters), for
 * {@link createAesGcmCipher}. Same as `openssl rand -base64 32`.
 *
 * @example
 * ```ts
 * console.log(`AURA_CREDENTIAL_KEY=${generateAesGcmKey()}`);
 * ```
 */
export function generateAesGcmKey(): string {
  return encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/** Checks every key and id up front; returns copies of the raw key bytes by id. */
function validateKeys({
  keys,
  currentKeyId,
}: AesGcmCipherOptions): Map<string, Uint8Array<ArrayBuffer>> {
  const entries = Object.entries(keys ?? {});
  if (entries.length === 0) {
    throw new ProvisioningConfigurationError('createAesGcmCipher needs at least one key in `keys`');
  }
  const raw = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [keyId, key] of entries) {
    // Invalid ids are not echoed: a key pasted in the wrong place would leak into the message.
    if (!KEY_ID.test(keyId)) {
      throw new ProvisioningConfigurationError(
        `A key id in \`keys\` is invalid: use 1 to 32 of A-Z a-z 0-9 _ -`,
      );
    }
    if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
      throw new ProvisioningConfigurationError(
        `Key "${keyId}" must be a base64 string or a Uint8Array, not ${key === null ? 'null' : typeof key}`,
      );
    }
    // Copied, so a caller who later zeroes or reuses the buffer does not change the key.
    const bytes = typeof key === 'string' ? decodeBase64(key.trim()) : new Uint8Array(key);
    if (!bytes) {
      throw new ProvisioningConfigurationError(`Key "${keyId}" is not valid base64`);
    }
    if (bytes.length !== KEY_BYTES) {
      throw new ProvisioningConfigurationError(
        `Key "${keyId}" must be ${KEY_BYTES} bytes (44 base64 characters, e.g. from generateAesGcmKey() or \`openssl rand -base64 32\`), but it is ${bytes.length} bytes`,
      );
    }
    raw.set(keyId, bytes);
  }
  if (!raw.has(currentKeyId)) {
    const shown = KEY_ID.test(String(currentKeyId)) ? `"${currentKeyId}"` : '(not a valid key id)';
    throw new ProvisioningConfigurationError(
      `currentKeyId ${shown} is not among the keys (${[...raw.keys()].join(', ')})`,
    );
  }
  return raw;
}

interface ParsedCiphertext {
  keyId: string;
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

/** Splits `v1:<keyId>:<iv>:<data>`; says what is wrong without echoing the input. */
function parseCiphertext(ciphertext: string, userId: string): ParsedCiphertext {
  const malformed = (why: string) =>
    new CredentialCipherError(`Cannot decrypt credential: malformed ciphertext (${why})`, {
      userId,
    });
  if (typeof ciphertext !== 'string') throw malformed(`expected a string ${FORMAT}`);
  if (ciphertext.startsWith('plain:')) {
    throw new CredentialCipherError(
      'Cannot decrypt credential: it was stored by the insecure plaintext cipher, which the AES-GCM cipher refuses to read',
      { userId },
    );
  }
  const parts = ciphertext.split(':');
  const [version, keyId, iv, data] = parts;
  if (version !== VERSION && version !== undefined && /^v\d{1,4}$/.test(version)) {
    throw new CredentialCipherError(
      `Cannot decrypt credential: unsupported ciphertext version "${version}" (this cipher reads ${VERSION})`,
      { userId },
    );
  }
  if (parts.length !== 4 || version !== VERSION) throw malformed(`expected ${FORMAT}`);
  if (!KEY_ID.test(keyId as string)) throw malformed('invalid key id');
  const ivBytes = decodeCanonical(iv as string);
  if (ivBytes?.length !== IV_BYTES) throw malformed(`the IV is not ${IV_BYTES} bytes of base64url`);
  const dataBytes = decodeCanonical(data as string);
  if (!dataBytes || dataBytes.length < TAG_BYTES) {
    throw malformed('the data is not base64url or too short to hold the tag');
  }
  return { keyId: keyId as string, iv: ivBytes, data: dataBytes };
}

/** Base64url as `encrypt` writes it; rejects other spellings of the same bytes. */
function decodeCanonical(text: string): Uint8Array<ArrayBuffer> | null {
  const bytes = decodeBase64(text);
  return bytes && encodeBase64Url(bytes) === text ? bytes : null;
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}
