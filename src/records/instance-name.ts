import { ProvisioningConfigurationError } from './errors.js';

// Aura names are at most 30 characters. A 128-bit value takes 25 base-36
// characters, which leaves 5: one for a marker (`u`: the user id is a UUID,
// encoded reversibly; `h`: a hash of any other id) and up to 4 for the prefix.
// With a deployment tag (marker `t`) the 25 are the tag's 4 and 21 of a hash
// of tag and user id (108 bits): the tag tells one deployment's names from
// another's on the same account, at the price of the UUID's reversibility.
const BODY_LENGTH = 25;
const TAG_LENGTH = 4;
export const MAX_PREFIX_LENGTH = 4;
// Lower case only: the reversible encoding drops case, and two ids differing only in case
// must never share a name (one user's cleanup would delete the other's instance). Any other
// spelling of a UUID is hashed like every other id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX = /^[a-z0-9-]{1,4}$/;
const TAG = /^[a-z0-9]{4}$/;

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

const encode = (value: bigint, length = BODY_LENGTH) =>
  (value % 36n ** BigInt(length)).toString(36).padStart(length, '0');

/**
 * The 4-character tag (`a-z0-9`) of a deployment key: what tells the names
 * one deployment (one store) makes from another's under the same prefix.
 *
 * @example
 * ```ts
 * deploymentTag('postgres:7716536283004465501/app/public.user_databases'); // e.g. 'k3x9'
 * ```
 */
export function deploymentTag(key: string): string {
  return encode(fnv1a128(`aura-provisioner deployment\0${key}`), TAG_LENGTH);
}

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
 * case, get different names. With a deployment `tag` (see {@link deploymentTag})
 * the name carries it (`<prefix>t<tag><21>`), the rest a hash of tag and user id.
 *
 * @example
 * ```ts
 * instanceNameForUser('7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e', 'ap-');
 * // 'ap-u' + 25 base-36 characters
 * instanceNameForUser('7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e', 'ap-', 'k3x9');
 * // 'ap-tk3x9' + 21 base-36 characters
 * ```
 */
export function instanceNameForUser(userId: string, prefix: string, tag?: string): string {
  checkPrefix(prefix);
  if (tag !== undefined) {
    if (!TAG.test(tag)) {
      throw new ProvisioningConfigurationError(`Invalid deployment tag "${tag}"`);
    }
    const body = encode(fnv1a128(`${tag}\0${userId}`), BODY_LENGTH - TAG_LENGTH);
    return `${prefix}t${tag}${body}`;
  }
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

/** Whether `name` has the shape of a name this prefix produces (any kind, tagged or not). */
export function isOwnInstanceName(name: string, prefix: string): boolean {
  const body = name.slice(prefix.length + 1);
  const marker = name[prefix.length];
  return (
    name.startsWith(prefix) &&
    name.length === prefix.length + 1 + BODY_LENGTH &&
    (marker === 'u' || marker === 'h' || marker === 't') &&
    /^[0-9a-z]+$/.test(body)
  );
}

/**
 * The deployment tag a name of this prefix carries, or `undefined` for an
 * untagged name (`u`, `h`) and for names not of our making.
 *
 * @example
 * ```ts
 * nameTagOf(instanceNameForUser(userId, 'ap-', 'k3x9'), 'ap-'); // 'k3x9'
 * ```
 */
export function nameTagOf(name: string, prefix: string): string | undefined {
  if (!isOwnInstanceName(name, prefix) || name[prefix.length] !== 't') return undefined;
  return name.slice(prefix.length + 1, prefix.length + 1 + TAG_LENGTH);
}
