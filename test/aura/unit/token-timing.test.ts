import { describe, expect, it } from 'vitest';
import { isSpentToken, nextTokenRefreshAt } from '../../../src/aura/token-timing.js';

const NOW = 1_000_000;
const NEAR = 300_000;
const HOUR = 3_600_000;

describe('nextTokenRefreshAt', () => {
  it('is the margin before expiry, and the jitter earlier still', () => {
    expect(nextTokenRefreshAt(HOUR, 60_000, 0)).toBe(HOUR - 60_000);
    expect(nextTokenRefreshAt(HOUR, 60_000, 90_000)).toBe(HOUR - 150_000);
  });
});

describe('isSpentToken', () => {
  it('takes every 401 for a spent token', () => {
    expect(isSpentToken(401, 'Unauthorized', NOW + HOUR, NOW, NEAR)).toBe(true);
  });

  it('takes a 403 on a fresh token for a permission error', () => {
    expect(isSpentToken(403, 'Forbidden', NOW + HOUR, NOW, NEAR)).toBe(false);
    expect(isSpentToken(403, 'not allowed on this tenant', NOW + NEAR + 1, NOW, NEAR)).toBe(false);
  });

  it('takes a 403 near or past expiry for an expired token', () => {
    expect(isSpentToken(403, 'Forbidden', NOW + NEAR, NOW, NEAR)).toBe(true);
    expect(isSpentToken(403, 'Forbidden', NOW - 1, NOW, NEAR)).toBe(true);
  });

  it.each([
    'Key has expired, please renew',
    'Token expired',
    'token_expired',
    'The access token is EXPIRED',
    'invalid token',
    'Invalid access token',
    'invalid_token',
  ])('reads "%s" on a fresh token as an expired token', (message) => {
    expect(isSpentToken(403, message, NOW + HOUR, NOW, NEAR)).toBe(true);
  });

  it('never takes another status for a spent token', () => {
    for (const status of [undefined, 400, 404, 429, 500]) {
      expect(isSpentToken(status, 'Token expired', NOW - 1, NOW, NEAR)).toBe(false);
    }
  });
});
