import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import { createInsecurePlaintextCipher } from '../../src/stores/cipher-insecure-plaintext.js';

describe('createInsecurePlaintextCipher', () => {
  const cipher = createInsecurePlaintextCipher();

  it('stores plain:<text> and reads it back', async () => {
    const stored = await cipher.encrypt('hunter2:with:colons', 'user-1');
    expect(stored).toBe('plain:hunter2:with:colons');
    expect(await cipher.decrypt(stored, 'user-1')).toBe('hunter2:with:colons');
  });

  it('refuses anything else without echoing it', async () => {
    const error = await cipher
      .decrypt('v1:k1:secretish', 'user-1')
      .catch((caught: unknown) => caught);
    expect(isProvisioningError(error, 'cipher_failure')).toBe(true);
    expect((error as Error).message).toMatch(/reads only "plain:" values/);
    expect((error as Error).message).not.toContain('secretish');
  });
});
