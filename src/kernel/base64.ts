// btoa/atob exist in every runtime we target (Node 22+, Bun, Deno, edge workers);
// Uint8Array.fromBase64 does not yet (Node 24 lacks it).

const BASE64 = /^[A-Za-z0-9+/]*$/;

/**
 * Encodes bytes as standard base64 (`+`, `/`, padded with `=`).
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([251, 255])); // '+/8='
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Encodes bytes as url-safe base64 (`-`, `_`, no padding), fit for a `:`-separated string or a URL.
 *
 * @example
 * ```ts
 * encodeBase64Url(new Uint8Array([251, 255])); // '-_8'
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64 in either alphabet (standard `+/` or url-safe `-_`), with or
 * without `=` padding. Returns `null` for anything else, so the caller can
 * word the error (and keep the input, which may be a secret, out of it).
 *
 * @example
 * ```ts
 * decodeBase64('-_8'); // Uint8Array [251, 255]
 * decodeBase64('+/8='); // Uint8Array [251, 255]
 * decodeBase64('not base64!'); // null
 * ```
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/');
  const body = padded.replace(/={1,2}$/, '');
  if (!BASE64.test(body) || body.length % 4 === 1) return null;
  // Padding, when present, must complete the last group of four.
  if (body.length !== padded.length && padded.length % 4 !== 0) return null;
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
