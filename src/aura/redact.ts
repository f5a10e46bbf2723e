/** Secrets remembered per client: the credentials, then the latest tokens and passwords. */
const MAX_SECRETS = 64;

/**
 * Remembers `value` among a client's known secrets (client secret, Basic
 * credentials, access tokens, instance passwords), so that an upstream body
 * echoing one is redacted. Values under 6 characters are too common to redact;
 * past 64, the oldest token or password goes, never the two credentials.
 */
export function rememberSecret(secrets: string[], value: string | undefined): void {
  if (!value || value.length < 6 || secrets.includes(value)) return;
  secrets.push(value);
  if (secrets.length > MAX_SECRETS) secrets.splice(2, 1);
}

/** `text` with every known secret, raw or URL-encoded, replaced by `[REDACTED]`. */
export function redactSecrets(secrets: readonly string[], text: string): string {
  for (const value of secrets) {
    text = text.replaceAll(value, '[REDACTED]').replaceAll(encodeURIComponent(value), '[REDACTED]');
  }
  return text;
}
