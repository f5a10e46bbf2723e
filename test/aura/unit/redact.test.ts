import { describe, expect, it } from 'vitest';
import { redactSecrets, rememberSecret } from '../../../src/aura/redact.js';

describe('redactSecrets', () => {
  it('redacts every occurrence of a known secret, raw or URL-encoded', () => {
    const secrets: string[] = [];
    rememberSecret(secrets, 's3cr3t/+=value');
    const text = 'a s3cr3t/+=value b s3cr3t%2F%2B%3Dvalue c s3cr3t/+=value';
    expect(redactSecrets(secrets, text)).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
  });

  it('leaves values too short to be a secret alone, and remembers each value once', () => {
    const secrets: string[] = [];
    rememberSecret(secrets, 'abc');
    rememberSecret(secrets, undefined);
    rememberSecret(secrets, 'token-1');
    rememberSecret(secrets, 'token-1');
    expect(secrets).toEqual(['token-1']);
    expect(redactSecrets(secrets, 'abc def')).toBe('abc def');
  });

  it('forgets the oldest token past 64 secrets, never the credentials remembered first', () => {
    const secrets: string[] = [];
    rememberSecret(secrets, 'client-secret');
    rememberSecret(secrets, 'basic-credentials');
    for (let i = 0; i < 70; i++) rememberSecret(secrets, `token-${String(i).padStart(3, '0')}`);
    const text = 'client-secret basic-credentials token-000 token-069';
    expect(redactSecrets(secrets, text)).toBe('[REDACTED] [REDACTED] token-000 [REDACTED]');
  });
});
