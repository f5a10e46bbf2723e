import { ProvisioningConfigurationError } from './errors.js';

// Aura names are at most 30 characters. A 128-bit value takes 25 base-36
// characters, which leaves 5: one for a marker (`u`: the user id is a UUID,
// encoded reversibly; `h`: a hash of any other id) and up to 4 for the prefix.
const BODY_LENGTH = 25;
export const MAX_PREFIX_LENGTH = 4;
// Lower case only: the reversible encoding drops case, and two ids differing only in case
// must never share a name (one user's cleanup would delete the other's instance). Any other
// spelling of a UUID is hashed like every other id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX = /^[a-z0-9-]{1,4}$/;

const FNV_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV_PRIME = 0x0000000001000000000000000000013bn;
// 2^128 - 1, written out: a computed BigInt would be kept by bundlers even where unused.
const MASK_128 = 0xffffffffffffffffffffffffffffffffn;

/** FNV-1a over the UTF-8 bytes, 128 bits: stable across runtimes and versions. */
function fnv1a128(text: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_128;
  }
  return hash;
}

const encode = (value: bigint) => value.toString(36).padStart(BODY_LENGTH, '0');

/** Checks an instance name prefix: 1–4 of `a-z`, `0-9`, `-`. */
export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new ProvisioningConfigurationError(
      `Invalid instance name prefix "${prefix}": use 1–${MAX_PREFIX_LENGTH} characters of a-z, 0-9 and -`,
    );
  }
  return prefix;
}

/**
 * The Aura instance name of a user's database: the prefix, then the user id
 * packed into 26 characters (30 at most in all). The same user always gets
 * the same name, so a create whose answer was lost can be found by name.
 * A lower-case UUID user id (Supabase's) is encoded reversibly, so an instance
 * nobody's record owns can still be traced back to its user; any other id is
 * hashed (128 bits). Names are injective: ids that differ, even only in letter
 * case, get different names.
 *
 * @example
 * ```ts
 * instanceNameForUser('7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e', 'ap-');
 * // 'ap-u' + 25 base-36 characters
 * ```
 */
export function instanceNameForUser(userId: string, prefix: string): string {
  checkPrefix(prefix);
  if (UUID.test(userId)) return `${prefix}u${encode(BigInt(`0x${userId.replace(/-/g, '')}`))}`;
  return `${prefix}h${encode(fnv1a128(userId))}`;
}

/**
 * The user id an instance name encodes, when it can be recovered: names of
 * UUID users carrying this prefix. `undefined` for hashed ids and foreign names.
 */
export function userIdFromInstanceName(name: string, prefix: string): string | undefined {
  if (!name.startsWith(`${prefix}u`) || name.length !== prefix.length + 1 + BODY_LENGTH) {
    return undefined;
  }
  const body = name.slice(prefix.length + 1);
  if (!/^[0-9a-z]+$/.test(body)) return undefined;
  let value = 0n;
  for (const char of body) value = value * 36n + BigInt(Number.parseInt(char, 36));
  if (value > MASK_128) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether `name` has the shape of a name this prefix produces (either kind). */
export function isOwnInstanceName(name: string, prefix: string): boolean {
  const body = name.slice(prefix.length + 1);
  return (
    name.startsWith(prefix) &&
    name.length === prefix.length + 1 + BODY_LENGTH &&
    (name[prefix.length] === 'u' || name[prefix.length] === 'h') &&
    /^[0-9a-z]+$/.test(body)
  );
}
