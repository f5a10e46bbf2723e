import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64, encodeBase64Url } from '../../src/kernel/base64.js';
import { isProvisioningError } from '../../src/records/errors.js';
import { parseAesGcmKeys } from '../../src/stores/aes-gcm-keys.js';
import { createAesGcmCipher, generateAesGcmKey } from '../../src/stores/cipher-aes-gcm.js';

const K1 = generateAesGcmKey();
const K2 = generateAesGcmKey();
const SECRET = 'correct horse battery staple';
const USER = 'user-1';

/** Every spelling of the keys that must never show up in a message or a dump. */
const keyMaterial = [
  K1,
  K2,
  ...[K1, K2].map((key) => encodeBase64Url(decodeBase64(key) ?? new Uint8Array())),
];

/** The error `promise` rejects with, checked to be a CredentialCipherError free of secrets. */
async function cipherError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (caught: unknown) => caught as Error,
  );
  expect(isProvisioningError(error, 'cipher_failure')).toBe(true);
  expect(error.name).toBe('CredentialCipherError');
  for (const text of [error.message, JSON.stringify(error)]) {
    expect(text).not.toContain(SECRET);
    for (const key of keyMaterial) expect(text).not.toContain(key);
  }
  return error;
}

/** The error `create` throws, checked to be a ProvisioningConfigurationError. */
function configurationError(create: () => unknown): Error {
  let error: unknown;
  try {
    create();
  } catch (caught) {
    error = caught;
  }
  expect(isProvisioningError(error, 'invalid_configuration')).toBe(true);
  return error as Error;
}

/** `ciphertext` with one byte of part `index` (2: IV, 3: data) flipped. */
function flipByte(ciphertext: string, index: 2 | 3, at: number): string {
  const parts = ciphertext.split(':');
  const bytes = decodeBase64(parts[index] ?? '') ?? new Uint8Array();
  const i = at < 0 ? bytes.length + at : at;
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  parts[index] = encodeBase64Url(bytes);
  return parts.join(':');
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('createAesGcmCipher', () => {
  const cipher = createAesGcmCipher({ keys: { k1: K1 }, currentKeyId: 'k1' });

  it('decrypts what it encrypted', async () => {
    for (const text of [SECRET, '', 'ünïcødé 🚀 日本語', 'x'.repeat(10_000)]) {
      expect(await cipher.decrypt(await cipher.encrypt(text, USER), USER)).toBe(text);
    }
  });

  it('writes v1:<keyId>:<iv>:<data> without the plaintext', async () => {
    const ciphertext = await cipher.encrypt(SECRET, USER);
    expect(ciphertext).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(ciphertext).not.toContain(SECRET);
    expect(ciphertext).not.toContain(btoa(SECRET).slice(0, 12));
  });

  it('uses a fresh IV each time', async () => {
    const [a, b] = await Promise.all([cipher.encrypt(SECRET, USER), cipher.encrypt(SECRET, USER)]);
    expect(a?.split(':')[2]).not.toBe(b?.split(':')[2]);
    expect(a).not.toBe(b);
  });

  it('decrypts old ciphertexts after the current key rotates', async () => {
    const old = await cipher.encrypt(SECRET, USER);
    const rotated = createAesGcmCipher({ keys: { k1: K1, k2: K2 }, currentKeyId: 'k2' });
    const fresh = await rotated.encrypt(SECRET, USER);
    expect(fresh.startsWith('v1:k2:')).toBe(true);
    expect(await rotated.decrypt(old, USER)).toBe(SECRET);
    expect(await rotated.decrypt(fresh, USER)).toBe(SECRET);
  });

  it('reads the same key as raw bytes, base64 or url-safe base64', async () => {
    const bytes = decodeBase64(K1) ?? new Uint8Array();
    const ciphertext = await cipher.encrypt(SECRET, USER);
    for (const key of [bytes, encodeBase64Url(bytes), `${K1}\n`]) {
      const same = createAesGcmCipher({ keys: { k1: key }, currentKeyId: 'k1' });
      expect(await same.decrypt(ciphertext, USER)).toBe(SECRET);
    }
  });

  it('imports each key once', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const fresh = createAesGcmCipher({ keys: { k1: K1 }, currentKeyId: 'k1' });
    const texts = await Promise.all([1, 2, 3].map(() => fresh.encrypt(SECRET, USER)));
    await Promise.all(texts.map((text) => fresh.decrypt(text, USER)));
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it('names an unknown key id', async () => {
    const other = createAesGcmCipher({ keys: { k9: K2 }, currentKeyId: 'k9' });
    const error = await cipherError(other.decrypt(await cipher.encrypt(SECRET, USER), USER));
    expect(error.message).toMatch(
      /encrypted with key "k1", which is not configured \(configured: k9\)/,
    );
  });

  it('fails with a wrong key of the same id, for another user, or when tampered', async () => {
    const ciphertext = await cipher.encrypt(SECRET, USER);
    const impostor = createAesGcmCipher({ keys: { k1: K2 }, currentKeyId: 'k1' });
    // Started one at a time: a rejection nobody awaits yet would be reported as unhandled.
    const attempts = [
      () => impostor.decrypt(ciphertext, USER),
      () => cipher.decrypt(ciphertext, 'user-2'),
      () => cipher.decrypt(flipByte(ciphertext, 2, 0), USER),
      () => cipher.decrypt(flipByte(ciphertext, 3, 0), USER),
      () => cipher.decrypt(flipByte(ciphertext, 3, -1), USER),
    ];
    for (const attempt of attempts) {
      const error = await cipherError(attempt());
      expect(error.message).toMatch(/key "k1": wrong key, different user, or tampered ciphertext/);
    }
  });

  it('says when a ciphertext is malformed', async () => {
    const ciphertext = await cipher.encrypt(SECRET, USER);
    const [, , iv, data] = ciphertext.split(':');
    const cases: [string, RegExp][] = [
      ['', /malformed ciphertext \(expected v1:<keyId>:<iv>:<data>\)/],
      [SECRET, /malformed ciphertext \(expected v1/],
      [`${ciphertext}:extra`, /malformed ciphertext \(expected v1/],
      [`v1:bad key:${iv}:${data}`, /malformed ciphertext \(invalid key id\)/],
      [`v1:k1:${iv}AA:${data}`, /malformed ciphertext \(the IV is not 12 bytes/],
      [
        `v1:k1:${iv}:${data?.slice(0, 20)}`,
        /malformed ciphertext \(the data is not base64url or too short/,
      ],
      [`v1:k1:${iv}:${data}!`, /malformed ciphertext \(the data is not base64url/],
      [`v2:k1:${iv}:${data}`, /unsupported ciphertext version "v2"/],
      [`plain:${SECRET}`, /stored by the insecure plaintext cipher/],
    ];
    for (const [text, message] of cases) {
      expect((await cipherError(cipher.decrypt(text, USER))).message).toMatch(message);
    }
  });

  it('does not show key material through JSON, String or inspect', () => {
    const rotated = createAesGcmCipher({
      keys: { k1: K1, k2: decodeBase64(K2) ?? K2 },
      currentKeyId: 'k2',
    });
    for (const text of [
      JSON.stringify(rotated),
      String(rotated),
      inspect(rotated, { showHidden: true, depth: 10 }),
    ]) {
      for (const key of keyMaterial) expect(text).not.toContain(key);
    }
  });

  it('refuses unusable options at creation, without echoing the key', () => {
    const short = btoa('x'.repeat(31));
    const cases: [() => unknown, RegExp][] = [
      [() => createAesGcmCipher({ keys: {}, currentKeyId: 'k1' }), /at least one key/],
      [
        () => createAesGcmCipher({ keys: { k1: K1 }, currentKeyId: 'k2' }),
        /currentKeyId "k2" is not among the keys \(k1\)/,
      ],
      [
        () => createAesGcmCipher({ keys: { k1: short }, currentKeyId: 'k1' }),
        /Key "k1" must be 32 bytes.*it is 31 bytes/,
      ],
      [
        () => createAesGcmCipher({ keys: { k1: new Uint8Array(33) }, currentKeyId: 'k1' }),
        /it is 33 bytes/,
      ],
      [
        () => createAesGcmCipher({ keys: { k1: 'ab'.repeat(32) }, currentKeyId: 'k1' }),
        /it is 48 bytes/,
      ],
      [
        () => createAesGcmCipher({ keys: { k1: `${K1.slice(0, 40)}$$$=` }, currentKeyId: 'k1' }),
        /Key "k1" is not valid base64/,
      ],
      [
        () => createAesGcmCipher({ keys: { 'a:b': K1 }, currentKeyId: 'a:b' }),
        /A key id in `keys` is invalid/,
      ],
      [
        () => createAesGcmCipher({ keys: { ['k'.repeat(33)]: K1 }, currentKeyId: 'k1' }),
        /is invalid/,
      ],
      [
        () => createAesGcmCipher({ keys: { k1: K1 }, currentKeyId: K2 }),
        /currentKeyId \(not a valid key id\) is not among the keys \(k1\)/,
      ],
      [
        () =>
          createAesGcmCipher({ keys: { k1: undefined as unknown as string }, currentKeyId: 'k1' }),
        /Key "k1" must be a base64 string or a Uint8Array, not undefined/,
      ],
    ];
    for (const [create, message] of cases) {
      const error = configurationError(create);
      expect(error.message).toMatch(message);
      for (const key of [...keyMaterial, short, K1.slice(0, 40)])
        expect(error.message).not.toContain(key);
    }
  });

  it('refuses to start without Web Crypto', () => {
    vi.stubGlobal('crypto', undefined);
    const error = configurationError(() =>
      createAesGcmCipher({ keys: { k1: K1 }, currentKeyId: 'k1' }),
    );
    expect(error.message).toMatch(/needs Web Crypto/);
  });
});

describe('generateAesGcmKey', () => {
  it('returns 32 fresh random bytes as standard base64', () => {
    const key = generateAesGcmKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(decodeBase64(key)).toHaveLength(32);
    expect(generateAesGcmKey()).not.toBe(key);
  });
});

describe('parseAesGcmKeys', () => {
  it('reads `k1=<base64>,k2=...` as the cipher options: the first key encrypts unless named', async () => {
    const [k1, k2] = [generateAesGcmKey(), generateAesGcmKey()];
    const options = parseAesGcmKeys(`k2=${k2}, k1=${k1}`);
    expect(options).toEqual({ keys: { k2, k1 }, currentKeyId: 'k2' });
    expect(parseAesGcmKeys(`k2=${k2},k1=${k1}`, 'k1').currentKeyId).toBe('k1');
    const stored = await createAesGcmCipher(options).encrypt('pa55word', 'user-1');
    expect(stored.startsWith('v1:k2:')).toBe(true);
  });

  it('refuses a bad list with a typed error that names no key', () => {
    const key = generateAesGcmKey();
    for (const text of ['', key, `k1=${key},k1=${key}`, `=${key}`]) {
      const error = (() => {
        try {
          parseAesGcmKeys(text);
        } catch (caught) {
          return caught as Error;
        }
        return undefined;
      })();
      expect(error).toMatchObject({ name: 'ProvisioningConfigurationError' });
      expect(error?.message).not.toContain(key);
    }
  });
});
