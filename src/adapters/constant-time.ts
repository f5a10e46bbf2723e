const encoder = new TextEncoder();

/**
 * Compares two byte strings in time that depends only on their lengths (never
 * on where they differ). Callers compare fixed-length digests, so the length
 * itself tells an attacker nothing.
 *
 * @example
 * ```ts
 * equalBytes(await hmacSha256(key, a), await hmacSha256(key, b));
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** Imports raw key bytes (or a UTF-8 string) for HMAC-SHA256 signing through Web Crypto. */
export function importHmacKey(secret: Uint8Array<ArrayBuffer> | string): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** HMAC-SHA256 of `data` (bytes, or a string taken as UTF-8). */
export async function hmacSha256(
  key: CryptoKey,
  data: Uint8Array<ArrayBuffer> | string,
): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes));
}

/** Concatenates byte strings (the signed content of a webhook is a prefix and the raw body). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
