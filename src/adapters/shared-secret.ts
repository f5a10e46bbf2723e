import { equalBytes, hmacSha256, importHmacKey } from './constant-time.js';
import { WebhookConfigurationError } from './errors.js';

/** Tells whether a header value is one of the accepted shared secrets. */
export type SharedSecretVerifier = (presented: string | null) => Promise<boolean>;

/** Shorter secrets can be guessed; Supabase's own secrets are far longer. */
const MIN_SECRET_LENGTH = 16;

/**
 * Builds a verifier for a shared-secret header (a Supabase Database Webhook
 * sends it as configured on the trigger). Several secrets are accepted, so a
 * secret can rotate: add the new one, move the trigger to it, drop the old.
 *
 * Both sides are hashed under a per-process random key before the comparison,
 * so the comparison takes the same time whatever the presented value's
 * length or content, and every secret is compared (no early exit).
 *
 * @example
 * ```ts
 * const verify = createSharedSecretVerifier([process.env.WEBHOOK_SECRET!]);
 * await verify(request.headers.get('x-webhook-secret')); // true or false
 * ```
 */
export function createSharedSecretVerifier(secrets: readonly string[]): SharedSecretVerifier {
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      throw new WebhookConfigurationError(
        `Invalid webhook shared secret: expected a string of at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
  }
  const ready = (async () => {
    const key = await importHmacKey(crypto.getRandomValues(new Uint8Array(32)));
    const digests = await Promise.all(secrets.map((secret) => hmacSha256(key, secret)));
    return { key, digests };
  })();
  return async (presented) => {
    if (presented === null || presented.length === 0) return false;
    const { key, digests } = await ready;
    const digest = await hmacSha256(key, presented);
    let matched = false;
    for (const expected of digests) matched = equalBytes(digest, expected) || matched;
    return matched;
  };
}
